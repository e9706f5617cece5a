import TandemModel

/// The rules a session moved by hand (`tandem move`) must keep, and the times that keep them.
///
/// The same rules the scheduler keeps for a whole plan, applied to one new time: inside both partners'
/// stated hours, each in their own zone on that date; on no bank holiday or blackout day of either
/// partner's local date; over no other session of either partner (any pair); and still between the
/// pair's sessions before and after it, so the six stay in order.
public struct SessionMoveRules: Sendable {
    /// A partner as the rules need them: their hours and zone.
    public struct Person: Sendable {
        public var name: String
        public var timeZone: String
        public var hours: [WeeklyWindow]

        public init(name: String, timeZone: String, hours: [WeeklyWindow]) {
            self.name = name
            self.timeZone = timeZone
            self.hours = hours
        }
    }

    /// Another session of either partner, which the new time must not overlap.
    public struct Busy: Sendable {
        public var start: Int64
        public var end: Int64
        /// Whose and which, for the message: "Ann Lee's session 2 of 6 with Sam Roe".
        public var what: String

        public init(start: Int64, end: Int64, what: String) {
            self.start = start
            self.end = end
            self.what = what
        }
    }

    public var session: ScheduledSession
    public var senior: Person
    public var junior: Person
    /// The pair's standing sessions just before and after this one, if any.
    public var previous: ScheduledSession?
    public var next: ScheduledSession?
    public var busy: [Busy]
    /// Bank holidays and the scheme's blackout dates: date → name.
    public var blackouts: [LocalDate: String]
    /// The first instant a new time may have (the start of the day after `today`: people need notice).
    public var notBefore: Int64

    public init(session: ScheduledSession, senior: Person, junior: Person, previous: ScheduledSession?, next: ScheduledSession?,
                busy: [Busy], blackouts: [LocalDate: String], notBefore: Int64) {
        self.session = session
        self.senior = senior
        self.junior = junior
        self.previous = previous
        self.next = next
        self.busy = busy
        self.blackouts = blackouts
        self.notBefore = notBefore
    }

    var length: Int64 { session.end - session.start }

    /// Every rule the session broken at `start` (Unix seconds) would break, in words; empty when it may move there.
    public func problems(at start: Int64) -> [String] {
        let end = start + length
        var found: [String] = []
        if start < notBefore {
            found.append("the new time is not after today: a session can be moved to tomorrow at the earliest")
        }
        if let previous, start < previous.end {
            found.append("it would come before session \(previous.number) (\(Self.when(previous.start, previous.end, previous.timeZone))); "
                + "a session stays between the sessions before and after it")
        }
        if let next, end > next.start {
            found.append("it would come after session \(next.number) (\(Self.when(next.start, next.end, next.timeZone))); "
                + "a session stays between the sessions before and after it")
        }
        for person in [senior, junior] {
            guard let zone = ZoneOffsets(identifier: person.timeZone, from: start - 86_400, to: end + 86_400) else {
                found.append("\(person.name)'s time zone '\(person.timeZone)' is not known")
                continue
            }
            let local = Self.when(start, end, person.timeZone)
            if MergedWindows(person.hours).containing(start, end, zone: zone) == nil {
                let hours = person.hours.sorted().map(\.description).joined(separator: ", ")
                found.append("\(local) is outside \(person.name)'s hours (\(hours.isEmpty ? "none marked" : hours), \(person.timeZone))")
            }
            let day = LocalDate(daysSinceEpoch: Int(floorDivide(zone.local(start), 86_400)))
            if let name = blackouts[day] {
                found.append("\(day) is \(name) for \(person.name) (\(person.timeZone)); sessions keep clear of it")
            }
        }
        for other in busy where other.start < end && start < other.end {
            found.append("it overlaps \(other.what) (\(Self.when(other.start, other.end, session.timeZone)))")
        }
        return found
    }

    /// The `count` times nearest the session's own (before or after it, in time order) that keep every
    /// rule, on the scheme's start grid of `stepMinutes`, within `searchDays` either side.
    public func nextFree(count: Int, stepMinutes: Int, searchDays: Int = 45) -> [Int64] {
        let step = Int64(stepMinutes) * 60, reach = Int64(searchDays) * 86_400
        let low = max(notBefore, previous?.end ?? notBefore, session.start - reach)
        let high = min(next.map { $0.start - length } ?? .max, session.start + reach)
        var free: [Int64] = []
        var start = (low + step - 1) / step * step
        while start <= high {
            if start != session.start && problems(at: start).isEmpty { free.append(start) }
            start += step
        }
        let nearest = free.sorted { (abs($0 - session.start), $0) < (abs($1 - session.start), $1) }
        return Array(nearest.prefix(count)).sorted()
    }

    /// "Tuesday 5 January 2027, 14:00–15:00 (Europe/London)".
    public static func when(_ start: Int64, _ end: Int64, _ zone: String) -> String {
        guard let offsets = ZoneOffsets(identifier: zone, from: start - 86_400, to: end + 86_400) else {
            return DateText.span(from: start, to: end) + " (UTC)"
        }
        return DateText.span(from: offsets.local(start), to: offsets.local(end)) + " (\(zone))"
    }
}

/// A wall-clock time typed by the coordinator, read in a zone: one instant, or why there is none.
public enum TypedLocalTime: Equatable, Sendable {
    case instant(Int64)
    /// The clocks go forward over it that night.
    case doesNotExist
    /// The clocks go back over it: it happens twice.
    case happensTwice

    /// `date` at `minute` after midnight in `zone`; nil when the zone is unknown.
    public static func read(date: LocalDate, minute: Int, zone: String) -> TypedLocalTime? {
        let local = Int64(date.daysSinceEpoch) * 86_400 + Int64(minute) * 60
        guard let offsets = ZoneOffsets(identifier: zone, from: local - 3 * 86_400, to: local + 3 * 86_400) else { return nil }
        let instants = offsets.instants(fromLocal: local)
        switch instants.count {
        case 0: return .doesNotExist
        case 1: return .instant(instants[0])
        default: return .happensTwice
        }
    }
}
