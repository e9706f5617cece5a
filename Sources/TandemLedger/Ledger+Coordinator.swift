import Foundation
import GRDB
import TandemModel
import TandemReports
import TandemScheduling

/// A pair as the coordinator sees it.
public struct PairRecord: Sendable, Hashable {
    public var key: String
    public var seniorName: String
    public var seniorEmail: String
    public var juniorName: String
    public var juniorEmail: String
    public var monthFormed: String
    public var status: String
    public var endedOn: String?
    public var endReason: String?
    public var pattern: String
    public var sessions: [StoredSession]
    /// The objectives the pair agreed, as recorded (`tandem objectives`); empty when none were.
    public var objectives: String = ""
}

/// A stored session, whether it still stands, and what the coordinator recorded of it.
public struct StoredSession: Sendable, Hashable {
    public var session: ScheduledSession
    public var cancelled: Bool
    public var cancelReason: String? = nil
    /// `held` or `missed` as recorded; nil when nothing was (a past session then counts as held).
    public var outcome: String? = nil
    public var outcomeNote: String? = nil
    /// Its moves (`tandem move`), oldest first; the session's times are those after the last.
    public var moves: [SessionMoveRecord] = []

    /// Held: recorded so, or past with nothing recorded and not cancelled.
    public func wasHeld(before instant: Int64) -> Bool {
        !cancelled && (outcome == "held" || (outcome == nil && session.start < instant))
    }
}

/// The result of ending pairs (a withdrawal or `end-pair`): which pairs ended and which sessions to cancel.
public struct PairEnding: Sendable {
    public var endedPairs: [PairRecord]
    /// The sessions as they were before cancelling; `CalendarChanges.cancel` raises their `SEQUENCE`.
    public var cancelledSessions: [ScheduledSession]
    /// Partners of the withdrawn person, back in the pool.
    public var freedPartners: [String]
    /// The ended pairs whose sessions went out as one iTIP series (proposals, `[acceptance]` on), by
    /// pair key: where each of its moved sessions first was (its `RECURRENCE-ID`), by UID.
    public var series: [String: [String: Int64]] = [:]

    /// Adds another ending's pairs, sessions, partners and series (a batch dissolving several pairs).
    mutating func add(_ other: PairEnding) {
        endedPairs += other.endedPairs
        cancelledSessions += other.cancelledSessions
        freedPartners += other.freedPartners
        series.merge(other.series) { a, _ in a }
    }
}

/// The state of the scheme on a day, for `tandem status`.
public struct StatusReport: Sendable {
    public struct ActivePair: Sendable, Hashable {
        public var pair: PairRecord
        public var held: Int
        public var next: ScheduledSession?
    }
    public struct Waiting: Sendable, Hashable {
        public var name: String
        public var email: String
        public var firstResponse: LocalDate
        public var waitingDays: Int
        /// The day the three-month (or configured) target falls.
        public var due: LocalDate
        public var reason: String?
    }
    public struct Senior: Sendable, Hashable {
        public var name: String
        public var email: String
        public var capacity: Int
        public var inUse: Int
        /// Applied as "either": a possible senior, who may be paired as a junior instead.
        public var eitherRole = false
        public var free: Int { max(0, capacity - inUse) }
    }

    public var today: LocalDate
    public var targetMonths: Int
    public var latestRun: String?
    public var activePairs: [ActivePair]
    public var waiting: [Waiting]
    public var seniors: [Senior]
    public var withdrawn: Int
    /// People in running pairs (not looking this month), and the seniors among them with every place taken.
    public var inRunningPairs = 0
    public var fullSeniors = 0
    /// Juniors whose pair completed, on the response they still have (paired again only if they apply anew).
    public var finished = 0

    /// Plain text for the coordinator's terminal.
    public func render() -> String {
        var lines: [String] = []
        lines.append("Scheme status on \(today)" + (latestRun.map { " (latest run: sessions from \($0))" } ?? " (no run recorded yet)"))
        lines.append("")
        lines.append("Active pairs: \(activePairs.count)")
        for active in activePairs {
            let pair = active.pair
            var line = "  \(pair.seniorName) <\(pair.seniorEmail)> mentors \(pair.juniorName) <\(pair.juniorEmail)>"
            line += " — since \(pair.monthFormed), \(active.held) of \(pair.sessions.count) sessions held"
            let changes = [("moved", pair.sessions.filter { !$0.moves.isEmpty }.count),
                           ("cancelled", pair.sessions.filter(\.cancelled).count),
                           ("missed", pair.sessions.filter { $0.outcome == "missed" }.count)].filter { $0.1 > 0 }
            if !changes.isEmpty { line += " (" + changes.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + ")" }
            if let next = active.next { line += ", next \(formatInstant(next.start, zone: next.timeZone))" }
            lines.append(line)
        }
        lines.append("In running pairs, not looking this month: \(inRunningPairs) people"
                     + (fullSeniors > 0 ? " (\(fullSeniors) seniors with every place taken)" : ""))
        if finished > 0 { lines.append("Pair completed, paired again only if they apply anew: \(finished) juniors") }
        lines.append("")
        let overdue = waiting.filter { WaitingTarget.isPast(appliedOn: $0.firstResponse, on: today, targetMonths: targetMonths) }.count
        lines.append("Waiting to be paired (in no running pair): \(waiting.count) (\(overdue) past the \(targetMonths)-month target)")
        for person in waiting {
            let days = person.due.daysSinceEpoch - today.daysSinceEpoch
            let target = days <= 0 ? "OVERDUE by \(-days) days (target was \(person.due))" : "\(days) days left (target \(person.due))"
            var line = "  \(person.name) <\(person.email)> applied \(person.firstResponse), waiting \(person.waitingDays) days — \(target)"
            if let reason = person.reason, !reason.isEmpty { line += "\n      last run: \(reason)" }
            lines.append(line)
        }
        lines.append("")
        let places = seniors.map(\.free).reduce(0, +)
        lines.append("Seniors' spare capacity: \(places) places free with \(seniors.filter { $0.free > 0 }.count) of \(seniors.count) senior partners")
        for senior in seniors {
            lines.append("  \(senior.name) <\(senior.email)>: \(senior.free) of \(senior.capacity) places free"
                         + (senior.inUse > 0 ? " (\(senior.inUse) active pair\(senior.inUse == 1 ? "" : "s"))" : "")
                         + (senior.eitherRole ? " (either role)" : ""))
        }
        if withdrawn > 0 {
            lines.append("")
            lines.append("Withdrawn: \(withdrawn) (see tandem history EMAIL)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// "2026-10-13 18:00 Europe/London": a session's start in its own zone.
public func formatInstant(_ instant: Int64, zone: String) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: TimeInterval(instant)))
    return String(format: "%04d-%02d-%02d %02d:%02d ", c.year!, c.month!, c.day!, c.hour!, c.minute!) + calendar.timeZone.identifier
}

extension Ledger {
    static func pairs(_ db: Database, whereClause: String, arguments: StatementArguments) throws -> [PairRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM pairs WHERE \(whereClause) ORDER BY month_formed, key", arguments: arguments).map { row in
            let key: String = row["key"]
            let moves = try Self.moves(db, pairKey: key)
            let sessions = try Row.fetchAll(db, sql: """
                SELECT status, session, cancel_reason, outcome, outcome_note FROM sessions WHERE pair_key = ? ORDER BY start, uid
                """, arguments: [key]).map { row in
                let session = try Self.session(fromJSON: row["session"])
                return StoredSession(session: session, cancelled: (row["status"] as String) == "cancelled",
                                     cancelReason: row["cancel_reason"], outcome: row["outcome"], outcomeNote: row["outcome_note"],
                                     moves: moves[session.uid] ?? [])
            }
            return PairRecord(key: key, seniorName: row["senior_name"], seniorEmail: row["senior_email"], juniorName: row["junior_name"],
                              juniorEmail: row["junior_email"], monthFormed: row["month_formed"], status: row["status"],
                              endedOn: row["ended_on"], endReason: row["end_reason"], pattern: row["pattern"], sessions: sessions,
                              objectives: row["objectives"] ?? "")
        }
    }

    /// The scheme on `today`: running pairs, who waits and for how long, and the seniors' free places.
    /// Seniors are those who applied as seniors or as "either" with at least `minimumSeniorYears` of
    /// experience (the matching's own rule), and consented; "either" ones are marked as such.
    public func status(today: LocalDate, targetMonths: Int = 3, minimumSeniorYears: Double = 2) throws(LedgerError) -> StatusReport {
        try read { db in
            let dayStart = today.startInstant
            let open = try Self.pairs(db, whereClause: "status != 'ended'", arguments: [])
            let running = open.filter { pair in pair.sessions.contains { !$0.cancelled && $0.session.start >= dayStart } }
            let active = running.map { pair in
                StatusReport.ActivePair(pair: pair, held: pair.sessions.filter { $0.wasHeld(before: dayStart) }.count,
                                        next: pair.sessions.first { !$0.cancelled && $0.session.start >= dayStart }?.session)
            }.sorted { ($0.pair.seniorEmail, $0.pair.juniorEmail) < ($1.pair.seniorEmail, $1.pair.juniorEmail) }
            var inUse: [String: Int] = [:]
            var runningJuniors = Set<String>()
            for pair in running {
                let (senior, junior) = Self.people(ofPairKey: pair.key)
                inUse[senior, default: 0] += 1
                runningJuniors.insert(junior)
            }
            // A junior whose pair completed is done with the response it was made from.
            var completedOn: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT junior_key, junior_response FROM pairs WHERE status != 'ended'") {
                let junior: String = row["junior_key"], response: String = row["junior_response"]
                if !runningJuniors.contains(junior) { completedOn[junior] = max(completedOn[junior] ?? response, response) }
            }

            let latestRun = try String.fetchOne(db, sql: "SELECT MAX(month) FROM runs")
            var reasons: [String: String] = [:]
            if let latestRun {
                for row in try Row.fetchAll(db, sql: "SELECT email_key, reason FROM run_applicants WHERE run_month = ?", arguments: [latestRun]) {
                    reasons[row["email_key"]] = row["reason"]
                }
            }
            var waiting: [StatusReport.Waiting] = []
            var seniors: [StatusReport.Senior] = []
            var withdrawn = 0, inRunningPairs = 0, fullSeniors = 0, finished = 0
            for row in try Row.fetchAll(db, sql: "SELECT * FROM applicants ORDER BY email_key") {
                let key: String = row["email_key"]
                let latest = LocalDate(iso: row["latest_response"]) ?? today
                var first = LocalDate(iso: row["first_response"]) ?? today
                if let withdrawnOn = (row["withdrawn_on"] as String?).flatMap(LocalDate.init(iso:)) {
                    guard latest > withdrawnOn else { withdrawn += 1; continue }
                    first = latest
                }
                let answers = try JSONDecoder().decode(Answers.self, from: Data((row["answers"] as String).utf8))
                // One role at a time: a junior in a running pair is no senior's spare place.
                if answers.role != "junior", answers.capacity > 0, answers.consent, answers.yearsOfExperience >= minimumSeniorYears,
                   !runningJuniors.contains(key) {
                    seniors.append(.init(name: row["name"], email: row["email"], capacity: answers.capacity, inUse: inUse[key] ?? 0,
                                         eitherRole: answers.role == RolePreference.either.rawValue))
                }
                if runningJuniors.contains(key) || inUse[key] != nil {
                    inRunningPairs += 1
                    if (inUse[key] ?? 0) >= answers.capacity { fullSeniors += 1 }
                } else if let response = completedOn[key], (row["latest_response"] as String) <= response {
                    finished += 1
                } else {
                    waiting.append(.init(name: row["name"], email: row["email"], firstResponse: first,
                                         waitingDays: first.days(until: today),
                                         due: WaitingTarget.dueDay(appliedOn: first, targetMonths: targetMonths),
                                         reason: reasons[key]))
                }
            }
            waiting.sort { ($0.firstResponse, $0.email) < ($1.firstResponse, $1.email) }
            seniors.sort { ($1.free, $0.email) < ($0.free, $1.email) }
            return StatusReport(today: today, targetMonths: targetMonths, latestRun: latestRun, activePairs: active,
                                waiting: waiting, seniors: seniors, withdrawn: withdrawn, inRunningPairs: inRunningPairs,
                                fullSeniors: fullSeniors, finished: finished)
        }
    }

    /// Ends every running pair of `email` on `today`, cancels their sessions from that day on and marks the
    /// person withdrawn: they are left out of later runs unless a response of theirs is dated after `today`
    /// (they applied anew). Their partners go back to the pool. `beforeCommit` receives the sessions to cancel
    /// and runs inside the transaction (the executable writes the cancellation calendars there).
    public func withdraw(email: String, today: LocalDate, note: String,
                         beforeCommit: (PairEnding) throws -> [QueuedMessage] = { _ in [] }) throws(LedgerError) -> PairEnding {
        let key = EmailAddress(email).key
        /// Who may withdraw: their row, not withdrawn already.
        func checkWithdrawable(_ db: Database) throws {
            guard let row = try Row.fetchOne(db, sql: "SELECT name, withdrawn_on FROM applicants WHERE email_key = ?", arguments: [key]) else {
                throw LedgerError("no applicant '\(email)' in the ledger (tandem status lists everyone)")
            }
            if let on: String = row["withdrawn_on"] {
                throw LedgerError("'\(email)' already withdrew on \(on)")
            }
        }
        return try change(before: "withdraw-\(today)", check: checkWithdrawable) { db, _, revision in
            try db.execute(sql: "UPDATE applicants SET withdrawn_on = ?, withdrawal_note = ?, withdrawn_revision = ? WHERE email_key = ?",
                           arguments: ["\(today)", note, revision, key])
            let pairs = try Self.pairs(db, whereClause: "status != 'ended' AND (senior_key = ? OR junior_key = ?)", arguments: [key, key])
            let reason = "withdrawal of \(email)" + (note.isEmpty ? "" : ": \(note)")
            let ending = try Self.end(db, pairs: pairs, today: today, reason: reason, person: key, revision: revision)
            try Self.queue(db, try beforeCommit(ending), revision: revision)
            return ending
        }
    }

    /// Ends the pair of `senior` and `junior` early on `today` for `reason`, cancelling its sessions from
    /// that day on. The pair is never proposed again; both partners go back to the pool.
    public func endPair(senior: String, junior: String, reason: String, today: LocalDate,
                        beforeCommit: (PairEnding) throws -> [QueuedMessage] = { _ in [] }) throws(LedgerError) -> PairEnding {
        let key = EmailAddress(senior).key + "|" + EmailAddress(junior).key
        /// The pair, if it may end.
        func endablePairs(_ db: Database) throws -> [PairRecord] {
            let pairs = try Self.pairs(db, whereClause: "key = ?", arguments: [key])
            guard let pair = pairs.first else {
                throw LedgerError("no pair with senior '\(senior)' and junior '\(junior)' in the ledger (see tandem history EMAIL)")
            }
            if pair.status == "ended" {
                throw LedgerError("the pair \(senior) – \(junior) already ended on \(pair.endedOn ?? "?")")
            }
            return pairs
        }
        return try change(before: "end-pair-\(today)", check: endablePairs) { db, pairs, revision in
            let ending = try Self.end(db, pairs: pairs, today: today, reason: reason, person: nil, revision: revision)
            try Self.queue(db, try beforeCommit(ending), revision: revision)
            return ending
        }
    }

    /// Ends `pairs` on `today`, cancelling their sessions from that day on, as the change of `revision`.
    /// A pair proposed and never accepted held no session: all of them are cancelled (its series as a whole).
    static func end(_ db: Database, pairs: [PairRecord], today: LocalDate, reason: String, person: String?, revision: Int) throws -> PairEnding {
        let dayStart = today.startInstant
        var ending = PairEnding(endedPairs: [], cancelledSessions: [], freedPartners: [])
        for pair in pairs {
            let neverAccepted = try Bool.fetchOne(db, sql: "SELECT 1 FROM proposals WHERE pair_key = ? AND state != 'accepted'",
                                                  arguments: [pair.key]) == true
            let remaining = pair.sessions.filter { !$0.cancelled && (neverAccepted || $0.session.start >= dayStart) }.map(\.session)
            // A pair whose sessions are all past has completed; a withdrawal leaves it as it is.
            if remaining.isEmpty && person != nil { continue }
            try db.execute(sql: "UPDATE pairs SET status = 'ended', ended_on = ?, end_reason = ?, ended_revision = ? WHERE key = ?",
                           arguments: ["\(today)", reason, revision, pair.key])
            for session in remaining {
                var cancelled = session
                cancelled.sequence += 1
                try db.execute(sql: "UPDATE sessions SET status = 'cancelled', sequence = ?, session = ?, cancel_reason = ?, changed_revision = ? WHERE uid = ?",
                               arguments: [cancelled.sequence, SessionJSON.encode(cancelled), reason, revision, session.uid])
            }
            var ended = pair
            ended.status = "ended"
            ended.endedOn = "\(today)"
            ended.endReason = reason
            ending.endedPairs.append(ended)
            ending.cancelledSessions += remaining
            if let originals = try seriesOriginals(db, pairKey: pair.key) { ending.series[pair.key] = originals }
            let (senior, junior) = Self.people(ofPairKey: pair.key)
            let partners: [String] = [senior, junior].filter { $0 != person }
            if person != nil { ending.freedPartners += partners }
        }
        return ending
    }

    /// Nil when the pair's sessions were sent as separate events; for a pair sent as a series (it has
    /// a proposal), where each moved session first was, by UID: its `RECURRENCE-ID` in the series.
    static func seriesOriginals(_ db: Database, pairKey: String) throws -> [String: Int64]? {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM proposals WHERE pair_key = ?", arguments: [pairKey]) == true else { return nil }
        return try moves(db, pairKey: pairKey).compactMapValues { $0.first?.fromStart }
    }

    /// The senior's and the junior's e-mail keys of a "senior|junior" pair key. A local part may hold
    /// a "|" (it is a valid character), a domain cannot: the key splits at the first "|" after the first "@".
    /// Bytes, not characters: a junior's key that starts with a combining mark joins the "|" into one
    /// character, and a split by characters then found no "|" at all (status crashed on it).
    static func people(ofPairKey key: String) -> (senior: String, junior: String) {
        let bytes = Array(key.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), let bar = bytes[at...].firstIndex(of: UInt8(ascii: "|")) else {
            return (key, "")
        }
        return (String(decoding: bytes[..<bar], as: UTF8.self), String(decoding: bytes[(bar + 1)...], as: UTF8.self))
    }

    /// Everything the ledger knows about one person, as text.
    public func history(email: String) throws(LedgerError) -> String {
        let key = EmailAddress(email).key
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM applicants WHERE email_key = ?", arguments: [key]) else {
                throw LedgerError("no applicant '\(email)' in the ledger")
            }
            let answers = try JSONDecoder().decode(Answers.self, from: Data((row["answers"] as String).utf8))
            var lines = ["\(row["name"] as String) <\(row["email"] as String)>",
                         "  first response \(row["first_response"] as String), latest \(row["latest_response"] as String)",
                         "  applies as \(answers.role)" + (answers.role == "junior" ? "" : ", capacity \(answers.capacity)")
                             + "; \(answers.jobTitle), \(answers.organisation); time zone \(answers.timeZone)"]
            if let on: String = row["withdrawn_on"] {
                let note: String = row["withdrawal_note"] ?? ""
                lines.append("  WITHDREW on \(on)" + (note.isEmpty ? "" : ": \(note)"))
            }
            lines.append("Runs:")
            for run in try Row.fetchAll(db, sql: "SELECT * FROM run_applicants WHERE email_key = ? ORDER BY run_month", arguments: [key]) {
                let reason: String? = run["reason"]
                lines.append("  \(run["run_month"] as String): \(run["outcome"] as String)" + (reason.map { " — \($0)" } ?? ""))
            }
            lines.append("Pairs:")
            let pairs = try Self.pairs(db, whereClause: "senior_key = ? OR junior_key = ?", arguments: [key, key])
            if pairs.isEmpty { lines.append("  none") }
            for pair in pairs {
                let status = pair.status == "ended" ? "ended early on \(pair.endedOn ?? "?") (\(pair.endReason ?? ""))" : pair.status
                lines.append("  \(pair.seniorName) <\(pair.seniorEmail)> mentors \(pair.juniorName) <\(pair.juniorEmail)>, from \(pair.monthFormed): \(status)")
                lines.append("    \(pair.pattern)")
                if !pair.objectives.isEmpty { lines.append("    objectives: \(pair.objectives)") }
                for stored in pair.sessions {
                    let s = stored.session
                    var state = ""
                    if stored.cancelled {
                        state = " — cancelled" + (stored.cancelReason.map { ": \($0)" } ?? "")
                    } else if let outcome = stored.outcome {
                        state = " — \(outcome) (recorded)" + (stored.outcomeNote.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
                    }
                    lines.append("    \(s.number)/\(s.count) \(formatInstant(s.start, zone: s.timeZone)) \(s.title)\(state) [SEQUENCE \(s.sequence)]")
                    for move in stored.moves {
                        lines.append("      moved on \(move.movedOn) from \(formatInstant(move.fromStart, zone: s.timeZone))"
                                     + (move.note.isEmpty ? "" : ": \(move.note)"))
                    }
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}

extension Ledger {
    /// The stored session `number` (1-based) of the pair of `senior` and `junior`, with the pair; an
    /// error that names what is wrong when there is none.
    static func session(_ db: Database, senior: String, junior: String, number: Int) throws -> (pair: PairRecord, session: StoredSession) {
        let key = EmailAddress(senior).key + "|" + EmailAddress(junior).key
        guard let pair = try pairs(db, whereClause: "key = ?", arguments: [key]).first else {
            throw LedgerError("no pair with senior '\(senior)' and junior '\(junior)' in the ledger (see tandem history EMAIL)")
        }
        guard let stored = pair.sessions.first(where: { $0.session.number == number }) else {
            throw LedgerError("the pair has sessions 1 to \(pair.sessions.count); there is no session \(number)")
        }
        return (pair, stored)
    }

    /// Cancels one session from `today` on: it must still stand and not have started. `beforeCommit`
    /// gets the session as it was (the executable writes its cancellation inside the transaction).
    public func cancelSession(senior: String, junior: String, number: Int, reason: String, today: LocalDate,
                              beforeCommit: (ScheduledSession) throws -> [QueuedMessage] = { _ in [] }) throws(LedgerError) -> ScheduledSession {
        func check(_ db: Database) throws -> ScheduledSession {
            let (pair, stored) = try Self.session(db, senior: senior, junior: junior, number: number)
            if pair.status == "ended" { throw LedgerError("the pair ended on \(pair.endedOn ?? "?"); its sessions were cancelled then") }
            if stored.cancelled { throw LedgerError("session \(number) is already cancelled" + (stored.cancelReason.map { " (\($0))" } ?? "")) }
            if stored.session.start < today.startInstant {
                throw LedgerError("session \(number) was on \(formatInstant(stored.session.start, zone: stored.session.timeZone)), before \(today); "
                    + "a past session is recorded with tandem held or tandem missed, not cancelled")
            }
            return stored.session
        }
        return try change(before: "cancel-session-\(today)", check: check) { db, session, revision in
            var cancelled = session
            cancelled.sequence += 1
            try db.execute(sql: """
                UPDATE sessions SET status = 'cancelled', sequence = ?, session = ?, cancel_reason = ?, changed_revision = ? WHERE uid = ?
                """, arguments: [cancelled.sequence, SessionJSON.encode(cancelled), reason, revision, session.uid])
            try Self.queue(db, try beforeCommit(session), revision: revision)
            return session
        }
    }

    /// Records that session `number` was held or missed (`outcome`), once its day has come. Returns
    /// what was recorded before, if anything, so the coordinator is told of a change of mind.
    public func recordOutcome(senior: String, junior: String, number: Int, outcome: String, note: String,
                              today: LocalDate) throws(LedgerError) -> String? {
        precondition(outcome == "held" || outcome == "missed")
        func check(_ db: Database) throws -> StoredSession {
            let (_, stored) = try Self.session(db, senior: senior, junior: junior, number: number)
            if stored.cancelled { throw LedgerError("session \(number) was cancelled" + (stored.cancelReason.map { " (\($0))" } ?? "") + "; it cannot be \(outcome)") }
            if stored.session.start >= today.adding(days: 1).startInstant {
                throw LedgerError("session \(number) is on \(formatInstant(stored.session.start, zone: stored.session.timeZone)), after \(today); "
                    + "record it as \(outcome) on or after its day")
            }
            return stored
        }
        return try change(before: "\(outcome)-\(today)", check: check) { db, stored, revision in
            try db.execute(sql: "UPDATE sessions SET outcome = ?, outcome_note = ?, changed_revision = ? WHERE uid = ?",
                           arguments: [outcome, note, revision, stored.session.uid])
            return stored.outcome
        }
    }
}

extension Ledger {
    /// `email`'s CPD record: every pair they were in with a session from `from` to `to` (their local
    /// dates, inclusive), oldest first. A session is held when recorded so, or past on `today` with
    /// nothing recorded and not cancelled.
    /// `formedBefore`: only pairs formed before that month (a run leaves out the pairs it replaces).
    public func cpdRecord(email: String, from: LocalDate?, to: LocalDate?, today: LocalDate, config: SchemeConfig,
                          formedBefore: YearMonth? = nil) throws(LedgerError) -> CPDRecord {
        let key = EmailAddress(email).key
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM applicants WHERE email_key = ?", arguments: [key]) else {
                throw LedgerError("no applicant '\(email)' in the ledger (tandem status lists everyone)")
            }
            let answers = try JSONDecoder().decode(Answers.self, from: Data((row["answers"] as String).utf8))
            var activities: [CPDRecord.Activity] = []
            for pair in try Self.pairs(db, whereClause: "(senior_key = ? OR junior_key = ?) AND month_formed < ?",
                                       arguments: [key, key, formedBefore.map { "\($0)" } ?? "9999-99"]) {
                let mentor = Self.people(ofPairKey: pair.key).senior == key
                let sessions = pair.sessions.compactMap { stored -> CPDRecord.Session? in
                    let (date, when) = Self.local(stored.session, in: answers.timeZone)
                    if let from, date < from { return nil }
                    if let to, to < date { return nil }
                    let state = stored.cancelled ? "cancelled" : stored.wasHeld(before: today.startInstant) ? "held"
                        : stored.outcome ?? "scheduled"
                    var note = stored.cancelled ? stored.cancelReason ?? "" : stored.outcomeNote ?? ""
                    if let first = stored.moves.first, note.isEmpty {
                        note = "moved from " + Self.local(first.fromStart, first.fromEnd, in: answers.timeZone).1
                    }
                    let s = stored.session
                    return CPDRecord.Session(number: s.number, count: s.count, title: s.title, agenda: s.agenda, when: when, date: "\(date)",
                                             minutes: Int(s.end - s.start) / 60, state: state, note: note)
                }
                guard !sessions.isEmpty else { continue }
                // As of `today`, not as last recorded: a re-run of a month writes the same record.
                let finished = pair.sessions.allSatisfy { $0.session.start < today.startInstant }
                let status = pair.status == "ended" ? "ended early on \(pair.endedOn ?? "?")" + (pair.endReason.map { " (\($0))" } ?? "")
                    : finished ? "completed" : "running"
                var activity = CPDRecord.Activity(role: mentor ? "mentor" : "mentee",
                                                  partnerName: mentor ? pair.juniorName : pair.seniorName,
                                                  partnerEmail: mentor ? pair.juniorEmail : pair.seniorEmail,
                                                  monthFormed: pair.monthFormed, status: status, sessions: sessions)
                activity.objectives = pair.objectives
                activities.append(activity)
            }
            return CPDRecord(schemeName: config.scheme.name, coordinatorName: config.scheme.coordinatorName, name: row["name"],
                             email: row["email"], jobTitle: answers.jobTitle, organisation: answers.organisation,
                             timeZone: answers.timeZone, hopes: answers.goals ?? "", activities: activities)
        }
    }

    /// A session's local date and "Tuesday 5 January 2027, 14:00–15:00" in the zone `zone` (UTC when unknown).
    static func local(_ session: ScheduledSession, in zone: String) -> (LocalDate, String) {
        local(session.start, session.end, in: zone)
    }

    static func local(_ startInstant: Int64, _ endInstant: Int64, in zone: String) -> (LocalDate, String) {
        let offsets = ZoneOffsets(identifier: zone, from: startInstant, to: endInstant)
        let start = startInstant + (offsets?.offset(at: startInstant) ?? 0), end = endInstant + (offsets?.offset(at: endInstant) ?? 0)
        return (DateText.date(local: start), DateText.span(from: start, to: end))
    }
}

extension Ledger {
    /// The CPD records a run for `month` writes (its folder's `cpd/`): of everyone whose pair completed
    /// in the month before (its last session then) or ended early then, as of the month's first day.
    /// A pair that ended before holding a session (a proposal declined or expired, a pair ended at
    /// once) gives its people nothing to record.
    public func cpdRecordsOfPairsFinishing(before month: YearMonth, config: SchemeConfig) throws(LedgerError) -> [CPDRecord] {
        let (from, to) = (month.adding(months: -1).firstDay, month.firstDay)
        let keys: [String] = try read { db in
            try String.fetchAll(db, sql: """
                SELECT p.key FROM pairs p
                WHERE ((p.status = 'ended' AND p.ended_on >= ? AND p.ended_on < ?)
                       OR (p.status != 'ended' AND (SELECT MAX(s.start) FROM sessions s WHERE s.pair_key = p.key) BETWEEN ? AND ?))
                  AND EXISTS (SELECT 1 FROM sessions s WHERE s.pair_key = p.key AND s.status = 'scheduled' AND s.start < ?)
                ORDER BY p.key
                """, arguments: ["\(from)", "\(to)", from.startInstant, to.startInstant - 1, to.startInstant])
        }
        let people = Set(keys.flatMap { key -> [String] in let (s, j) = Self.people(ofPairKey: key); return [s, j] }).sorted()
        return try people.map { (key: String) throws(LedgerError) -> CPDRecord in
            try cpdRecord(email: key, from: nil, to: nil, today: to, config: config, formedBefore: month)
        }
    }
}

extension Ledger {
    /// Records the objectives the pair of `senior` and `junior` agreed (replacing any recorded before).
    public func recordObjectives(senior: String, junior: String, text: String, today: LocalDate) throws(LedgerError) {
        try recordObjectives([AgreedObjectives(senior: senior, junior: junior, text: text)], today: today)
    }

    /// Records several pairs' objectives in one change: all of them, or none when a pair is unknown
    /// (the error names each, by `where` when given).
    public func recordObjectives(_ list: [AgreedObjectives], today: LocalDate) throws(LedgerError) {
        func key(_ entry: AgreedObjectives) -> String { EmailAddress(entry.senior).key + "|" + EmailAddress(entry.junior).key }
        func check(_ db: Database) throws {
            var unknown: [String] = []
            for entry in list where try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pairs WHERE key = ?", arguments: [key(entry)]) != 1 {
                unknown.append((entry.where.map { "\($0): " } ?? "")
                    + "no pair with senior '\(entry.senior)' and junior '\(entry.junior)' in the ledger (see tandem history EMAIL)")
            }
            if !unknown.isEmpty { throw LedgerError(unknown.joined(separator: "\n")) }
        }
        try change(before: "objectives-\(today)", check: check) { db, _, revision in
            for entry in list {
                try db.execute(sql: "UPDATE pairs SET objectives = ?, objectives_revision = ? WHERE key = ?",
                               arguments: [entry.text, revision, key(entry)])
            }
        }
    }
}

/// A pair's agreed objectives to record, and where they were read (`FILE:LINE`), for messages.
public struct AgreedObjectives: Sendable, Hashable {
    public var senior: String
    public var junior: String
    public var text: String
    public var `where`: String?

    public init(senior: String, junior: String, text: String, where: String? = nil) {
        self.senior = senior
        self.junior = junior
        self.text = text
        self.where = `where`
    }
}
