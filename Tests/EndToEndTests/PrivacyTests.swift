import Foundation
import GRDB
import TandemLedger
import TandemTestSupport
import Testing

/// `export-person`, `forget` and `[privacy] keep_months` through the built binary.
@Suite(.serialized) struct PrivacyTests {
    typealias CLI = CommandLineTests
    typealias Sandbox = SandboxTests

    static let ledger = ["--ledger", "ledger.sqlite"]

    /// The first pair of January's run: (senior, junior) e-mails.
    static func firstPair(_ folder: URL) throws -> (String, String) {
        let pairs = try String(contentsOf: folder.appendingPathComponent("reports/2027-01/pairs.csv"), encoding: .utf8)
        let first = pairs.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n")[1].split(separator: ",").map(String.init)
        return (first[0], first[2])
    }

    /// Every byte of a file and of its journal, WAL and backups, in lower case.
    static func ledgerBytes(_ folder: URL) -> [UInt8] {
        var bytes: [UInt8] = []
        for name in ["ledger.sqlite", "ledger.sqlite-wal", "ledger.sqlite-journal"] {
            bytes += (FileManager.default.contents(atPath: folder.appendingPathComponent(name).path).map(Array.init) ?? [])
        }
        for backup in (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("backups").path)) ?? [] {
            bytes += FileManager.default.contents(atPath: folder.appendingPathComponent("backups/" + backup).path).map(Array.init) ?? []
        }
        return bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }
    }

    static func holds(_ bytes: [UInt8], _ text: String) -> Bool { bytes.firstRange(of: Array(text.lowercased().utf8)) != nil }

    @Test func exportPersonHoldsEveryAnswerTheyGave() throws {
        let folder = try Sandbox.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (_, junior) = try Self.firstPair(folder)
        try Sandbox.expectOnly(["mine.json"], status: 0, ["export-person", junior, "--out", "mine.json"] + Self.ledger, in: folder)
        // The export's latest row for them, read by Python's csv, against the document.
        let script = """
            import csv, json, sys
            doc = json.load(open(sys.argv[2]))['tandem_export_of_personal_data']
            rows = [r for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig')) if r['Email Address'].strip().lower() == sys.argv[3]]
            row = rows[-1]
            a = doc['answers']
            checks = [(row['Full name'], doc['name']), (row['Full name'], a['name']), (row['Organisation'], a['organisation']),
                      (row['Job title'], a['jobTitle']), (row['What do you hope to get out of the mentorship?'], a['goals']),
                      (row['Nearest city or region'], a['region']), (row['Your time zone'].split(' ')[0], a['timeZone'])]
            bad = [c for c in checks if c[0].strip() != c[1]]
            for option in row['My areas of expertise'].split(';'):
                if option.strip() and option.strip() not in a['expertise']: bad.append(('expertise', option))
            for option in row['Areas I would like to develop'].split(';'):
                if option.strip() and option.strip() not in a['development']: bad.append(('development', option))
            assert float(row['Years of professional experience'].replace(',', '.')) == a['yearsOfExperience'], row
            assert doc['runs'][0]['month'] == '2027-01' and doc['pairs'][0]['sessions'], doc
            print(bad or 'ok')
            """
        let result = try #require(try HostileInputTests.python(script, [folder.appendingPathComponent("apps.csv").path,
                                                                       folder.appendingPathComponent("mine.json").path, junior]))
        #expect(result.out.trimmingCharacters(in: .whitespacesAndNewlines) == "ok", "\(result.out)")
        // Refusals: an unknown address, a ledger that does not exist, a file that exists.
        #expect(try Sandbox.expectOnly([], status: 1, ["export-person", "nobody@example.org"] + Self.ledger, in: folder).err.contains("no applicant"))
        #expect(try Sandbox.expectOnly([], status: 1, ["export-person", junior, "--ledger", "typo.sqlite"], in: folder).err.contains("does not exist"))
        #expect(try Sandbox.expectOnly([], status: 1, ["export-person", junior, "--out", "mine.json"] + Self.ledger, in: folder).err.contains("exists already"))
    }

    /// Forget against withdraw, on two copies of one scheme: the same counts; the forgotten person's
    /// address and name nowhere in the ledger's bytes or its backups; their old row in the export stays
    /// out of later runs; a new response is a new applicant.
    @Test func forgetErasesThemAndKeepsEveryCount() throws {
        let folder = try Sandbox.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (senior, junior) = try Self.firstPair(folder)
        let export = try #require(try JSONSerialization.jsonObject(with: Data(Sandbox.run(["export-person", junior] + Self.ledger, in: folder).out.utf8))
            as? [String: Any])
        let name = try #require((export["tandem_export_of_personal_data"] as? [String: Any])?["name"] as? String)
        let copy = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: folder, to: copy)

        // Refused, nothing changed: an unknown address, a missing ledger, no reason.
        #expect(try Sandbox.expectOnly([], status: 1, ["forget", "nobody@example.org", "--reason", "x"] + Self.ledger, in: folder).err.contains("no applicant"))
        #expect(try Sandbox.expectOnly([], status: 1, ["forget", junior, "--reason", "x", "--ledger", "typo.sqlite"], in: folder).err.contains("does not exist"))
        #expect(try Sandbox.expectOnly([], status: 64, ["forget", junior, "--reason", " "] + Self.ledger, in: folder).err.contains("--reason"))

        let forgot = try Sandbox.run(["forget", junior, "--reason", "their request", "--today", "2027-01-20", "--reports"] + Self.ledger, in: folder)
        #expect(forgot.status == 0, "\(forgot.err)")
        #expect(forgot.out.contains("in the ledger they are now Forgotten person"), "\(forgot.out)")
        let withdrew = try Sandbox.run(["withdraw", junior, "--today", "2027-01-20"] + Self.ledger, in: copy)
        #expect(withdrew.status == 0, "\(withdrew.err)")

        let bytes = Self.ledgerBytes(folder)
        #expect(!Self.holds(bytes, junior) && !Self.holds(bytes, name), "the ledger or a backup still holds them")
        #expect(!Self.holds(Self.ledgerBytes(copy), "forgotten person"))
        // Counts: status, the senior's history and every month's trend rows are the same as after a withdrawal.
        func counts(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.first != " " }.map { String($0) }
        }
        let statusForgot = try Sandbox.run(["status", "--today", "2027-01-21"] + Self.ledger, in: folder).out
        let statusWithdrew = try Sandbox.run(["status", "--today", "2027-01-21"] + Self.ledger, in: copy).out
        #expect(counts(statusForgot) == counts(statusWithdrew), "\(statusForgot)\n---\n\(statusWithdrew)")
        let historyForgot = try Sandbox.run(["history", senior] + Self.ledger, in: folder).out
        let historyWithdrew = try Sandbox.run(["history", senior] + Self.ledger, in: copy).out
        #expect(historyForgot.split(separator: "\n").count == historyWithdrew.split(separator: "\n").count)
        #expect(historyForgot.contains("mentors Forgotten person") && !historyForgot.contains(junior), "\(historyForgot)")
        func trend(_ at: URL) throws -> [String] {
            try DatabaseQueue(path: at.appendingPathComponent("ledger.sqlite").path).read { db in
                try String.fetchAll(db, sql: "SELECT run_month || ' ' || outcome || ' ' || COUNT(*) FROM run_applicants GROUP BY run_month, outcome ORDER BY 1")
            }
        }
        #expect(try trend(folder) == trend(copy))
        // Their files under the reports folder are gone or cleaned, except the cancellations just written.
        let left = CLI.files(under: folder.appendingPathComponent("reports")).filter { path, data in
            !path.hasPrefix("changes/") && !path.contains("/emails/") && !path.hasSuffix(".lp")
                && String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "").range(of: junior, options: .caseInsensitive) != nil
        }
        #expect(left.isEmpty, "\(left.keys.sorted())")

        // February: their old row (still in the export) stays out in both; a new response of theirs is a new applicant.
        for scheme in [folder, copy] {
            let run = try Sandbox.run(["run", "apps.csv", "--month", "2027-02", "--config", "settings.toml"] + Self.ledger, in: scheme)
            #expect(run.status == 0, "\(run.err)")
            let history = try Sandbox.run(["history", junior] + Self.ledger, in: scheme)
            #expect(scheme == folder ? history.status == 1 : history.out.contains("WITHDREW"), "\(history.out)\(history.err)")
        }
        #expect(try trend(folder) == trend(copy))
        let again = try Sandbox.run(["export-person", junior] + Self.ledger, in: folder)
        #expect(again.status == 1 && again.err.contains("no applicant"))
        // They apply again in February: a new applicant, waiting from that response.
        let apps = folder.appendingPathComponent("apps.csv")
        var text = try String(contentsOf: apps, encoding: .utf8)
        let row = try #require(text.split(separator: "\n").last { $0.lowercased().contains("," + junior.lowercased() + ",") })
        text += (text.hasSuffix("\n") ? "" : "\n") + "2027/02/05 10:00:00 AM GMT" + row[row.firstIndex(of: ",")!...] + "\n"
        try Data(text.utf8).write(to: apps)
        let march = try Sandbox.run(["run", "apps.csv", "--month", "2027-03", "--config", "settings.toml"] + Self.ledger, in: folder)
        #expect(march.status == 0, "\(march.err)")
        let anew = try Sandbox.run(["history", junior] + Self.ledger, in: folder).out
        #expect(anew.contains("latest 2027-02-05") && anew.contains("Runs:\n  2027-03: "), "\(anew)")
    }

    @Test func killedDuringForgetTheLedgerIsBeforeOrAfter() throws {
        let folder = try Sandbox.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (_, junior) = try Self.firstPair(folder)
        let before = try Ledger(existing: folder.appendingPathComponent("ledger.sqlite").path).dump()
        let paused = try PausedCommand.start(CLI.binary, ["forget", junior, "--reason", "x", "--today", "2027-01-20"] + Self.ledger,
                                             in: folder, at: "forget-inside-transaction")
        #expect(paused.reached)
        PausedCommand.kill(paused.process)
        let ledger = try Ledger(existing: folder.appendingPathComponent("ledger.sqlite").path)
        #expect(try ledger.integrityCheck() == "ok")
        #expect(try ledger.dump() == before)
        #expect(try Sandbox.run(["forget", junior, "--reason", "x", "--today", "2027-01-20"] + Self.ledger, in: folder).status == 0)
    }

    /// `[privacy] keep_months`: a run pseudonymises people whose last response and last standing session
    /// are older (sessions cancelled when a pair ended do not keep anyone), and no one else.
    @Test func keepMonthsPseudonymisesThoseLongGone() throws {
        let folder = try Sandbox.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("[scheme]\nname = \"Sandbox scheme\"\n[privacy]\nkeep_months = 6\n".utf8).write(to: folder.appendingPathComponent("settings.toml"))
        let pairs = try String(contentsOf: folder.appendingPathComponent("reports/2027-01/pairs.csv"), encoding: .utf8)
            .replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let ended = try #require(pairs.first { p in pairs.filter { $0[0] == p[0] || $0[2] == p[0] || $0[0] == p[2] || $0[2] == p[2] }.count == 1 },
                                 "a pair whose partners are in no other pair")
        let running = try #require(pairs.first { $0[0] != ended[0] && $0[2] != ended[2] })
        #expect(try Sandbox.run(["end-pair", ended[0], ended[2], "--reason", "x", "--today", "2027-01-20"] + Self.ledger, in: folder).status == 0)
        // August 2027: the cutoff is 1 February; the ended pair's last standing session was in January.
        let august = try Sandbox.run(["run", "apps.csv", "--month", "2027-08", "--config", "settings.toml"] + Self.ledger, in: folder)
        #expect(august.status == 0, "\(august.err)")
        #expect(august.out.contains("Pseudonymised") && august.out.contains("privacy.keep_months"), "\(august.out)")
        let bytes = Self.ledgerBytes(folder)
        #expect(!Self.holds(bytes, ended[0]) && !Self.holds(bytes, ended[2]), "the ended pair's partners are gone")
        #expect(Self.holds(bytes, running[0]) && Self.holds(bytes, running[2]), "a pair with sessions until June stays")
        // January 2028: everyone's last session (June 2027) is past the cutoff (July 2027).
        let january = try Sandbox.run(["run", "apps.csv", "--month", "2028-01", "--config", "settings.toml"] + Self.ledger, in: folder)
        #expect(january.status == 0, "\(january.err)")
        #expect(!Self.holds(Self.ledgerBytes(folder), running[2]))
        // Their old rows, still in the export, stay out of the pool.
        let made = try String(contentsOf: folder.appendingPathComponent("reports/2028-01/pairs.csv"), encoding: .utf8)
        #expect(!made.contains(running[2]), "\(made)")
    }
}
