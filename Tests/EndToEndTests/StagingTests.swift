import Foundation
import Testing
@testable import tandem
import TandemModel

/// `Files.stage`: the output folder is written beside its place with plain POSIX writes, then swapped in.
@Suite struct StagingTests {
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-staging-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func stagingWritesTheExactBytesInPathOrderAndShowsNothingBeforeTheSwap() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("out").path
        let files = OutputFiles([
            OutputFiles.Entry(path: "summary.md", text: "# Summary\n\nZoë & Ånne\n"),
            OutputFiles.Entry(path: "calendars/pairs/ann--ben.ics") { (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 31) } },
            OutputFiles.Entry(path: "calendars/ann.ics", text: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
            OutputFiles.Entry(OutputFile(path: "empty.csv", contents: [])),
        ])
        let written = PathLog()
        let staged = try Files.stage(files, for: target) { file in
            // Called once the file is on disk.
            written.add(file.path, onDisk: FileManager.default.fileExists(atPath: target.replacingOccurrences(of: "/out", with: "/.out.writing-\(getpid())") + "/" + file.path))
        }
        #expect(written.paths == ["calendars/ann.ics", "calendars/pairs/ann--ben.ics", "empty.csv", "summary.md"])
        #expect(written.allOnDisk)
        #expect(!FileManager.default.fileExists(atPath: target))

        try staged.swapIntoPlace()
        var found: [String] = []
        let walker = FileManager.default.enumerator(atPath: target)!
        while let path = walker.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: target + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
                found.append(path)
            }
        }
        #expect(found.sorted() == [".tandem-output"] + written.paths) // the marker lists what Tandem wrote
        for file in files {
            #expect(FileManager.default.contents(atPath: target + "/" + file.path) == Data(file.contents), "\(file.path)")
        }
    }

    @Test func stagingRefusesPathsOutsideTheFolderAndSaysWhyAWriteFailed() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("out").path
        for path in ["../escape.txt", "/etc/passwd", "calendars/../../x.ics", "calendars/./x.ics", ".hidden", ""] {
            let error = #expect(throws: Failure.self) { try Files.stage([OutputFile(path: path, text: "x")], for: target) }
            #expect(error?.description == "refusing to write '\(path)': not a plain path inside the output folder")
        }
        // The same path twice: the second write finds the first file (O_EXCL) and names the file and the reason.
        let twice = [OutputFile(path: "a.txt", text: "1"), OutputFile(path: "a.txt", text: "2")]
        let error = #expect(throws: Failure.self) { try Files.stage(twice, for: target) }
        #expect(error?.description.hasPrefix("cannot write '\(folder.path)/.out.writing-") == true)
        #expect(error?.description.hasSuffix("/a.txt': File exists") == true)
    }
}

/// What `Files.stage` reported, from its writing thread.
private final class PathLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    private var missing = 0
    func add(_ path: String, onDisk: Bool) {
        lock.withLock {
            list.append(path)
            if !onDisk { missing += 1 }
        }
    }
    var paths: [String] { lock.withLock { list } }
    var allOnDisk: Bool { lock.withLock { missing == 0 } }
}
