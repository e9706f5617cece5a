import Foundation
import GRDB
import TandemCalendar
import TandemModel

/// A message queued for `tandem send`. Its bytes live in the file at `path` (the run's or change's
/// `outbox/`), whose SHA-256 the ledger keeps: a file changed or gone since is never sent.
public struct QueuedMessage: Sendable, Hashable {
    public enum State: String, Sendable, CaseIterable {
        /// Not yet handed to the mail program.
        case pending
        /// Handed over, and the program has not answered yet (a crash here leaves it `unknown`).
        case sending
        case sent
        /// The mail program refused it; `tandem send` tries it again.
        case failed
        /// It may or may not have gone (the program was stopped, or tandem was): never re-sent unasked.
        case unknown
    }

    public var id: String
    public var path: String
    public var sha256: String
    public var recipientKey: String
    public var recipient: String
    public var subject: String
    public var method: String
    public var kind: String
    /// What queued it: "run 2027-01", "move 2027-01-20", …
    public var origin: String
    /// The month it belongs to (a run's month, a change's day's month), for `tandem send --month`.
    public var month: String
    public var state: State = .pending
    public var attempts = 0
    /// The mail program's answer, or why it failed.
    public var answer = ""

    public init(id: String, path: String, sha256: String, recipientKey: String, recipient: String, subject: String, method: String,
                kind: String, origin: String, month: String) {
        self.id = id
        self.path = path
        self.sha256 = sha256
        self.recipientKey = recipientKey
        self.recipient = recipient
        self.subject = subject
        self.method = method
        self.kind = kind
        self.origin = origin
        self.month = month
    }
}

extension Ledger {
    /// Adds `messages` (inside the caller's transaction). One with the same identity as a message
    /// already sent stays sent: it is the same message (a month run again made it again).
    static func queue(_ db: Database, _ messages: [QueuedMessage], revision: Int) throws {
        for m in messages {
            try db.execute(sql: """
                INSERT INTO messages (id, path, sha256, recipient_key, recipient, subject, method, kind, origin, month, state,
                                      attempts, answer, created_revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, '', ?)
                ON CONFLICT(id) DO UPDATE SET path = excluded.path WHERE state IN ('pending', 'failed')
                """, arguments: [m.id, m.path, m.sha256, m.recipientKey, m.recipient, m.subject, m.method, m.kind, m.origin, m.month,
                                 revision])
        }
    }

    /// The messages in `states` (all months, or `month`'s), oldest first.
    public func messages(in states: Set<QueuedMessage.State>, month: String? = nil) throws(LedgerError) -> [QueuedMessage] {
        try read { db in
            let marks = states.map { _ in "?" }.joined(separator: ", ")
            var arguments = StatementArguments(states.map(\.rawValue).sorted())
            var sql = "SELECT * FROM messages WHERE state IN (\(marks))"
            if let month {
                sql += " AND month = ?"
                arguments += [month]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY created_revision, id", arguments: arguments).map(Self.message)
        }
    }

    /// How many messages are in each state.
    public func outboxCounts() throws(LedgerError) -> [QueuedMessage.State: Int] {
        try read { db in
            var counts: [QueuedMessage.State: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM messages GROUP BY state") {
                if let state = QueuedMessage.State(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Before a batch: a backup, then every message left `sending` by a command that died is marked
    /// `unknown` (returned, for the coordinator to check); with `resendUnknown`, every `unknown` one
    /// goes back to `pending`, as the coordinator asked.
    public func beginSending(today: LocalDate, resendUnknown: Bool) throws(LedgerError) -> (leftovers: [QueuedMessage], requeued: Int) {
        try prepareToChange(before: "send-\(today)")
        return try write { db in
            let leftovers = try Row.fetchAll(db, sql: "SELECT * FROM messages WHERE state = 'sending' ORDER BY created_revision, id").map(Self.message)
            try db.execute(sql: """
                UPDATE messages SET state = 'unknown', answer = 'tandem stopped while the mail program had it; it may have gone'
                WHERE state = 'sending'
                """)
            var requeued = 0
            if resendUnknown {
                try db.execute(sql: "UPDATE messages SET state = 'pending' WHERE state = 'unknown'")
                requeued = db.changesCount
            }
            return (leftovers, requeued)
        }
    }

    /// Records a message's state (each its own transaction, committed before the next step).
    public func mark(_ id: String, _ state: QueuedMessage.State, answer: String, on day: LocalDate) throws(LedgerError) {
        try write { db in
            try db.execute(sql: """
                UPDATE messages SET state = ?, answer = ?, changed_on = ?, attempts = attempts + (CASE WHEN ? = 'sending' THEN 1 ELSE 0 END)
                WHERE id = ?
                """, arguments: [state.rawValue, answer, "\(day)", state.rawValue, id])
        }
    }

    static func message(_ row: Row) -> QueuedMessage {
        var m = QueuedMessage(id: row["id"], path: row["path"], sha256: row["sha256"], recipientKey: row["recipient_key"],
                              recipient: row["recipient"], subject: row["subject"], method: row["method"], kind: row["kind"],
                              origin: row["origin"], month: row["month"])
        m.state = QueuedMessage.State(rawValue: row["state"]) ?? .unknown
        m.attempts = row["attempts"]
        m.answer = row["answer"]
        return m
    }
}

extension QueuedMessage {
    /// The ledger's record of `message`, written to `folder` (absolute) by `origin`.
    public init(_ message: OutgoingMessage, folder: String, origin: String, month: String) {
        self.init(id: message.id, path: folder + "/" + message.path, sha256: SHA256.hex(message.bytes), recipientKey: message.recipientKey,
                  recipient: message.recipient, subject: message.subject, method: message.method, kind: message.kind, origin: origin,
                  month: month)
    }
}
