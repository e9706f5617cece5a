import TandemTestSupport
import Foundation
import Testing

/// Runs the real `tandem` binary on the sample export, as a coordinator would.
@Suite(.serialized) struct CommandLineTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sample = repoRoot.appendingPathComponent("data/sample/applications.csv").path

    /// The `tandem` built beside this test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tandem")
    }

    struct Result { var status: Int32; var out: String; var err: String }

    static func tandem(_ arguments: [String], in folder: URL, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readAllRetryingOnSignals()
        let errData = err.fileHandleForReading.readAllRetryingOnSignals()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                      err: String(decoding: errData, as: UTF8.self))
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func files(under folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where !url.hasDirectoryPath {
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            result[relative] = FileManager.default.contents(atPath: url.path)
        }
        return result
    }

    @Test func modelFilesAreWrittenOnlyWhenAsked() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let never = try Self.tandem(["run", Self.sample, "--month", "2026-12", "--out", "never", "--ledger", "a.sqlite",
                                     "--models", "never"], in: folder)
        #expect(never.status == 0, "stderr: \(never.err)")
        let files = Self.files(under: folder.appendingPathComponent("never"))
        #expect(files["pairs.csv"] != nil)
        #expect(files.keys.filter { $0.hasPrefix("model") || $0.hasPrefix("solution-") }.isEmpty)
        let summary = String(decoding: files["summary.md"] ?? Data(), as: UTF8.self)
        #expect(summary.contains("--models always"))
        let wrong = try Self.tandem(["run", Self.sample, "--month", "2026-12", "--out", "x", "--ledger", "b.sqlite",
                                     "--models", "sometimes"], in: folder)
        #expect(wrong.status != 0)
        #expect(wrong.err.contains("--models"))
    }

    @Test func runOnTheSampleWritesEveryOutputAndListsEveryRejectedRow() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.tandem(["run", Self.sample, "--month", "2026-12", "--out", "out", "--ledger", "ledger.sqlite"], in: folder)
        #expect(result.status == 0, "stderr: \(result.err)")
        #expect(result.out.contains("new pairs"))
        #expect(result.out.contains("proven optimal"))
        let out = folder.appendingPathComponent("out")
        let files = Self.files(under: out)
        for name in ["summary.md", "pairs.csv", "unmatched.csv", "model.lp", "diagnostics.txt", "distribution.csv",
                     "calendars/coordinator.ics", "model-total-score.lp", "solution-total-score.txt"] {
            #expect(files[name] != nil, "missing \(name)")
        }
        // Every rejected row of the sample is listed with its line, never dropped in silence.
        let unmatched = String(decoding: files["unmatched.csv"] ?? Data(), as: UTF8.self)
        for line in [24, 25, 37, 40, 41, 49] {
            #expect(unmatched.contains(",\(line),rejected,"), "line \(line) not listed as rejected")
        }
        // One calendar per participant in pairs.csv, plus the pairs' and the coordinator's.
        let pairs = String(decoding: files["pairs.csv"] ?? Data(), as: UTF8.self)
        let rows = pairs.split(separator: "\r\n").dropFirst()
        #expect(rows.count >= 20)
        let participants = Set(rows.flatMap { row -> [String] in
            let cells = row.split(separator: ",", omittingEmptySubsequences: false)
            return [String(cells[0]).lowercased().replacingOccurrences(of: "\u{FEFF}", with: ""), String(cells[2]).lowercased()]
        })
        let calendars = files.keys.filter { $0.hasPrefix("calendars/") && !$0.hasPrefix("calendars/pairs/") && $0 != "calendars/coordinator.ics" }
        #expect(calendars.count == participants.count)
        #expect(files.keys.filter { $0.hasPrefix("calendars/pairs/") }.count == rows.count)
        // The summary names the solver's verdict for each stage.
        let summary = String(decoding: files["summary.md"] ?? Data(), as: UTF8.self)
        for stage in ["overdue", "coverage", "waiting", "minimum-score", "total-score"] { #expect(summary.contains("| \(stage) |")) }
    }

    @Test func sameInputsGiveByteIdenticalOutputs() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["a", "b"] {
            let result = try Self.tandem(["run", Self.sample, "--month", "2026-12", "--out", name, "--ledger", "\(name).sqlite"], in: folder)
            #expect(result.status == 0, "stderr: \(result.err)")
        }
        var a = Self.files(under: folder.appendingPathComponent("a"))
        var b = Self.files(under: folder.appendingPathComponent("b"))
        // timings.md holds wall-clock seconds: the one file that is meant to differ.
        #expect(a.removeValue(forKey: "timings.md") != nil)
        b.removeValue(forKey: "timings.md")
        #expect(a.count > 50)
        #expect(Set(a.keys) == Set(b.keys))
        for (name, data) in a { #expect(b[name] == data, "\(name) differs between two identical runs") }
    }

    @Test func failuresExitNonZeroWithOneLineReason() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try Self.tandem(["run", "nowhere.csv", "--month", "2026-12", "--ledger", "l.sqlite"], in: folder)
        #expect(missing.status != 0)
        #expect(missing.err.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        #expect(missing.err.contains("nowhere.csv"))

        let badMonth = try Self.tandem(["run", Self.sample, "--month", "December"], in: folder)
        #expect(badMonth.status != 0)
        #expect(badMonth.err.contains("--month must look like 2026-12"))

        try Data("[matching]\nwaiting_target = 4\n".utf8).write(to: folder.appendingPathComponent("bad.toml"))
        let badConfig = try Self.tandem(["run", Self.sample, "--month", "2026-12", "--config", "bad.toml", "--ledger", "l.sqlite"], in: folder)
        #expect(badConfig.status != 0)
        #expect(badConfig.err.contains("unknown setting 'matching.waiting_target'"))

        let ledgerInOut = try Self.tandem(["run", Self.sample, "--month", "2026-12", "--out", "out", "--ledger", "out/l.sqlite"], in: folder)
        #expect(ledgerInOut.status != 0)
        #expect(ledgerInOut.err.contains("'out' holds the ledger 'out/l.sqlite'"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
    }

    @Test func checkPrintsLocatedProblemsAndFailsOnErrors() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Self.tandem(["check", Self.sample], in: folder)
        #expect(result.status == 1)
        #expect(result.out.contains("applications.csv:24:Your time zone: error: 'Europe/Londn'"))
        #expect(result.out.contains("applications.csv:41:Email Address: error:"))
        #expect(result.out.contains("6 rows rejected"))
    }

    /// Forcing Sophie Turnbull's pair with Daniel Okafor (31.76) would lower the weakest pair (34.27):
    /// explain must say so, not call it "just as good".
    @Test func explainSaysJustAsGoodOnlyWhenTheValuesAreEqual() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try Self.tandem(["run", Self.sample, "--month", "2027-01"], in: folder).status == 0)
        let result = try Self.tandem(["explain", "sophie.turnbull@nhs.net"], in: folder)
        #expect(result.status == 0, "\(result.err)")
        let okafor = try #require(result.out.split(separator: "\n").first { $0.contains("Daniel Okafor <") && $0.contains("score 31.76") })
        #expect(!okafor.contains("just as good"), "\(okafor)")
        #expect(okafor.contains("a pair scoring 31.76, below 34.27, the weakest score among the pairs made now"), "\(okafor)")
    }
}
