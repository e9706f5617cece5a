import Foundation
import Testing

/// What a coordinator reads, byte for byte, against files recorded from the sample: a change to the
/// reports, the calendars or the model shows up here as a diff to review, not as a surprise in a
/// coordinator's inbox. After an intended change, record them again with
/// `TANDEM_RECORD_GOLDEN=1 swift test --filter GoldenFileTests` and read the diff before committing.
@Suite(.serialized) struct GoldenFileTests {
    typealias CLI = CommandLineTests
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static var recording: Bool { ProcessInfo.processInfo.environment["TANDEM_RECORD_GOLDEN"] == "1" }

    /// Runs `export` (copied in under its own name, so the reports name it the same way everywhere)
    /// and compares `files` of the output with `Golden/<set>/`.
    func compare(export: String, set: String, arguments: [String], files: [String]) throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = URL(fileURLWithPath: export).lastPathComponent
        try FileManager.default.copyItem(atPath: export, toPath: folder.appendingPathComponent(name).path)
        let run = try CLI.tandem(["run", name, "--out", "out", "--ledger", "ledger.sqlite"] + arguments, in: folder)
        try #require(run.status == 0, "\(run.err)")
        for file in files {
            let made = try Data(contentsOf: folder.appendingPathComponent("out/\(file)"))
            let recorded = Self.golden.appendingPathComponent("\(set)/\(file)")
            if Self.recording {
                try FileManager.default.createDirectory(at: recorded.deletingLastPathComponent(), withIntermediateDirectories: true)
                try made.write(to: recorded)
                continue
            }
            let expected = try Data(contentsOf: recorded)
            if made != expected {
                let a = String(decoding: made, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                let b = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                let line = Array(zip(a, b)).firstIndex { $0 != $1 } ?? min(a.count, b.count)
                Issue.record("\(set)/\(file) differs from the recorded file at line \(line + 1):\n  now:      \(line < a.count ? a[line] : "(end)")\n  recorded: \(line < b.count ? b[line] : "(end)")")
            }
        }
    }

    @Test func theSampleMonthReadsAsRecorded() throws {
        try compare(export: CLI.sample, set: "sample", arguments: ["--month", "2026-12"],
                    files: ["summary.md", "pairs.csv", "unmatched.csv", "diagnostics.txt", "calendars/agnieszka.nowak@nhs.net.ics"])
    }

    /// A participant's CPD record (`tandem cpd`), from the sample month with one session held, one
    /// missed, one cancelled and one moved, and objectives recorded: the page and the CSV, byte for byte.
    @Test func aCPDRecordReadsAsRecorded() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("applications.csv").path)
        let ledger = ["--ledger", "ledger.sqlite"]
        let (senior, junior) = ("anand.krishnan@nhs.net", "agnieszka.nowak@nhs.net")
        for arguments in [["run", "applications.csv", "--month", "2026-12", "--out", "out"],
                          ["held", senior, junior, "--session", "1", "--today", "2026-12-10"],
                          ["missed", senior, junior, "--session", "2", "--reason", "snow", "--today", "2027-01-10"],
                          ["cancel-session", senior, junior, "--session", "4", "--reason", "annual leave", "--today", "2027-01-10", "--out", "c"],
                          ["move", senior, junior, "--session", "5", "--to", "2027-04-13 15:00", "--reason", "Easter week", "--today", "2027-01-10",
                           "--out", "m"],
                          ["objectives", senior, junior, "--text", "Learn 3D capture for wound care.\nAgnieszka leads a session on <research> & writing.",
                           "--today", "2027-01-10"],
                          ["cpd", junior, "--today", "2027-06-30", "--out", "cpd"]] {
            let result = try CLI.tandem(arguments + ledger, in: folder)
            try #require(result.status == 0, "\(arguments): \(result.err)")
        }
        for file in ["cpd-agnieszka-nowak-nhs-net.html", "cpd-agnieszka-nowak-nhs-net.csv"] {
            let made = try Data(contentsOf: folder.appendingPathComponent("cpd/\(file)"))
            let recorded = Self.golden.appendingPathComponent("cpd/\(file)")
            if Self.recording {
                try FileManager.default.createDirectory(at: recorded.deletingLastPathComponent(), withIntermediateDirectories: true)
                try made.write(to: recorded)
            } else {
                #expect(made == (try Data(contentsOf: recorded)), "cpd/\(file) differs from the recorded file (TANDEM_RECORD_GOLDEN=1 records it)")
            }
        }
    }

    @Test func aTinyPairingModelReadsAsRecorded() throws {
        try compare(export: Self.golden.appendingPathComponent("tiny.csv").path, set: "tiny",
                    arguments: ["--month", "2026-12", "--models", "always"],
                    files: ["model-total-score.lp", "model-coverage.lp", "pairs.csv"])
    }
}
