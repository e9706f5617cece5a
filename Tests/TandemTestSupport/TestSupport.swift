import Foundation

/// SplitMix64: a tiny seeded generator, so every random test is the same on every run.
public struct SeededGenerator: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Tandem's own generator of made-up exports, `scripts/gen_applications.py` in the repository, so a
/// fresh clone runs every test. Needs only python3 (the tests that use it say so when it is missing).
public enum ApplicationGenerator {
    public static let script: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/gen_applications.py")

    public static var available: Bool {
        FileManager.default.fileExists(atPath: script.path)
            && (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
                .contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }
    }

    /// One export, as the generator prints it.
    /// `knobs`: the generator's pool shape, such as `["--either", "0.5", "--places", "1", "--zones", "many"]`.
    public static func export(n: Int, seed: Int, flavour: String = "google-csv", badRate: Double = 0, dupRate: Double = 0,
                              start: String? = nil, days: Int? = nil, knobs: [String] = []) throws -> [UInt8] {
        var arguments = ["python3", script.path, "--n", "\(n)", "--seed", "\(seed)", "--flavour", flavour,
                         "--bad-rate", "\(badRate)", "--dup-rate", "\(dupRate)"]
        if let start { arguments += ["--start", start] }
        if let days { arguments += ["--days", "\(days)"] }
        arguments += knobs
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readAllRetryingOnSignals()
        process.waitUntilExit()
        return Array(data)
    }
}

/// A command started with `TANDEM_TEST_PAUSE_AT=point` (see `TestHook` in the executable), once it
/// has said it reached the point, or has ended without reaching it.
public enum PausedCommand {
    /// Starts `binary arguments` in `folder` and waits until it pauses at `point` (then it sleeps
    /// there until killed); `reached` is false when it ended first.
    public static func start(_ binary: URL, _ arguments: [String], in folder: URL, at point: String) throws -> (process: Process, reached: Bool) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(["TANDEM_TEST_PAUSE_AT": point]) { $1 }
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("paused at \(point)") {
            let chunk = errors.fileHandleForReading.nextChunk()
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        return (process, seen.contains("paused at \(point)"))
    }

    /// SIGKILL, and waits for the end.
    public static func kill(_ process: Process) {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

extension FileHandle {
    /// The next bytes the pipe has (empty at its end), read again whenever a signal interrupts the
    /// read: Foundation's `availableData` and `readDataToEndOfFile` trap on EINTR (a `try!`), which
    /// a child process ending elsewhere in the parallel tests can cause.
    public func nextChunk() -> Data {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Foundation.read(fileDescriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            return count <= 0 ? Data() : Data(buffer[0..<count])
        }
    }

    /// Everything up to the end of the pipe, as `readDataToEndOfFile` without its trap on EINTR.
    public func readAllRetryingOnSignals() -> Data {
        var data = Data()
        while true {
            let chunk = nextChunk()
            if chunk.isEmpty { return data }
            data += chunk
        }
    }
}
