import TandemModel

/// A new pair to give sessions to: the matching's output, before any date is chosen.
public struct PairToSchedule: Sendable, Hashable {
    public var senior: Applicant
    public var junior: Applicant

    public init(senior: Applicant, junior: Applicant) {
        self.senior = senior
        self.junior = junior
    }

    /// `senior-key|junior-key`: identifies the pair in ordering, logs and hashes.
    public var key: String { senior.email.key + "|" + junior.email.key }
}

/// A session someone already has (a pair from an earlier month still running): new sessions never overlap it.
public struct Commitment: Sendable, Hashable {
    /// The person's e-mail key (`EmailAddress.key`).
    public var person: String
    /// Unix seconds, UTC; the interval is `[start, end)`.
    public var start: Int64
    public var end: Int64

    public init(person: String, start: Int64, end: Int64) {
        self.person = person
        self.start = start
        self.end = end
    }
}

/// A pair's recurring slot, such as "second Tuesday, 18:00–19:00 Europe/London": the same weekday of the
/// same week of every month, at the same wall-clock time in one time zone (the senior partner's).
public struct MonthlyPattern: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1–4 = first … fourth such weekday of the month; 5 = the last.
    public var ordinal: Int
    /// ISO weekday, 1 = Monday … 7 = Sunday.
    public var weekday: Int
    /// Minutes after local midnight in `timeZone`.
    public var startMinute: Int
    public var durationMinutes: Int
    /// IANA identifier of the zone the wall-clock time is given in.
    public var timeZone: String

    public init(ordinal: Int, weekday: Int, startMinute: Int, durationMinutes: Int, timeZone: String) {
        self.ordinal = ordinal
        self.weekday = weekday
        self.startMinute = startMinute
        self.durationMinutes = durationMinutes
        self.timeZone = timeZone
    }

    /// The day of this pattern in a month.
    public func date(in month: YearMonth) -> LocalDate { month.day(ordinal: ordinal, weekday: weekday) }

    public static func < (a: MonthlyPattern, b: MonthlyPattern) -> Bool {
        (a.ordinal, a.weekday, a.startMinute, a.timeZone) < (b.ordinal, b.weekday, b.startMinute, b.timeZone)
    }

    static let ordinalNames = ["first", "second", "third", "fourth", "last"]
    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    public var description: String {
        let end = startMinute + durationMinutes
        return "\(Self.ordinalNames[ordinal - 1]) \(Self.dayNames[weekday - 1]), "
            + "\(clock(startMinute))–\(clock(end)) \(timeZone)"
    }
}

/// `HH:MM` for minutes after midnight.
func clock(_ minutes: Int) -> String {
    let h = minutes / 60, m = minutes % 60
    return (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
}

/// A partner as named in a session's text: what a calendar event needs, nothing more.
public struct SessionPartner: Sendable, Hashable, Codable {
    public var name: String
    /// The e-mail as the applicant typed it.
    public var email: String
    /// `EmailAddress.key` (lower-cased): the identity.
    public var key: String
    public var timeZone: String

    public init(name: String, email: String, key: String, timeZone: String) {
        self.name = name
        self.email = email
        self.key = key
        self.timeZone = timeZone
    }

    public init(_ applicant: Applicant) {
        self.init(name: applicant.name, email: applicant.email.text, key: applicant.email.key, timeZone: applicant.timeZone)
    }
}

/// One session as stored and as written to calendars: everything needed to regenerate its event
/// (a ledger can store this value, then produce an update or a cancellation from it months later).
public struct ScheduledSession: Sendable, Hashable, Codable {
    /// Globally unique and stable: derived from the scheme's domain, the pair's e-mails (hashed) and
    /// the pair's first month and session number, so re-running a month gives the same UIDs.
    public var uid: String
    /// RFC 5545 `SEQUENCE`: 0 when first sent, raised by every change.
    public var sequence: Int
    /// 1-based position in the plan.
    public var number: Int
    /// How many sessions the plan has (6 by default): "session 3 of 6".
    public var count: Int
    /// The plan entry's title, such as "Two-way discussion".
    public var title: String
    public var agenda: String
    public var prepare: String
    /// Who leads this session, if one partner does.
    public var lead: SessionLead?
    /// Unix seconds, UTC; the session is `[start, end)`.
    public var start: Int64
    public var end: Int64
    /// The zone the pattern is defined in (the event's `TZID`).
    public var timeZone: String
    public var senior: SessionPartner
    public var junior: SessionPartner
    /// The event's `LOCATION`: the video link text, or the in-person region.
    public var location: String
    /// The pattern in words, for the description ("second Tuesday, 18:00–19:00 Europe/London").
    public var pattern: String
    /// The scheme's name, shown in titles.
    public var schemeName: String

    public init(uid: String, sequence: Int, number: Int, count: Int, title: String, agenda: String, prepare: String,
                lead: SessionLead?, start: Int64, end: Int64, timeZone: String, senior: SessionPartner,
                junior: SessionPartner, location: String, pattern: String, schemeName: String) {
        self.uid = uid
        self.sequence = sequence
        self.number = number
        self.count = count
        self.title = title
        self.agenda = agenda
        self.prepare = prepare
        self.lead = lead
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.senior = senior
        self.junior = junior
        self.location = location
        self.pattern = pattern
        self.schemeName = schemeName
    }

    /// The partner who leads, if any.
    public var leader: SessionPartner? {
        switch lead {
        case .junior?: return junior
        case .senior?: return senior
        case nil: return nil
        }
    }

    /// The same session at another time, with `SEQUENCE` raised (what an update needs).
    public func moved(toStart newStart: Int64) -> ScheduledSession {
        var copy = self
        copy.end = newStart + (end - start)
        copy.start = newStart
        copy.sequence += 1
        return copy
    }
}

/// A pair with its pattern and its dated sessions.
public struct PairSchedule: Sendable, Hashable {
    public var pair: PairToSchedule
    public var pattern: MonthlyPattern
    public var sessions: [ScheduledSession]
    /// The shortest stretch of time, over the pair's dates, that both partners marked around the
    /// session (minutes): 60 means the session fills the shared time exactly, more leaves room.
    public var sharedMinutes: Int
    /// The preference score the optimisation gave this pattern (higher is better; see `Scheduler`).
    public var score: Double

    public init(pair: PairToSchedule, pattern: MonthlyPattern, sessions: [ScheduledSession], sharedMinutes: Int, score: Double) {
        self.pair = pair
        self.pattern = pattern
        self.sessions = sessions
        self.sharedMinutes = sharedMinutes
        self.score = score
    }
}

/// A pair that got no sessions, and why, in words a coordinator can act on.
public struct UnscheduledPair: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// An e-mail or time zone cannot be used.
        case invalidInput
        /// The partners marked no hour in common (on every one of the dates).
        case noCommonHours
        /// Every common slot falls on a blackout date in some month.
        case blackoutDates
        /// Every common slot left clashes with a session someone already has.
        case existingCommitments
        /// The common slots left were taken by the partners' other new pairs.
        case clashesWithOtherPairs
    }

    public var pair: PairToSchedule
    public var reason: Reason
    /// A sentence naming what to change.
    public var explanation: String

    public init(pair: PairToSchedule, reason: Reason, explanation: String) {
        self.pair = pair
        self.reason = reason
        self.explanation = explanation
    }
}

/// What scheduling a month's new pairs produced.
public struct ScheduleResult: Sendable {
    /// Sorted by senior then junior e-mail key.
    public var scheduled: [PairSchedule]
    /// Sorted by senior then junior e-mail key.
    public var unscheduled: [UnscheduledPair]
    /// The first session month.
    public var firstMonth: YearMonth
    /// Groups of pairs that share someone and were solved with GLPK.
    public var groupsSolved: Int
    /// Groups whose every pair could take its best pattern at once, which is then optimal without a solver.
    public var groupsShortcut: Int
    /// Time GLPK spent (measured by the wrapper; for reports only, never in any output file).
    public var solverSeconds: Double
    /// True when every GLPK model was proven optimal.
    public var allProvenOptimal: Bool
    /// Anything the coordinator or a developer should know about the solves (time limits, fallbacks).
    public var solverNotes: [String]

    public init(scheduled: [PairSchedule], unscheduled: [UnscheduledPair], firstMonth: YearMonth, groupsSolved: Int,
                groupsShortcut: Int, solverSeconds: Double, allProvenOptimal: Bool, solverNotes: [String]) {
        self.scheduled = scheduled
        self.unscheduled = unscheduled
        self.firstMonth = firstMonth
        self.groupsSolved = groupsSolved
        self.groupsShortcut = groupsShortcut
        self.solverSeconds = solverSeconds
        self.allProvenOptimal = allProvenOptimal
        self.solverNotes = solverNotes
    }

    /// Every session, ordered by start then UID.
    public var allSessions: [ScheduledSession] {
        scheduled.flatMap(\.sessions).sorted { ($0.start, $0.uid) < ($1.start, $1.uid) }
    }
}

/// FNV-1a, 64 bits: a stable hash (Swift's `Hasher` is seeded per process) for UIDs and file names.
public enum StableHash {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// 16 lower-case hex digits.
    public static func hex(_ text: String) -> String {
        let digits = String(fnv1a64(text), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
