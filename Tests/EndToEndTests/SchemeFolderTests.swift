import Foundation
import Testing

/// A coordinator's year as an installed tool would see it: `tandem init`, then monthly runs from
/// different folders (inside the scheme, and anywhere with TANDEM_SCHEME), one ledger throughout.
@Suite(.serialized) struct SchemeFolderTests {
    typealias CLI = CommandLineTests

    @Test func initThenMonthsFromDifferentFoldersShareOneLedgerAndRefuseAMissingOne() throws {
        let top = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: top) }
        let manager = FileManager.default
        let scheme = top.appendingPathComponent("mentoring")
        let downloads = top.appendingPathComponent("Downloads")
        try manager.createDirectory(at: downloads, withIntermediateDirectories: true)
        let export = downloads.appendingPathComponent("responses.csv").path
        try manager.copyItem(atPath: CLI.sample, toPath: export)

        let made = try CLI.tandem(["init", scheme.path], in: top)
        #expect(made.status == 0, "\(made.err)")
        let toml = try String(contentsOf: scheme.appendingPathComponent("scheme.toml"), encoding: .utf8)
        #expect(toml.contains("holiday_region = \"england-and-wales\"") && toml.contains("ledger = \"data/tandem.sqlite\""))
        #expect(manager.fileExists(atPath: scheme.appendingPathComponent("reports").path))
        #expect(try CLI.tandem(["init", scheme.path], in: top).status == 1, "a second init must not overwrite scheme.toml")

        // Month 1 from a folder inside the scheme: found by walking up.
        let inside = scheme.appendingPathComponent("reports")
        let first = try CLI.tandem(["run", export, "--month", "2026-12"], in: inside)
        #expect(first.status == 0, "\(first.err)")
        #expect(manager.fileExists(atPath: scheme.appendingPathComponent("data/tandem.sqlite").path))
        #expect(manager.fileExists(atPath: scheme.appendingPathComponent("reports/2026-12/summary.md").path))
        #expect(!manager.fileExists(atPath: inside.appendingPathComponent("data").path), "no ledger in the current folder")

        // Month 2 from the Downloads folder, through TANDEM_SCHEME: the same ledger, so month 1's pairs run.
        let second = try CLI.tandem(["run", "responses.csv", "--month", "2027-01"], in: downloads,
                                    environment: ["TANDEM_SCHEME": scheme.path])
        #expect(second.status == 0, "\(second.err)")
        let running = try #require(second.out.split(separator: "\n").first { $0.hasPrefix("Recorded 2027-01") })
        #expect(running.contains(scheme.appendingPathComponent("data/tandem.sqlite").path))
        #expect(!running.contains("(0 pairs already running)"), "\(running)")
        #expect(manager.fileExists(atPath: scheme.appendingPathComponent("reports/2027-01/pairs.csv").path))
        #expect(try manager.contentsOfDirectory(atPath: downloads.path) == ["responses.csv"], "nothing written beside the export")

        // status from a folder inside the scheme, and with --scheme from anywhere.
        let status = try CLI.tandem(["status", "--today", "2027-01-10"], in: scheme.appendingPathComponent("reports/2027-01"))
        #expect(status.status == 0 && status.out.contains("latest run: sessions from 2027-01"), "\(status.err)")
        #expect(try CLI.tandem(["status", "--scheme", scheme.path], in: top).status == 0)
        let notScheme = try CLI.tandem(["status", "--scheme", downloads.path], in: top)
        #expect(notScheme.status == 1 && notScheme.err.contains("holds no scheme.toml"))

        // The ledger lost: the next run stops instead of starting the scheme again; --new-ledger on purpose.
        try manager.moveItem(at: scheme.appendingPathComponent("data/tandem.sqlite"), to: top.appendingPathComponent("backup.sqlite"))
        let refused = try CLI.tandem(["run", export, "--month", "2027-02"], in: scheme)
        #expect(refused.status == 1)
        #expect(refused.err.contains("has run before") && refused.err.contains("--new-ledger"), "\(refused.err)")
        #expect(!manager.fileExists(atPath: scheme.appendingPathComponent("data/tandem.sqlite").path))
        #expect(!manager.fileExists(atPath: scheme.appendingPathComponent("reports/2027-02").path))
        let afresh = try CLI.tandem(["run", export, "--month", "2027-02", "--new-ledger"], in: scheme)
        #expect(afresh.status == 0, "\(afresh.err)")
        #expect(afresh.out.contains("(0 pairs already running)"))

        // The holidays come from the binary: no session of the scheme's months falls on one.
        var sessions = 0
        for month in ["2026-12", "2027-01", "2027-02"] {
            let dates = InstalledToolTests.sessionDates(in: scheme.appendingPathComponent("reports/\(month)"))
            sessions += dates.values.reduce(0, +)
            #expect(dates.keys.filter(InstalledToolTests.englandHolidays.contains).isEmpty)
        }
        #expect(sessions > 100)
    }
}
