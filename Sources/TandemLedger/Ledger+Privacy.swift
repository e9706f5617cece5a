import Foundation
import GRDB
import TandemModel
import TandemPipeline

/// What `forget` did.
public struct Forgetting: Sendable {
    /// The name and address that now stand for the person ("Forgotten person 17").
    public var pseudonymName: String
    public var pseudonymEmail: String
    /// Their pairs ended and the sessions cancelled, as `withdraw` does.
    public var ending: PairEnding
    /// Rows rewritten, table by table.
    public var rowsRewritten: [String: Int]
}

extension Ledger {
    /// Everything the ledger holds on `email`, as one JSON document (sorted keys): the person, their
    /// answers, each run's outcome for them, their pairs with every session and move, their proposals
    /// and the calendar replies read for them, and the messages
    /// queued for them.
    public func exportPerson(email: String) throws(LedgerError) -> [UInt8] {
        let key = EmailAddress(email).key
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM applicants WHERE email_key = ?", arguments: [key]) else {
                throw LedgerError("no applicant '\(email)' in the ledger (tandem status lists everyone)")
            }
            var person: [String: Any] = ["name": row["name"] as String, "email": row["email"] as String,
                                         "first_response": row["first_response"] as String, "latest_response": row["latest_response"] as String,
                                         "answers": try JSONSerialization.jsonObject(with: Data((row["answers"] as String).utf8))]
            if let on: String = row["withdrawn_on"] { person["withdrawn"] = ["on": on, "note": (row["withdrawal_note"] as String?) ?? ""] }
            person["runs"] = try Row.fetchAll(db, sql: "SELECT * FROM run_applicants WHERE email_key = ? ORDER BY run_month", arguments: [key]).map { r in
                ["month": r["run_month"] as String, "outcome": r["outcome"] as String, "first_response": r["first_response"] as String,
                 "latest_response": r["latest_response"] as String, "waiting_days": (r["waiting_days"] as Int?) ?? NSNull(),
                 "reason": (r["reason"] as String?) ?? NSNull()] as [String: Any]
            }
            person["pairs"] = try Self.pairs(db, whereClause: "senior_key = ? OR junior_key = ?", arguments: [key, key]).map { pair in
                ["senior": ["name": pair.seniorName, "email": pair.seniorEmail], "junior": ["name": pair.juniorName, "email": pair.juniorEmail],
                 "role": Self.people(ofPairKey: pair.key).senior == key ? "senior" : "junior", "month_formed": pair.monthFormed,
                 "status": pair.status, "ended_on": pair.endedOn ?? NSNull(), "end_reason": pair.endReason ?? NSNull(),
                 "pattern": pair.pattern, "objectives": pair.objectives,
                 "sessions": pair.sessions.map { stored in
                     ["number": stored.session.number, "title": stored.session.title, "start": formatInstant(stored.session.start, zone: stored.session.timeZone),
                      "end": formatInstant(stored.session.end, zone: stored.session.timeZone), "cancelled": stored.cancelled,
                      "cancel_reason": stored.cancelReason ?? NSNull(), "outcome": stored.outcome ?? NSNull(), "outcome_note": stored.outcomeNote ?? NSNull(),
                      "moves": stored.moves.map { ["on": $0.movedOn, "from": formatInstant($0.fromStart, zone: stored.session.timeZone), "note": $0.note] }]
                     as [String: Any]
                 }] as [String: Any]
            }
            person["messages"] = try Row.fetchAll(db, sql: "SELECT * FROM messages WHERE recipient_key = ? ORDER BY created_revision, id", arguments: [key]).map { m in
                ["subject": m["subject"] as String, "kind": m["kind"] as String, "queued_by": m["origin"] as String, "state": m["state"] as String,
                 "changed_on": (m["changed_on"] as String?) ?? NSNull()] as [String: Any]
            }
            person["proposals"] = try Row.fetchAll(db, sql: """
                SELECT * FROM proposals WHERE pair_key IN (SELECT key FROM pairs WHERE senior_key = ? OR junior_key = ?) ORDER BY deadline, pair_key
                """, arguments: [key, key]).map { x in
                let role = Self.people(ofPairKey: x["pair_key"]).senior == key ? "senior" : "junior"
                return ["role": role, "deadline": x["deadline"] as String, "state": x["state"] as String,
                        "your_answer": (x["\(role)_answer"] as String?) ?? NSNull(), "answered_on": (x["\(role)_answered_on"] as String?) ?? NSNull(),
                        "reason": (x["reason"] as String?) ?? NSNull(), "decided_on": (x["decided_on"] as String?) ?? NSNull()] as [String: Any]
            }
            person["calendar_replies"] = try Row.fetchAll(db, sql: "SELECT * FROM replies WHERE attendee_key = ? ORDER BY revision, identity",
                                                          arguments: [key]).map { r in
                ["answer": r["answer"] as String, "read_on": r["read_on"] as String, "from": r["source"] as String,
                 "outcome": r["outcome"] as String, "detail": r["detail"] as String] as [String: Any]
            }
            let document: [String: Any] = ["tandem_export_of_personal_data": person,
                                           "note": "Everything this scheme's Tandem ledger holds on this person."]
            return Array(try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
                + [UInt8(ascii: "\n")]
        }
    }

    /// Erases `email` from the ledger: their running pairs end as in `withdraw` (`beforeCommit` gets
    /// the sessions to cancel and returns the messages to queue for their partners), then every
    /// occurrence of their address and name, in every table, is replaced by a pseudonym
    /// ("Forgotten person N", N the ledger's revision), so counts, the trend and their partners'
    /// histories stay whole; messages still queued for them are dropped. Afterwards the file is
    /// rebuilt (`VACUUM`) so that no freed page keeps a byte of them. One transaction: a crash leaves
    /// the ledger before or after, never between.
    public func forget(email: String, reason: String, today: LocalDate,
                       beforeCommit: (PairEnding) throws -> [QueuedMessage] = { _ in [] }) throws(LedgerError) -> Forgetting {
        let key = EmailAddress(email).key
        func check(_ db: Database) throws -> (email: String, name: String) {
            guard let row = try Row.fetchOne(db, sql: "SELECT email, name FROM applicants WHERE email_key = ?", arguments: [key]) else {
                throw LedgerError("no applicant '\(email)' in the ledger (tandem status lists everyone; one forgotten before is not there)")
            }
            return (row["email"], row["name"])
        }
        let forgetting = try change(before: "forget-\(today)", check: check) { db, person, revision in
            try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
            try db.execute(sql: "UPDATE applicants SET withdrawn_on = COALESCE(withdrawn_on, ?), withdrawal_note = ?, withdrawn_revision = ? WHERE email_key = ?",
                           arguments: ["\(today)", "forgotten at their request: \(reason)", revision, key])
            let pairs = try Self.pairs(db, whereClause: "status != 'ended' AND (senior_key = ? OR junior_key = ?)", arguments: [key, key])
            let ending = try Self.end(db, pairs: pairs, today: today, reason: "the partner left the scheme", person: key, revision: revision)
            try Self.queue(db, try beforeCommit(ending).filter { $0.recipientKey != key }, revision: revision)
            try db.execute(sql: "DELETE FROM messages WHERE recipient_key = ? AND state IN ('pending', 'failed')", arguments: [key])
            let pseudonym = (name: "Forgotten person \(revision)", email: "forgotten-\(revision)@forgotten.invalid")
            try Self.rememberForgotten(db, key: key, until: today, pseudonym: pseudonym.email)
            var replacements = [(person.email, pseudonym.email), (key, pseudonym.email)]
            if person.name.count >= 2 { replacements.append((person.name, pseudonym.name)) }
            let rewritten = try Self.replaceEverywhere(db, replacements)
            return Forgetting(pseudonymName: pseudonym.name, pseudonymEmail: pseudonym.email, ending: ending, rowsRewritten: rewritten)
        }
        try vacuum()
        return forgetting
    }

    /// Replaces each `(old, new)` in every text and blob column of every table (ASCII letters without
    /// regard to case), keys included, in one pass whatever the number of people (`Replacer`); the
    /// caller's transaction defers foreign keys meanwhile.
    static func replaceEverywhere(_ db: Database, _ replacements: [(String, String)]) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        let replacer = Replacer(replacements)
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('grdb_migrations', 'meta')
            ORDER BY name
            """)
        for table in tables {
            let columns = try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map { $0["name"] as String }
            let quoted = columns.map { "\"\($0)\"" }
            for row in try Row.fetchAll(db, sql: "SELECT rowid AS tandem_rowid, \(quoted.joined(separator: ", ")) FROM \"\(table)\"") {
                var changes: [(String, DatabaseValue)] = []
                for column in columns {
                    let value: DatabaseValue = row[column]
                    switch value.storage {
                    case .string(let text):
                        let new = replacer.apply(text)
                        if new != text { changes.append((column, new.databaseValue)) }
                    case .blob(let data):
                        let text = String(decoding: data, as: UTF8.self)
                        let new = replacer.apply(text)
                        if new != text, Data(text.utf8) == data { changes.append((column, Data(new.utf8).databaseValue)) }
                    default: break
                    }
                }
                guard !changes.isEmpty else { continue }
                let sets = changes.map { "\"\($0.0)\" = ?" }.joined(separator: ", ")
                try db.execute(sql: "UPDATE \"\(table)\" SET \(sets) WHERE rowid = ?",
                               arguments: StatementArguments(changes.map(\.1) + [row["tandem_rowid"] as DatabaseValue]))
                counts[table, default: 0] += 1
            }
        }
        return counts
    }

    /// Rebuilds the file, so pages that held erased data are gone from it.
    func vacuum() throws(LedgerError) {
        do {
            try database.writeWithoutTransaction { try $0.execute(sql: "VACUUM") }
        } catch {
            throw LedgerError("the person's data is erased, but the ledger could not be compacted, so freed pages may still hold it: "
                + "\(LedgerFile.plain(error)); compact it with: sqlite3 '\(path)' VACUUM", detail: "\(error)")
        }
    }
}

extension Ledger {
    /// `[privacy] keep_months`: pseudonymises everyone whose latest response and last session are both
    /// before `cutoff`, as `forget` does (no pair of theirs is still running by then). Returns how many.
    public func forgetStale(before cutoff: LocalDate, today: LocalDate) throws(LedgerError) -> Int {
        let cutoffInstant = cutoff.startInstant
        func stale(_ db: Database) throws -> [(key: String, email: String, name: String, latest: String)] {
            try Row.fetchAll(db, sql: """
                SELECT a.email_key, a.email, a.name, a.latest_response FROM applicants a
                WHERE a.latest_response < ? AND a.email_key NOT LIKE '%@forgotten.invalid'
                  AND NOT EXISTS (SELECT 1 FROM sessions s JOIN pairs p ON p.key = s.pair_key
                                  WHERE (p.senior_key = a.email_key OR p.junior_key = a.email_key) AND s.status = 'scheduled'
                                    AND s."end" >= ?)
                ORDER BY a.email_key
                """, arguments: ["\(cutoff)", cutoffInstant]).map { ($0["email_key"], $0["email"], $0["name"], $0["latest_response"]) }
        }
        guard try !read(stale).isEmpty else { return 0 }
        let emails = try change(before: "keep-months-\(today)", check: stale) { db, people, revision in
            try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
            var replacements: [(String, String)] = []
            for (n, person) in people.enumerated() {
                try db.execute(sql: "DELETE FROM messages WHERE recipient_key = ? AND state IN ('pending', 'failed')", arguments: [person.key])
                let tag = "\(revision)-\(n + 1)"
                try Self.rememberForgotten(db, key: person.key, until: LocalDate(iso: person.latest) ?? cutoff,
                                           pseudonym: "forgotten-\(tag)@forgotten.invalid")
                replacements += [(person.email, "forgotten-\(tag)@forgotten.invalid"), (person.key, "forgotten-\(tag)@forgotten.invalid")]
                if person.name.count >= 2 { replacements.append((person.name, "Forgotten person \(tag)")) }
            }
            _ = try Self.replaceEverywhere(db, replacements) // one pass over the tables for everyone
            return people.map(\.email)
        }
        try vacuum()
        _ = LedgerBackups(ledger: path).removeHolding(emails) // the backups must not keep them either
        return emails.count
    }
}

extension Ledger {
    /// Keeps a salted hash of `key`, so that responses of theirs up to `until` still in the export stay out.
    static func rememberForgotten(_ db: Database, key: String, until: LocalDate, pseudonym: String) throws {
        var salt = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'forget_salt'")
        if salt == nil {
            var random = SystemRandomNumberGenerator()
            salt = (0..<4).map { _ in String(random.next(), radix: 16) }.joined()
            try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('forget_salt', ?)", arguments: [salt])
        }
        try db.execute(sql: """
            INSERT INTO forgotten (address_hash, until, pseudonym) VALUES (?, ?, ?)
            ON CONFLICT(address_hash) DO UPDATE SET until = MAX(until, excluded.until), pseudonym = excluded.pseudonym
            """, arguments: [ForgottenAddresses.hash(key, salt: salt ?? ""), "\(until)", pseudonym])
    }

    static func forgottenAddresses(_ db: Database) throws -> ForgottenAddresses {
        guard let salt = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'forget_salt'") else { return ForgottenAddresses() }
        var until: [String: LocalDate] = [:], pseudonyms: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT address_hash, until, pseudonym FROM forgotten") {
            if let day = LocalDate(iso: row["until"]) { until[row["address_hash"]] = day }
            pseudonyms[row["address_hash"]] = row["pseudonym"]
        }
        return ForgottenAddresses(salt: salt, until: until, pseudonyms: pseudonyms)
    }
}
