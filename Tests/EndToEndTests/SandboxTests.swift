import Foundation
import Testing

/// Every command, run as a careless coordinator might, in a folder holding an export, a ledger, a
/// configuration, overrides, last month's report and an unrelated file: the bytes of every file
/// are compared before and after, and only the command's own output folder (and, when it succeeds,
/// the ledger) may change.
@Suite(.serialized) struct SandboxTests {
    typealias CLI = CommandLineTests

    /// The sandbox after a first month: apps.csv, settings.toml, overrides.csv, notes.txt,
    /// ledger.sqlite and reports/2027-01/; `home/` stands in for the coordinator's home folder.
    static func sandbox() throws -> URL {
        let folder = try CLI.temporaryFolder()
        let manager = FileManager.default
        try manager.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("apps.csv").path)
        try Data("[scheme]\nname = \"Sandbox scheme\"\n".utf8).write(to: folder.appendingPathComponent("settings.toml"))
        try Data("rule,senior,junior,note\n".utf8).write(to: folder.appendingPathComponent("overrides.csv"))
        try Data("the coordinator's own notes\n".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        try manager.createDirectory(at: folder.appendingPathComponent("home"), withIntermediateDirectories: true)
        let first = try run(["run", "apps.csv", "--month", "2027-01", "--ledger", "ledger.sqlite", "--config", "settings.toml",
                             "--overrides", "overrides.csv"], in: folder)
        #expect(first.status == 0, "stderr: \(first.err)")
        return folder
    }

    static func run(_ arguments: [String], in folder: URL) throws -> CLI.Result {
        try CLI.tandem(arguments, in: folder, environment: ["HOME": folder.appendingPathComponent("home").path])
    }

    /// Every file's bytes, by path relative to `folder` (the ledger's journal, if any, included).
    static func contents(_ folder: URL) -> [String: Data] { CLI.files(under: folder) }

    /// The paths whose bytes differ, appeared or disappeared.
    static func changed(_ before: [String: Data], _ after: [String: Data]) -> Set<String> {
        Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }
    }

    /// Runs `arguments` and checks the exit status and that nothing outside `allowed` (path prefixes) changed.
    @discardableResult
    static func expectOnly(_ allowed: [String], status: Int32, _ arguments: [String], in folder: URL,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> CLI.Result {
        let before = contents(folder)
        let result = try run(arguments, in: folder)
        let touched = changed(before, contents(folder))
        #expect(result.status == status, "tandem \(arguments.joined(separator: " ")): \(result.err)", sourceLocation: sourceLocation)
        let outside = touched.filter { path in !allowed.contains { path == $0 || path.hasPrefix($0 + "/") } }
        #expect(outside.isEmpty, "tandem \(arguments.joined(separator: " ")) changed \(outside.sorted())", sourceLocation: sourceLocation)
        if status != 0 && arguments.first != "check" { // check reports on standard output
            // The reason is the last line (a wrong file's check messages come before it).
            let last = result.err.split(separator: "\n").last { !$0.hasPrefix("  ") } ?? ""
            #expect(last.hasPrefix("tandem: error:") || result.err.hasPrefix("Error:"), "\(result.err)", sourceLocation: sourceLocation)
        }
        return result
    }

    @Test func aRunRefusesEveryFolderThatIsNotItsOwnBeforeWritingAnything() throws {
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let base = ["run", "apps.csv", "--month", "2027-02", "--ledger", "ledger.sqlite", "--config", "settings.toml",
                    "--overrides", "overrides.csv"]
        let refused: [(out: String, says: String)] = [
            (".", "is the current folder"),
            (folder.path, "is the current folder"),
            ("apps.csv", "is the export"),
            ("notes.txt", "is a file"),
            ("home", "is your home folder"),
            ("reports", "holds files Tandem did not write"),
            ("..", "holds the current folder"),
        ]
        for (out, says) in refused {
            let result = try Self.expectOnly([], status: 1, base + ["--out", out], in: folder)
            #expect(result.err.contains(says), "--out \(out): \(result.err)")
        }
        // Last month's folder with a file of the coordinator's in it.
        try Data("draft e-mail\n".utf8).write(to: folder.appendingPathComponent("reports/2027-01/my-letter.txt"))
        let foreign = try Self.expectOnly([], status: 1, ["run", "apps.csv", "--month", "2027-01", "--ledger", "ledger.sqlite",
                                                          "--config", "settings.toml"], in: folder)
        #expect(foreign.err.contains("'reports/2027-01' holds 'my-letter.txt', which Tandem did not write"))
        // A folder holding the configuration or the overrides.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("inputs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("settings.toml"), to: folder.appendingPathComponent("inputs/settings.toml"))
        let config = try Self.expectOnly([], status: 1, ["run", "apps.csv", "--month", "2027-02", "--ledger", "ledger.sqlite",
                                                         "--config", "inputs/settings.toml", "--out", "inputs"], in: folder)
        #expect(config.err.contains("holds the configuration 'inputs/settings.toml'"))
        let overrides = try Self.expectOnly([], status: 1, base + ["--out", "."], in: folder)
        #expect(overrides.err.contains("current folder"))
    }

    @Test func aRunChangesOnlyItsFolderAndTheLedgerAndReplacesOnlyWhatItWrote() throws {
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let month = ["run", "apps.csv", "--month", "2027-02", "--ledger", "ledger.sqlite", "--config", "settings.toml"]
        try Self.expectOnly(["reports/2027-02", "ledger.sqlite", "backups"], status: 0, month, in: folder)
        // Run again: the folder holds only what Tandem wrote, so it is replaced.
        let again = try Self.expectOnly(["reports/2027-02", "ledger.sqlite", "backups"], status: 0, month, in: folder)
        #expect(again.out.contains("Replaced the ledger's results for 2027-02"))
        let marker = try String(contentsOf: folder.appendingPathComponent("reports/2027-02/.tandem-output"), encoding: .utf8)
        #expect(marker.contains("\nsummary.md\n") && marker.contains("\npairs.csv\n"))
        // An empty folder made by hand is fine; a new ledger path is created only when the month is recorded.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("empty"), withIntermediateDirectories: true)
        try Self.expectOnly(["empty", "second.sqlite"], status: 0,
                            ["run", "apps.csv", "--month", "2027-02", "--ledger", "second.sqlite", "--out", "empty", "--new-ledger"], in: folder)
        // Without --new-ledger, a new ledger path beside reports of earlier months is taken for a lost or mistyped one.
        let mistyped = try Self.expectOnly([], status: 1, ["run", "apps.csv", "--month", "2027-03", "--ledger", "ledgr.sqlite"], in: folder)
        #expect(mistyped.err.contains("has run before") && mistyped.err.contains("--new-ledger"))
    }

    @Test func aFailedRunLeavesNoLedgerBehind() throws {
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("[matching]\nwaiting_target = 4\n".utf8).write(to: folder.appendingPathComponent("bad.toml"))
        try Self.expectOnly([], status: 1, ["run", "apps.csv", "--month", "2027-02", "--ledger", "new.sqlite", "--config", "bad.toml",
                                            "--out", "out"], in: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("new.sqlite").path))
        try Self.expectOnly([], status: 1, ["run", "missing.csv", "--month", "2027-02", "--ledger", "new.sqlite"], in: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("new.sqlite").path))
    }

    @Test func readOnlyCommandsNeverCreateALedger() throws {
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in [["status"], ["history", "rebecca.ng@snec.com.sg"], ["explain", "rebecca.ng@snec.com.sg"]] {
            let result = try Self.expectOnly([], status: 1, command + ["--ledger", "typo.sqlite"], in: folder)
            #expect(result.err.contains("the ledger 'typo.sqlite' does not exist"))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("typo.sqlite").path))
        }
        try Self.expectOnly([], status: 0, ["status", "--ledger", "ledger.sqlite", "--today", "2027-01-15"], in: folder)
        try Self.expectOnly([], status: 0, ["history", "rebecca.ng@snec.com.sg", "--ledger", "ledger.sqlite"], in: folder)
        // An e-mail may start with "-": it is an address, not an unknown option.
        let dashed = try Self.expectOnly([], status: 1, ["history", "-x@example.org", "--ledger", "ledger.sqlite"], in: folder)
        #expect(dashed.err.contains("no applicant '-x@example.org' in the ledger"), "\(dashed.err)")
        try Self.expectOnly([], status: 1, ["check", "apps.csv"], in: folder)
        try Self.expectOnly([], status: 0, ["explain", "rebecca.ng@snec.com.sg", "--ledger", "ledger.sqlite"], in: folder)
        // The form before 0.5, with the export first, still works.
        try Self.expectOnly([], status: 0, ["explain", "apps.csv", "rebecca.ng@snec.com.sg", "--month", "2027-01", "--ledger", "ledger.sqlite"],
                            in: folder)
    }

    @Test func monthsAndDaysOutsideTheSupportedYearsAreRefused() throws {
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        for month in ["9999-12", "1999-12", "2200-01"] {
            let result = try Self.expectOnly([], status: 64, ["run", "apps.csv", "--month", month, "--ledger", "ledger.sqlite"], in: folder)
            #expect(result.err.contains("--month must be a month from 2000-01 to 2199-12, not '\(month)'"))
        }
        let today = try Self.expectOnly([], status: 64, ["status", "--ledger", "ledger.sqlite", "--today", "0001-01-01"], in: folder)
        #expect(today.err.contains("--today must be a date from 2000-01-01 to 2199-12-31"))
    }

    @Test func changeCommandsWriteOnlyANewFolderOfTheirOwn() throws {
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pairs = try String(contentsOf: folder.appendingPathComponent("reports/2027-01/pairs.csv"), encoding: .utf8)
        let first = pairs.split(separator: "\r\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        let senior = String(first[0]).replacingOccurrences(of: "\u{FEFF}", with: ""), junior = String(first[2])
        let endPair = ["end-pair", senior, junior, "--reason", "test", "--ledger", "ledger.sqlite", "--today", "2027-01-20"]
        for out in [".", "reports/2027-01", "reports", "notes.txt", "home"] {
            try Self.expectOnly([], status: 1, endPair + ["--out", out], in: folder)
            try Self.expectOnly([], status: 1, ["withdraw", junior, "--ledger", "ledger.sqlite", "--today", "2027-01-20", "--out", out],
                                in: folder)
        }
        let ended = try Self.expectOnly(["reports/changes", "ledger.sqlite", "backups"], status: 0, endPair, in: folder)
        #expect(ended.out.contains("Cancelled"), "\(ended.out)")
        // The default folder for the same day's change exists now: the next change gets a new one.
        let before = Set(Self.contents(folder).keys.filter { $0.hasPrefix("reports/changes/") })
        try Self.expectOnly(["reports/changes", "ledger.sqlite", "backups"], status: 0,
                            ["withdraw", senior, "--ledger", "ledger.sqlite", "--today", "2027-01-20"], in: folder)
        let after = Set(Self.contents(folder).keys.filter { $0.hasPrefix("reports/changes/") })
        #expect(before.isSubset(of: after), "an earlier change's calendars were replaced")
        // A change on a ledger that does not exist.
        try Self.expectOnly([], status: 1, ["withdraw", senior, "--ledger", "typo.sqlite"], in: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("typo.sqlite").path))
    }

    /// A wrong file — empty, random bytes, a workbook, a header only, another sheet, no usable row —
    /// is refused: exit 1 with the check messages, nothing written, the ledger byte for byte as it was.
    @Test func aWrongFileIsRefusedAndNotRecorded() throws {
        let folder = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SeededRandom(seed: 99)
        let sample = try String(contentsOfFile: CLI.sample, encoding: .utf8)
        let header = String(sample.prefix { $0 != "\n" })
        let unusable = header + "\n" + "2026/10/03 4:12:55 PM GMT+1,not-an-address,Ann\n"
        let files: [(name: String, bytes: [UInt8], says: String)] = [
            ("empty.csv", [], "the file is empty"),
            ("blank.csv", Array("\n\r\n  \n".utf8), "the file is empty"),
            ("random.csv", (0..<20_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }, "is not a CSV export"),
            ("workbook.csv", [0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 300), "Excel workbook (.xlsx)"),
            ("header.csv", Array((header + "\n").utf8), "a header but no responses"),
            ("budget.csv", Array("Item,Amount\nVenue,200\nCatering,150\n".utf8), "none of the form's columns"),
            ("unusable.csv", Array(unusable.utf8), "none of the file's 1 responses can be used"),
        ]
        for file in files {
            try Data(file.bytes).write(to: folder.appendingPathComponent(file.name))
            let result = try Self.expectOnly([], status: 1, ["run", file.name, "--month", "2027-01", "--ledger", "ledger.sqlite"], in: folder)
            #expect(result.err.contains(file.says), "\(file.name): \(result.err)")
            #expect(result.err.contains("nothing was written and the ledger was not changed"))
            let check = try Self.run(["check", file.name], in: folder)
            #expect(check.status == 1 && check.out.contains("tandem run refuses it"), "\(file.name): \(check.out)")
        }
        // Far fewer usable applicants than last month's export: nearly always the wrong file.
        let lines = sample.components(separatedBy: "\n")
        try Data((lines.prefix(11).joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("old.csv"))
        let smaller = try Self.expectOnly([], status: 1, ["run", "old.csv", "--month", "2027-02", "--ledger", "ledger.sqlite"], in: folder)
        #expect(smaller.err.contains("fewer than half the 54 of the 2027-01 run"), "\(smaller.err)")
        #expect(smaller.err.contains("--smaller-export"))
        try Self.expectOnly(["reports/2027-02", "ledger.sqlite", "backups"], status: 0,
                            ["run", "old.csv", "--month", "2027-02", "--ledger", "ledger.sqlite", "--smaller-export"], in: folder)
    }
}
