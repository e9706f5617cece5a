import Foundation
import Testing
@testable import tandem

/// The built `tandem` as an installed tool: run from a folder holding nothing of the repository.
@Suite(.serialized) struct InstalledToolTests {
    typealias CLI = CommandLineTests

    /// Session start dates (the senior's local date, `YYYYMMDD`) in a run's coordinator calendar.
    static func sessionDates(in folder: URL) -> [String: Int] {
        let calendar = folder.appendingPathComponent("calendars/coordinator.ics")
        let text = String(decoding: FileManager.default.contents(atPath: calendar.path) ?? Data(), as: UTF8.self)
        var counts: [String: Int] = [:]
        for line in text.split(separator: "\r\n") where line.hasPrefix("DTSTART;TZID=") {
            if let colon = line.lastIndex(of: ":") { counts[String(line[line.index(after: colon)...].prefix(8)), default: 0] += 1 }
        }
        return counts
    }

    /// England and Wales' bank holidays from December 2026 to 2027's end, as GOV.UK lists them (with
    /// the substitute days), written out here rather than taken from the code under test.
    static let englandHolidays: Set<String> = [
        "20261225", "20261226", "20261228", "20270101", "20270326", "20270329", "20270503", "20270531",
        "20270830", "20271225", "20271226", "20271227", "20271228",
    ]

    /// No data/holidays folder here, and no warning about it: the holidays come from the binary. The
    /// same run with `holiday_region = "none"` does put sessions on a bank holiday (3 May 2027), so the
    /// clear calendar is the holidays' doing, not luck.
    @Test func runFromAnEmptyFolderKeepsSessionsOffBankHolidays() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        let guarded = try CLI.tandem(["run", CLI.sample, "--month", "2026-12", "--out", "guarded", "--ledger", "g.sqlite"], in: folder)
        #expect(guarded.status == 0, "stderr: \(guarded.err)")
        #expect(!guarded.err.contains("holiday"), "stderr: \(guarded.err)")
        let dates = Self.sessionDates(in: folder.appendingPathComponent("guarded"))
        #expect(dates.values.reduce(0, +) > 100)
        #expect(dates.keys.filter(Self.englandHolidays.contains).isEmpty, "\(dates.keys.filter(Self.englandHolidays.contains))")

        try Data("[sessions]\nholiday_region = \"none\"\n".utf8).write(to: folder.appendingPathComponent("none.toml"))
        let unguarded = try CLI.tandem(["run", CLI.sample, "--month", "2026-12", "--out", "unguarded", "--ledger", "u.sqlite",
                                        "--config", "none.toml"], in: folder)
        #expect(unguarded.status == 0, "stderr: \(unguarded.err)")
        #expect(unguarded.err.contains("holiday_region is \"none\""))
        let natural = Self.sessionDates(in: folder.appendingPathComponent("unguarded"))
        #expect(!natural.keys.filter(Self.englandHolidays.contains).isEmpty, "the sample no longer meets a bank holiday")
    }

    @Test func anUnknownRegionIsAConfigurationErrorNamingTheSetting() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("[sessions]\nholiday_region = \"wales\"\n".utf8).write(to: folder.appendingPathComponent("scheme.toml"))
        let result = try CLI.tandem(["check", CLI.sample, "--config", "scheme.toml"], in: folder)
        #expect(result.status == 1)
        #expect(result.err.contains("scheme.toml: error: sessions.holiday_region: 'wales'"), "stderr: \(result.err)")
        #expect(result.err.contains("england-and-wales, scotland, northern-ireland, ireland or none"))
    }

    @Test func versionPrintsTheOneConstantAndExitsZero() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLI.tandem(["--version"], in: folder)
        #expect(result.status == 0, "stderr: \(result.err)")
        #expect(result.out == Tandem.version + "\n")
        #expect(result.err.isEmpty)
        let parts = Tandem.version.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }, "not MAJOR.MINOR.PATCH: \(Tandem.version)")
    }

    /// scripts/install writes these files; each names the program and its commands.
    @Test func completionScriptsAreGeneratedForEveryShell() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for shell in ["bash", "zsh", "fish"] {
            let result = try CLI.tandem(["--generate-completion-script", shell], in: folder)
            #expect(result.status == 0, "\(shell): \(result.err)")
            for word in ["tandem", "run", "check", "explain", "withdraw", "end-pair", "month"] {
                #expect(result.out.contains(word), "\(shell) completion lacks \(word)")
            }
        }
    }
}
