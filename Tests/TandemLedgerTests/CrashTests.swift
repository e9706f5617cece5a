import TandemTestSupport
import Foundation
import Testing
import TandemLedger

/// Kills the real `tandem run` with SIGKILL at named points (`TANDEM_TEST_PAUSE_AT`) and checks that the
/// ledger is sound and holds exactly what it held before that run.
@Suite("Crash safety")
struct CrashTests {
    /// Runs the binary to the end; returns its exit status.
    @discardableResult
    static func run(_ binary: String, _ arguments: [String], in folder: URL) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Starts the binary paused at `point`, waits until it says it got there, and kills it.
    /// Returns whether the point was reached.
    static func kill(_ binary: String, _ arguments: [String], in folder: URL, at point: String) throws -> Bool {
        let (process, reached) = try PausedCommand.start(URL(fileURLWithPath: binary), arguments, in: folder, at: point)
        PausedCommand.kill(process)
        return reached
    }

    static func contents(of folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return result }
        for case let url as URL in walker {
            if let data = FileManager.default.contents(atPath: url.path), !url.hasDirectoryPath {
                result[String(url.path.dropFirst(folder.path.count))] = data
            }
        }
        result["/timings.md"] = nil
        return result
    }

    @Test("A run killed at any point leaves the ledger and the earlier outputs as they were",
          .enabled(if: Support.hasGenerator && Support.tandemBinary != nil, "needs python3 (for scripts/gen_applications.py) and a built tandem"))
    func killedRuns() throws {
        let binary = try #require(Support.tandemBinary)
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let month1 = try Support.generate(n: 30, seed: 31, start: "2026-06-01", days: 50)
        let month2 = Support.appendRows(month1, try Support.generate(n: 12, seed: 32, start: "2026-08-01", days: 20))
        let month2b = Support.appendRows(month2, try Support.generate(n: 8, seed: 33, start: "2026-08-20", days: 8))
        try Data(month1).write(to: folder.appendingPathComponent("m1.csv"))
        try Data(month2).write(to: folder.appendingPathComponent("m2.csv"))
        try Data(month2b).write(to: folder.appendingPathComponent("m2b.csv"))
        try Data("[matching]\ncandidates_per_person = 5\n".utf8).write(to: folder.appendingPathComponent("scheme.toml"))
        let common = ["--config", "scheme.toml", "--ledger", "ledger.sqlite"]

        #expect(try Self.run(binary, ["run", "m1.csv", "--month", "2026-08"] + common, in: folder) == 0)
        #expect(try Self.run(binary, ["run", "m2.csv", "--month", "2026-09"] + common, in: folder) == 0)
        let ledgerPath = folder.appendingPathComponent("ledger.sqlite").path
        let before = try Ledger(existing: ledgerPath).dump()
        let outputs = folder.appendingPathComponent("reports/2026-09")
        let outputsBefore = Self.contents(of: outputs)
        #expect(!outputsBefore.isEmpty)

        // Re-run September on a changed export (so a leak would show), killed at each point.
        let rerun = ["run", "m2b.csv", "--month", "2026-09"] + common
        for point in ["outputs-staged", "inside-transaction", "after-rename"] {
            #expect(try Self.kill(binary, rerun, in: folder, at: point), "never reached \(point)")
            let ledger = try Ledger(existing: ledgerPath)
            #expect(try ledger.integrityCheck() == "ok", "after a kill at \(point)")
            #expect(try ledger.dump() == before, "the ledger changed after a kill at \(point)")
            if point != "after-rename" {
                // Before the swap the visible folder is untouched; a kill right after it (before COMMIT) is
                // the one window where the folder is new and the ledger old (see `Ledger`).
                #expect(Self.contents(of: outputs) == outputsBefore, "the outputs changed after a kill at \(point)")
            }
        }
        // Killed once the transaction has committed, the new month is there: the hook is real.
        #expect(try Self.kill(binary, rerun, in: folder, at: "after-commit"))
        let committed = try Ledger(existing: ledgerPath)
        #expect(try committed.integrityCheck() == "ok")
        #expect(try committed.dump() != before)
        // And an ordinary run afterwards works and restores the original month.
        #expect(try Self.run(binary, ["run", "m2.csv", "--month", "2026-09"] + common, in: folder) == 0)
        #expect(Self.contents(of: outputs) == outputsBefore)
        let restored = try Ledger(existing: ledgerPath).dump().split(separator: "\n").filter { !$0.contains("revision") }
        #expect(restored == before.split(separator: "\n").filter { !$0.contains("revision") })
    }

    @Test("tandem status prints a report a coordinator can read",
          .enabled(if: Support.hasGenerator && Support.tandemBinary != nil, "needs python3 (for scripts/gen_applications.py) and a built tandem"))
    func statusCommand() throws {
        let binary = try #require(Support.tandemBinary)
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(try Support.generate(n: 20, seed: 41, start: "2026-06-01", days: 50)).write(to: folder.appendingPathComponent("m1.csv"))
        try Data("[matching]\ncandidates_per_person = 5\n".utf8).write(to: folder.appendingPathComponent("scheme.toml"))
        #expect(try Self.run(binary, ["run", "m1.csv", "--month", "2026-08", "--config", "scheme.toml"], in: folder) == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/tandem.sqlite").path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["status", "--today", "2026-08-15"]
        process.currentDirectoryURL = folder
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readAllRetryingOnSignals(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Scheme status on 2026-08-15 (latest run: sessions from 2026-08)")
        #expect(lines.contains { $0.hasPrefix("Active pairs: ") })
        #expect(lines.contains { $0.hasPrefix("Waiting to be paired (in no running pair): ") && $0.contains("past the 3-month target") })
        #expect(lines.contains { $0.hasPrefix("Seniors' spare capacity: ") })
        #expect(lines.contains { $0.contains(" mentors ") && $0.contains("of 6 sessions held") })
        // Refusing an earlier month is one clear line, exit status 1.
        let refused = Process()
        refused.executableURL = URL(fileURLWithPath: binary)
        refused.arguments = ["run", "m1.csv", "--month", "2026-07", "--config", "scheme.toml"]
        refused.currentDirectoryURL = folder
        let errors = Pipe()
        refused.standardError = errors
        refused.standardOutput = FileHandle.nullDevice
        try refused.run()
        let message = String(decoding: errors.fileHandleForReading.readAllRetryingOnSignals(), as: UTF8.self)
        refused.waitUntilExit()
        #expect(refused.terminationStatus == 1)
        #expect(message.contains("tandem: error: the ledger already holds 2026-08; running the earlier month 2026-07"))
        #expect(message.contains("--force"))
    }
}
