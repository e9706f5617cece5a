import Foundation
import GRDB
import Testing
import TandemLedger
import TandemTestSupport

/// The ledger is the scheme's memory: through the built binary, as an unlucky coordinator would meet
/// it — two terminal windows, a failed copy, another program's file, a damaged disk, a newer Tandem.
@Suite(.serialized) struct LedgerSafetyTests {
    typealias CLI = CommandLineTests

    /// A scheme folder (`tandem init`) with the sample export as a.csv.
    static func scheme() throws -> URL {
        let folder = try CLI.temporaryFolder()
        #expect(try CLI.tandem(["init", "."], in: folder).status == 0)
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("a.csv").path)
        return folder
    }

    /// A process of the binary paused at `point` (`TANDEM_TEST_PAUSE_AT`), once it says it got there.
    static func paused(_ arguments: [String], in folder: URL, at point: String) throws -> Process {
        let (process, reached) = try PausedCommand.start(CLI.binary, arguments, in: folder, at: point)
        #expect(reached, "never reached \(point)")
        return process
    }

    static func killed(_ process: Process) { PausedCommand.kill(process) }

    /// Hidden working folders anywhere under `folder`.
    static func hiddenFolders(_ folder: URL) -> [String] {
        CLI.files(under: folder).keys.filter { $0.split(separator: "/").contains { $0.hasPrefix(".") && $0 != ".tandem-output" } }.sorted()
    }

    static func ledger(_ folder: URL) -> URL { folder.appendingPathComponent("data/tandem.sqlite") }

    @Test func aSecondRunWhileTheFirstIsWorkingStopsAtOnceAndTouchesNothing() throws {
        let folder = try Self.scheme()
        defer { try? FileManager.default.removeItem(at: folder) }
        // First months, at once: the second is refused and names the first; the first's ledger is the only one.
        let first = try Self.paused(["run", "a.csv", "--month", "2027-01"], in: folder, at: "inside-transaction")
        let second = try CLI.tandem(["run", "a.csv", "--month", "2027-02"], in: folder)
        #expect(second.status == 1)
        #expect(second.err.contains("is in use by another tandem command (process \(first.processIdentifier), tandem run a.csv --month 2027-01"),
                "\(second.err)")
        Self.killed(first)
        // The first never committed: no month in its ledger, no hidden folder once the next command has run.
        if FileManager.default.fileExists(atPath: Self.ledger(folder).path) {
            #expect(try Ledger(existing: Self.ledger(folder).path).latestMonth() == nil)
        }
        #expect(try CLI.tandem(["run", "a.csv", "--month", "2027-01"], in: folder).status == 0)
        #expect(Self.hiddenFolders(folder).isEmpty, "\(Self.hiddenFolders(folder))")
        let recorded = try Ledger(existing: Self.ledger(folder).path)
        let afterFirst = try recorded.dump()

        // The same month at once, and two different months at once: one ledger, as the first left it.
        for months in [("2027-02", "2027-02"), ("2027-02", "2027-03")] {
            let running = try Self.paused(["run", "a.csv", "--month", months.0], in: folder, at: "after-rename")
            let other = try CLI.tandem(["run", "a.csv", "--month", months.1], in: folder)
            #expect(other.status == 1 && other.err.contains("is in use by another tandem command"), "\(other.err)")
            #expect(!other.err.contains("doesn’t exist") && !other.err.contains("were left as they were"), "\(other.err)")
            let withdraw = try CLI.tandem(["withdraw", "anand.krishnan@nhs.net"], in: folder)
            #expect(withdraw.status == 1 && withdraw.err.contains("is in use"), "\(withdraw.err)")
            Self.killed(running)
            // Killed between the swap and COMMIT: the ledger rolls back, and the next command cleans up.
            let status = try CLI.tandem(["status"], in: folder)
            #expect(status.status == 0)
            #expect(try Ledger(existing: Self.ledger(folder).path).dump() == afterFirst)
            #expect(Self.hiddenFolders(folder).isEmpty, "\(Self.hiddenFolders(folder))")
            #expect(try Ledger(existing: Self.ledger(folder).path).integrityCheck() == "ok")
        }
        // A killed command's lock file is taken over, and removed, by the next command that changes the ledger.
        #expect(try CLI.tandem(["run", "a.csv", "--month", "2027-02"], in: folder).status == 0)
        #expect(!FileManager.default.fileExists(atPath: Self.ledger(folder).path + ".lock"))
    }

    @Test func twoRunsStartedTogetherLeaveOneConsistentLedger() throws {
        let folder = try Self.scheme()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Truly at once, first months included: each either records (one after the other) or is refused; never a lost ledger.
        for pair in [("2027-01", "2027-02"), ("2027-03", "2027-03")] {
            let results = [pair.0, pair.1].concurrentRuns { month in try CLI.tandem(["run", "a.csv", "--month", month], in: folder) }
            for result in results {
                // Refused while the other works, or after it (2027-02 recorded first makes 2027-01 an earlier month).
                #expect(result.status == 0 || result.err.contains("is in use by another tandem command")
                        || result.err.contains("the ledger already holds 2027-02"), "\(result.err)")
            }
            #expect(results.contains { $0.status == 0 })
            let ledger = try Ledger(existing: Self.ledger(folder).path)
            #expect(try ledger.integrityCheck() == "ok")
            #expect(Self.hiddenFolders(folder).isEmpty)
        }
        #expect(try CLI.tandem(["status"], in: folder).out.contains("latest run: sessions from 2027-03"))
    }

    /// Every refusal leaves the file byte for byte, for the reading commands as for a run.
    func expectRefused(_ folder: URL, says: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = Self.ledger(folder).path
        let before = try Data(contentsOf: Self.ledger(folder))
        for command in [["status"], ["history", "anand.krishnan@nhs.net"], ["run", "a.csv", "--month", "2027-03"],
                        ["withdraw", "anand.krishnan@nhs.net"], ["explain", "anand.krishnan@nhs.net"]] {
            let result = try CLI.tandem(command, in: folder)
            #expect(result.status != 0, "\(command) on \(says)", sourceLocation: sourceLocation)
            #expect(result.err.contains(says), "\(command): \(result.err)", sourceLocation: sourceLocation)
            #expect(!result.err.contains("SELECT") && !result.err.contains("while executing"), "\(result.err)", sourceLocation: sourceLocation)
            #expect(try Data(contentsOf: Self.ledger(folder)) == before, "\(command) changed \(path)", sourceLocation: sourceLocation)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("reports/2027-03").path), sourceLocation: sourceLocation)
    }

    @Test func onlyASoundTandemLedgerOfAKnownVersionIsReadOrWritten() throws {
        let folder = try Self.scheme()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try CLI.tandem(["run", "a.csv", "--month", "2027-01"], in: folder).status == 0)
        #expect(try CLI.tandem(["run", "a.csv", "--month", "2027-02"], in: folder).status == 0)
        let path = Self.ledger(folder).path
        let good = try Data(contentsOf: Self.ledger(folder))
        let backups = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("data/backups").path)
        #expect(backups == ["tandem.r000001.before-run-2027-02.sqlite"])

        // A failed copy or sync: an empty file is not a new scheme.
        try Data().write(to: Self.ledger(folder))
        try expectRefused(folder, says: "is empty (0 bytes)")
        let empty = try CLI.tandem(["status"], in: folder)
        #expect(empty.err.contains("cp '\(folder.path)/data/backups/tandem.r000001.before-run-2027-02.sqlite'"), "\(empty.err)")
        // Not SQLite at all; another program's SQLite file; a Tandem ledger marked by a newer version.
        try Data("name,email\n".utf8).write(to: Self.ledger(folder))
        try expectRefused(folder, says: "is not a Tandem ledger: it is not a SQLite database")
        try FileManager.default.removeItem(atPath: path)
        let foreign = try DatabaseQueue(path: path)
        try foreign.write { try $0.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5)") }
        try foreign.close()
        try expectRefused(folder, says: "is a SQLite database but not a Tandem ledger")
        for marking in ["PRAGMA user_version = 999", "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')"] {
            try good.write(to: Self.ledger(folder))
            let newer = try DatabaseQueue(path: path)
            try newer.write { try $0.execute(sql: marking) }
            try newer.close()
            try expectRefused(folder, says: "was written by a newer Tandem")
        }
        // Damaged: 4 KiB of random bytes at several places; SQLite's own check is the judge of damage.
        var refusedDamage = 0
        for (offset, seed) in [(0.15, 1), (0.3, 2), (0.45, 3), (0.7, 4), (0.9, 5)] {
            var bytes = good
            var random = SeededRandom(seed: UInt64(seed))
            let start = Int(Double(bytes.count) * offset) / 4096 * 4096 + 512
            for i in start..<min(start + 4096, bytes.count) { bytes[i] = UInt8(truncatingIfNeeded: random.next()) }
            try bytes.write(to: Self.ledger(folder))
            // SQLite may refuse the file as soon as it opens it (damage in the schema's page): damaged too.
            let check = try? DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
            let sound = (try? check?.read { try String.fetchAll($0, sql: "PRAGMA quick_check") }) == ["ok"]
            try check?.close()
            if sound { continue }
            try expectRefused(folder, says: "is damaged")
            refusedDamage += 1
        }
        #expect(refusedDamage >= 3, "random bytes inside pages should mostly be damage SQLite sees")
        // Restored from the backup the message names, the scheme goes on.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: folder.appendingPathComponent("data/backups/tandem.r000001.before-run-2027-02.sqlite").path,
                                         toPath: path)
        #expect(try CLI.tandem(["run", "a.csv", "--month", "2027-02"], in: folder).status == 0)
    }

    /// A full disk while the outputs are written: the run fails saying so, leaves no hidden folder and
    /// records nothing. The disk is a 200 KiB tmpfs (needs root, as CI has; skipped where mount is refused).
    @Test func aFullDiskLeavesNoHiddenFolderAndNoLedger() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let disk = folder.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=200k", "tmpfs", disk.path]
        mount.standardError = FileHandle.nullDevice
        guard (try? mount.run()) != nil, { mount.waitUntilExit(); return mount.terminationStatus == 0 }() else {
            print("skipped: a small disk could not be mounted here")
            return
        }
        defer {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [disk.path]
            try? umount.run()
            umount.waitUntilExit()
        }
        let result = try CLI.tandem(["run", CLI.sample, "--month", "2027-01", "--ledger", "ledger.sqlite", "--out", "disk/2027-01"], in: folder)
        #expect(result.status == 1)
        #expect(result.err.contains("No space left on device"), "\(result.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("ledger.sqlite").path))
    }

    @Test func aReadingCommandNeverWritesIntoAFileThatIsNotALedger() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = folder.appendingPathComponent("other.db")
        let database = try DatabaseQueue(path: other.path)
        try database.write { try $0.execute(sql: "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ann')") }
        try database.close()
        try Data().write(to: folder.appendingPathComponent("empty.db"))
        for file in ["other.db", "empty.db"] {
            let before = CLI.files(under: folder)
            for command in [["status"], ["history"], ["explain"]] {
                let result = try CLI.tandem(command + ["--ledger", file] + (command == ["status"] ? [] : ["ann@example.org"]), in: folder)
                #expect(result.status == 1, "\(command) \(file): \(result.err)")
            }
            #expect(CLI.files(under: folder) == before, "\(file) or a file beside it changed")
        }
    }
}

extension Array where Element: Sendable {
    /// `body` on each element at the same time, one thread each; results in order.
    func concurrentRuns<T: Sendable>(_ body: @escaping @Sendable (Element) throws -> T) -> [T] {
        let results = Results<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in results.set(i, try? body(self[i])) }
        return results.values.compactMap { $0 }
    }
}

private final class Results<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T?) { lock.withLock { slots[i] = value } }
    var values: [T?] { lock.withLock { slots } }
}
