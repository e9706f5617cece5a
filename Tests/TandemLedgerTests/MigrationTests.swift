import Foundation
import GRDB
import Testing
@testable import TandemLedger
import TandemModel
import TandemPipeline

@Suite("Ledger migrations")
struct MigrationTests {
    @Test("A ledger written before the run_applicants e-mail index is upgraded in place and keeps its rows")
    func upgradeFromV1() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("old.sqlite").path
        // A ledger as the first release left it: schema v1 and one recorded month.
        do {
            let old = try DatabaseQueue(path: path)
            try Ledger.migrator.migrate(old, upTo: "v1")
            try old.write { db in
                try db.execute(sql: """
                    INSERT INTO runs VALUES ('2026-08', 'applications.csv', 'in', 'config', 'out', 3, 2, 1, 0, 2, 0, 1, '');
                    INSERT INTO run_applicants VALUES ('2026-08', 'ann@example.org', '2026-06-02', '2026-07-01', 'waiting', 60, 'no allowed partner');
                    INSERT INTO run_applicants VALUES ('2026-08', 'ben@example.org', '2026-07-15', '2026-07-15', 'waiting', 17, 'no allowed partner');
                    INSERT INTO applicants VALUES ('ann@example.org', 'ann@example.org', 'Ann', '2026-06-02', '2026-07-01', '{}', NULL, NULL);
                    INSERT INTO applicants VALUES ('ben@example.org', 'ben@example.org', 'Ben', '2026-07-15', '2026-07-15', '{}', NULL, NULL);
                    """)
            }
        }

        let ledger = try Ledger(existing: path)
        #expect(try ledger.integrityCheck() == "ok")
        let history = try ledger.snapshot(before: YearMonth(year: 2026, month: 9)).history
        #expect(history.firstSeen == ["ann@example.org": LocalDate(year: 2026, month: 6, day: 2),
                                      "ben@example.org": LocalDate(year: 2026, month: 7, day: 15)])

        let upgraded = try DatabaseQueue(path: path)
        try upgraded.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
                    == ["v1", "v2-run-applicants-by-email", "v3-withdrawn-outcome", "v4-run-inputs", "v5-covering-indexes",
                        "v6-application-id", "v7-act-revisions", "v8-session-outcomes", "v9-pair-objectives",
                        "v10-session-moves", "v11-outbox", "v12-forgotten", "v13-proposals", "v14-replies"])
            // v4: a run recorded before has no kept configuration (explain says so and uses the current one).
            #expect(try Row.fetchOne(db, sql: "SELECT configuration, overrides, encoding FROM runs")?.containsNonNullValue == false)
            // v3: the rows survive the table's rebuild, and a withdrawn outcome can be stored.
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run_applicants") == 2)
            #expect(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'run_applicants'")?.contains("'withdrawn'") == true)
            #expect(try db.indexes(on: "run_applicants").contains { $0.name == "run_applicants_first" && $0.columns == ["email_key", "first_response"] })
            // v5: what every month reads of the history comes from indexes alone, not from the rows (a
            // session's row carries its calendar text): one person's earliest response, a pair's last
            // session, and the sessions still to come.
            func plan(_ sql: String) throws -> [String] {
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }
            }
            let earliest = try plan("SELECT MIN(first_response) FROM run_applicants WHERE email_key = 'ann@example.org'")
            #expect(earliest.contains { $0.contains("USING COVERING INDEX run_applicants_first") }, "plan: \(earliest)")
            let last = try plan("SELECT MAX(start) FROM sessions WHERE pair_key = 'a|b'")
            #expect(last.contains { $0.contains("USING COVERING INDEX sessions_pair_start") }, "plan: \(last)")
            let toCome = try plan("""
                SELECT s.start, s."end", p.senior_key, p.junior_key FROM sessions s JOIN pairs p ON p.key = s.pair_key
                WHERE p.status != 'ended' AND p.month_formed < '2026-09' AND s.status = 'scheduled' AND s."end" > 0
                ORDER BY s.start, s.uid
                """)
            #expect(toCome.contains { $0.contains("USING COVERING INDEX sessions_to_come") }, "plan: \(toCome)")
        }
        let recorded = try #require(try ledger.recordedRun())
        #expect(recorded.month == YearMonth(year: 2026, month: 8) && recorded.inputs == nil && recorded.inputFingerprint == "in")
    }

    @Test("A run's configuration, overrides and encoding are kept for explain")
    func runInputsAreKept() throws {
        let ledger = try Ledger.inMemory()
        let month = YearMonth(year: 2026, month: 9)
        let bytes = Array(try Data(contentsOf: Support.repoRoot.appendingPathComponent("data/sample/applications.csv")))
        var input = RunInput(applications: bytes, applicationsFile: "applications.csv", config: Support.config(), firstMonth: month)
        input.models = .never
        let output = try MonthlyRun.run(input)
        let inputs = RunInputs(configuration: Array("[scheme]\nname = \"X\"\n".utf8), overrides: Array("rule,senior,junior,note\n".utf8),
                               encoding: "windows-1252")
        try ledger.record(output, month: month, inputFile: "/data/export.csv",
                          fingerprints: RunFingerprints(input: "abc", configuration: "c", outputs: "o"), inputs: inputs,
                          snapshot: try ledger.snapshot(before: month))
        let recorded = try #require(try ledger.recordedRun(month))
        #expect(recorded.inputs == inputs && recorded.inputFile == "/data/export.csv" && recorded.inputFingerprint == "abc")
        #expect(recorded.pairKeys == Set(output.schedule.scheduled.map(\.pair.key)) && !recorded.pairKeys.isEmpty)
        #expect(try ledger.recordedRun() != nil && ledger.recordedRun(YearMonth(year: 2026, month: 10)) == nil)
    }
}

@Suite struct PairKeyTests {
    @Test func aBarInTheSeniorsLocalPartDoesNotSplitTheKey() {
        #expect(Ledger.people(ofPairKey: "a|b@example.org|c@example.org") == ("a|b@example.org", "c@example.org"))
        #expect(Ledger.people(ofPairKey: "a@example.org|c|d@example.org") == ("a@example.org", "c|d@example.org"))
        #expect(Ledger.people(ofPairKey: "|@example.org||@example.org") == ("|@example.org", "|@example.org"))
        // A combining mark after the "|" makes one character of the two: the key still splits.
        #expect(Ledger.people(ofPairKey: "a@example.org|\u{301}b@example.org") == ("a@example.org", "\u{301}b@example.org"))
    }
}
