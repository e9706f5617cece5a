import Foundation
import GRDB
import TandemModel
import TandemScheduling

/// One move of a session, as recorded.
public struct SessionMoveRecord: Sendable, Hashable {
    /// The coordinator's day of the move.
    public var movedOn: String
    public var fromStart: Int64
    public var fromEnd: Int64
    public var note: String
}

extension Ledger {
    /// The rules session `number` of the pair of `senior` and `junior` must keep to move, as the ledger
    /// stands on `today` (for `tandem move --next-free`, and checked again by `moveSession`).
    public func moveRules(senior: String, junior: String, number: Int, today: LocalDate,
                          config: SchemeConfig) throws(LedgerError) -> SessionMoveRules {
        try read { db in try Self.moveRules(db, senior: senior, junior: junior, number: number, today: today, config: config) }
    }

    /// Moves session `number` to `newStart` (Unix seconds): same UID, `SEQUENCE` + 1, the new times,
    /// nothing else. Refused, with every rule it would break, unless `SessionMoveRules` allows it.
    /// `beforeCommit` gets the session as it was (the executable writes its update inside the transaction).
    public func moveSession(senior: String, junior: String, number: Int, to newStart: Int64, note: String, today: LocalDate,
                            config: SchemeConfig, beforeCommit: (ScheduledSession) throws -> [QueuedMessage] = { _ in [] })
        throws(LedgerError) -> (before: ScheduledSession, after: ScheduledSession) {
        func check(_ db: Database) throws -> ScheduledSession {
            let rules = try Self.moveRules(db, senior: senior, junior: junior, number: number, today: today, config: config)
            let session = rules.session
            if newStart == session.start { throw LedgerError("session \(number) is already at that time") }
            let problems = rules.problems(at: newStart)
            guard problems.isEmpty else {
                let when = SessionMoveRules.when(newStart, newStart + session.end - session.start, session.timeZone)
                throw LedgerError("session \(number) cannot move to \(when), so nothing was changed (--next-free lists times "
                    + "that keep every rule):\n  - " + problems.joined(separator: "\n  - "))
            }
            return session
        }
        return try change(before: "move-\(today)", check: check) { db, session, revision in
            let moved = session.moved(toStart: newStart)
            try db.execute(sql: """
                UPDATE sessions SET start = ?, "end" = ?, sequence = ?, session = ?, changed_revision = ? WHERE uid = ?
                """, arguments: [moved.start, moved.end, moved.sequence, SessionJSON.encode(moved), revision, session.uid])
            try db.execute(sql: """
                INSERT INTO session_moves (uid, revision, moved_on, from_start, from_end, to_start, to_end, note)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [session.uid, revision, "\(today)", session.start, session.end, moved.start, moved.end, note])
            try Self.queue(db, try beforeCommit(session), revision: revision)
            return (session, moved)
        }
    }

    static func moveRules(_ db: Database, senior: String, junior: String, number: Int, today: LocalDate,
                          config: SchemeConfig) throws -> SessionMoveRules {
        let (pair, stored) = try session(db, senior: senior, junior: junior, number: number)
        if pair.status == "ended" { throw LedgerError("the pair ended on \(pair.endedOn ?? "?"); its sessions were cancelled then") }
        if stored.cancelled {
            throw LedgerError("session \(number) was cancelled" + (stored.cancelReason.map { " (\($0))" } ?? "") + "; it cannot be moved")
        }
        if stored.outcome == "held" { throw LedgerError("session \(number) was recorded as held; a session that took place is not moved") }
        let (seniorKey, juniorKey) = people(ofPairKey: pair.key)
        let standing = pair.sessions.filter { !$0.cancelled && $0.session.uid != stored.session.uid }.map(\.session)
        let notBefore = today.adding(days: 1).startInstant
        return SessionMoveRules(
            session: stored.session, senior: try person(db, key: seniorKey), junior: try person(db, key: juniorKey),
            previous: standing.last { $0.start < stored.session.start }, next: standing.first { $0.start > stored.session.start },
            busy: try otherSessions(db, of: [seniorKey, juniorKey], besides: pair.key, endingAfter: notBefore),
            blackouts: blackouts(config: config, from: today), notBefore: notBefore)
    }

    /// A partner's name, zone and hours from their latest answers.
    static func person(_ db: Database, key: String) throws -> SessionMoveRules.Person {
        guard let row = try Row.fetchOne(db, sql: "SELECT name, answers FROM applicants WHERE email_key = ?", arguments: [key]) else {
            throw LedgerError("no applicant '\(key)' in the ledger")
        }
        let answers = try JSONDecoder().decode(Answers.self, from: Data((row["answers"] as String).utf8))
        return .init(name: row["name"], timeZone: answers.timeZone, hours: answers.availability.compactMap(WeeklyWindow.init(description:)))
    }

    /// The standing sessions of other pairs that `people` are in, ending after `instant`.
    static func otherSessions(_ db: Database, of people: [String], besides pairKey: String,
                              endingAfter instant: Int64) throws -> [SessionMoveRules.Busy] {
        try Row.fetchAll(db, sql: """
            SELECT s.session FROM sessions s JOIN pairs p ON p.key = s.pair_key
            WHERE s.status = 'scheduled' AND s."end" > ? AND p.key != ?
              AND (p.senior_key IN (?, ?) OR p.junior_key IN (?, ?))
            ORDER BY s.start, s.uid
            """, arguments: [instant, pairKey, people[0], people[1], people[0], people[1]]).map { row in
            let other = try Self.session(fromJSON: row["session"])
            return .init(start: other.start, end: other.end,
                         what: "session \(other.number) of \(other.count) of \(other.senior.name) and \(other.junior.name)")
        }
    }

    /// The scheme's bank holidays and blackout dates from `today`'s year to two years on.
    static func blackouts(config: SchemeConfig, from today: LocalDate) -> [LocalDate: String] {
        var days = HolidayRules.holidays(config.sessions.holidayRegion, years: today.year ... today.year + 2)
        for day in config.sessions.blackoutLocalDates { days[day] = days[day] ?? "a blackout date of the scheme" }
        return days
    }

    /// Each session's moves, oldest first, by UID.
    static func moves(_ db: Database, pairKey: String) throws -> [String: [SessionMoveRecord]] {
        var moves: [String: [SessionMoveRecord]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT m.* FROM session_moves m JOIN sessions s ON s.uid = m.uid WHERE s.pair_key = ? ORDER BY m.uid, m.revision
            """, arguments: [pairKey]) {
            moves[row["uid"], default: []].append(SessionMoveRecord(movedOn: row["moved_on"], fromStart: row["from_start"],
                                                                    fromEnd: row["from_end"], note: row["note"]))
        }
        return moves
    }
}
