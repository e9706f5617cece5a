import Foundation
import TandemIngest
import TandemMatching
import TandemModel
import TandemScheduling

/// All file-system work of the executable: reading inputs, and writing a run's outputs so that a
/// crash never leaves a half-written folder.
enum Files {
    static func read(_ path: String, what: String) throws -> [UInt8] {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        if size > AnswerLimits.exportBytes {
            throw Failure("the \(what) '\(VisibleText.clean(path))' is \((size >> 20).grouped) MB, more than the \((AnswerLimits.exportBytes >> 20).grouped) MB "
                + "Tandem reads (a form's export of 100,000 applicants is about 100 MB); check that it is the form's responses")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw Failure(exists ? "cannot read the \(what) '\(path)'" : "the \(what) '\(path)' does not exist")
        }
        return [UInt8](data)
    }

    static func config(_ path: String?) throws -> SchemeConfig { try configFile(path).config }

    /// The configuration and the bytes it was read from (empty without a file), read once.
    static func configFile(_ path: String?) throws -> (config: SchemeConfig, bytes: [UInt8]) {
        guard let path else { return (SchemeConfig(), []) }
        let bytes = try read(path, what: "configuration file")
        do {
            return (try SchemeConfig.load(toml: String(decoding: bytes, as: UTF8.self), file: path), bytes)
        } catch {
            throw Failure(error.description)
        }
    }

    static func encoding(_ name: String?) -> TextEncoding? { name.flatMap(parseEncoding) }

    /// The scheme's bank holidays over the years a run starting in `firstMonth` can touch, computed by
    /// rule for `holiday_region` (no file to find, so a run from any folder sees the same days). The
    /// note tells the coordinator when no region is kept clear at all.
    static func holidays(config: SchemeConfig, firstMonth: YearMonth) -> (holidays: [LocalDate: String], note: String?) {
        let region = config.sessions.holidayRegion
        let holidays = HolidayRules.holidays(region, sessionsFrom: firstMonth, months: config.sessions.plan.count)
        let note = region == .noHolidays
            ? "note: holiday_region is \"none\", so only blackout_dates are kept clear of sessions, no bank holidays"
            : nil
        return (holidays, note)
    }

    static func overrides(_ path: String?) throws -> Overrides { try overridesFile(path).overrides }

    /// The overrides and the bytes they were read from (empty without a file), read once.
    static func overridesFile(_ path: String?) throws -> (overrides: Overrides, bytes: [UInt8]) {
        guard let path else { return (Overrides(), []) }
        let bytes = try read(path, what: "overrides file")
        let (overrides, diagnostics) = OverridesFile.parse(String(decoding: bytes, as: UTF8.self), file: path)
        if let error = diagnostics.first(where: { $0.severity == .error }) {
            throw Failure(error.description)
        }
        return (overrides, bytes)
    }

    /// Writes `files` into a new folder beside `folder`, then swaps it into place: readers see the old
    /// folder or the complete new one, never a mixture.
    static func writeAtomically(_ files: [OutputFile], to folder: String) throws {
        let staged = try stage(files, for: folder)
        try staged.swapIntoPlace()
        staged.removePrevious()
    }

    /// A complete output folder written beside its final place, waiting to be swapped in.
    final class StagedFolder {
        let staging: URL
        let target: URL
        let previous: URL
        private var swapped = false

        init(staging: URL, target: URL, previous: URL) {
            self.staging = staging
            self.target = target
            self.previous = previous
        }

        /// Renames the staged folder into place; the old one is moved aside, to be removed by
        /// `removePrevious` once the ledger has committed (or put back by `discard`).
        func swapIntoPlace() throws {
            let manager = FileManager.default
            if manager.fileExists(atPath: target.path) {
                try manager.moveItem(at: target, to: previous)
            }
            try manager.moveItem(at: staging, to: target)
            swapped = true
        }

        /// Removes the folder moved aside (deleting thousands of files can take seconds, so it happens
        /// after COMMIT; a kill before it leaves the folder for the next run's clean-up).
        func removePrevious() { try? FileManager.default.removeItem(at: previous) }

        /// Undoes the run's outputs: removes the staged folder, or, once swapped in, removes it and
        /// puts the old folder back.
        func discard() {
            let manager = FileManager.default
            guard swapped else {
                try? manager.removeItem(at: staging)
                return
            }
            try? manager.removeItem(at: target)
            if manager.fileExists(atPath: previous.path) { try? manager.moveItem(at: previous, to: target) }
            swapped = false
        }
    }

    /// Writes `files` into a hidden folder beside `folder`; nothing visible changes until `swapIntoPlace`.
    /// Leftovers of a run killed earlier are cleared first, and a folder a kill left moved aside is put back.
    /// `written` sees each file once it is on disk, in the order of `files`, on the writing thread (so
    /// fingerprinting the outputs overlaps with making them); files made on demand (`OutputFiles`)
    /// are made a few at a time, on every core (`madeInBatches`), written and let go.
    static func stage<Files: RandomAccessCollection<OutputFile> & Sendable>(_ files: Files, for folder: String,
                      written: @escaping @Sendable (OutputFile) -> Void = { _ in }) throws -> StagedFolder where Files.Index == Int {
        let manager = FileManager.default
        let target = URL(fileURLWithPath: folder).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let name = target.lastPathComponent
        cleanLeftovers(in: parent.path)
        let staging = parent.appendingPathComponent(".\(name).writing-\(getpid())")
        let previous = parent.appendingPathComponent(".\(name).previous-\(getpid())")
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            try writeAll(files, into: staging, written: written)
        } catch {
            // A full disk or a bad path: what was staged goes, so no hidden folder is left behind.
            try? manager.removeItem(at: staging)
            throw error
        }
        return StagedFolder(staging: staging, target: target, previous: previous)
    }

    /// Removes what commands that stopped part-way (killed, or the machine went down) left in `folder`:
    /// their hidden staging folders, and a folder moved aside for a swap that never committed (put
    /// back if its place is empty, else removed). Only a leftover whose process is gone is touched,
    /// never one of a command still running. Returns the paths removed or put back, to tell the coordinator.
    @discardableResult
    static func cleanLeftovers(in folder: String) -> [String] {
        let manager = FileManager.default
        var cleaned: [String] = []
        for entry in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] {
            guard let leftover = Leftover(entry), !leftover.ownerIsRunning else { continue }
            let path = folder + "/" + entry
            let target = folder + "/" + leftover.name
            if leftover.kind == "previous" && !manager.fileExists(atPath: target) {
                if (try? manager.moveItem(atPath: path, toPath: target)) != nil { cleaned.append(path) }
            } else if (try? manager.removeItem(atPath: path)) != nil {
                cleaned.append(path)
            }
        }
        return cleaned.sorted()
    }

    /// A hidden working folder's name, `.NAME.writing-PID` or `.NAME.previous-PID`, taken apart.
    struct Leftover {
        let name: String
        let kind: String
        let pid: Int32

        init?(_ entry: String) {
            guard entry.hasPrefix("."), let dash = entry.lastIndex(of: "-"), let pid = Int32(entry[entry.index(after: dash)...]),
                  let dot = entry[..<dash].lastIndex(of: ".") else { return nil }
            let kind = String(entry[entry.index(after: dot)..<dash])
            guard kind == "writing" || kind == "previous", dot > entry.index(after: entry.startIndex) else { return nil }
            self.name = String(entry[entry.index(after: entry.startIndex)..<dot])
            self.kind = kind
            self.pid = pid
        }

        /// Whether the process that made it still runs (and is not this one, whose own are never leftovers).
        var ownerIsRunning: Bool { pid != getpid() && (kill(pid, 0) == 0 || errno == EPERM) }
    }

    /// Writes every file into `staging`, with the marker listing them last.
    private static func writeAll<Files: RandomAccessCollection<OutputFile> & Sendable>(_ files: Files, into staging: URL,
                      written: @escaping @Sendable (OutputFile) -> Void = { _ in }) throws where Files.Index == Int {
        // Making a file's bytes runs here; the disk writes and `written` (the fingerprint) run on a
        // second thread, in the same order, at most `inFlight` files behind.
        let writer = BackgroundWriter(inFlight: 64)
        var folders: Set<String> = [""]
        var paths: [String] = []
        for file in madeInBatches(files) {
            let components = file.path.split(separator: "/").map(String.init)
            guard !components.isEmpty, components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }),
                  !file.path.hasPrefix("/") else {
                writer.abandon()
                throw Failure("refusing to write '\(file.path)': not a plain path inside the output folder")
            }
            // Each folder is made once, not once per file.
            let subfolder = components.dropLast().joined(separator: "/")
            let folder = folders.insert(subfolder).inserted ? staging.appendingPathComponent(subfolder) : nil
            let path = staging.path + "/" + components.joined(separator: "/")
            paths.append(file.path)
            let made = file
            writer.submit {
                if let folder { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
                try createFile(path, contents: made.contents)
                written(made)
            }
        }
        // The marker lists what Tandem wrote, so that the next run may replace exactly that (`OutputFolder`).
        let marker = OutputFolder.marker(listing: paths)
        writer.submit { try createFile(staging.path + "/" + OutputFolder.markerName, contents: marker) }
        try writer.finish()
    }

    /// `files`, each made when the loop reaches it, but made in batches on every core: at 10,000
    /// applicants making the calendars' bytes is most of the time the outputs take to stage (the
    /// events are shared between files through `CalendarSource`, which is safe to use so).
    private static func madeInBatches<Files: RandomAccessCollection<OutputFile> & Sendable>(_ files: Files) -> some Sequence<OutputFile>
        where Files.Index == Int {
        let batch = 32
        return stride(from: files.startIndex, to: files.endIndex, by: batch).lazy.flatMap { first -> [OutputFile] in
            let range = first..<min(first + batch, files.endIndex)
            let made = Made(count: range.count)
            DispatchQueue.concurrentPerform(iterations: range.count) { i in made.set(i, files[range.lowerBound + i]) }
            return made.files
        }
    }

    /// The files of one batch, each slot written by one thread.
    private final class Made: @unchecked Sendable {
        private let slots: UnsafeMutableBufferPointer<OutputFile?>
        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: nil)
        }
        deinit {
            slots.deinitialize()
            slots.deallocate()
        }
        func set(_ i: Int, _ file: OutputFile) { slots[i] = file }
        var files: [OutputFile] { slots.map { $0! } }
    }

    /// Writes a new file with open/write/close. FileManager.createFile on Linux writes each file to a
    /// temporary name and renames it (and wants the bytes copied into `Data`): slow over thousands of files,
    /// and nothing is gained inside a folder no one sees yet. `O_EXCL`: an existing file or link is an error.
    private static func createFile(_ path: String, contents: [UInt8]) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        let failure: Int32? = contents.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += count
            }
            return nil
        }
        let closeFailure = close(descriptor) == 0 ? nil : errno
        if let error = failure ?? closeFailure {
            throw Failure("cannot write '\(path)': \(String(cString: strerror(error)))")
        }
    }
}

/// Runs writes one after another on a thread of its own, so that the next file is made while this
/// one goes to disk; the first failure stops the rest and is thrown by `finish`.
private final class BackgroundWriter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "tandem.staging")
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: Error?

    init(inFlight: Int) { slots = DispatchSemaphore(value: inFlight) }

    func submit(_ work: @escaping @Sendable () throws -> Void) {
        slots.wait()
        queue.async {
            defer { self.slots.signal() }
            guard self.firstFailure == nil else { return }
            do { try work() } catch { self.lock.withLock { self.failure = self.failure ?? error } }
        }
    }

    private var firstFailure: Error? { lock.withLock { failure } }

    /// Waits for every write submitted so far; throws the first failure.
    func finish() throws {
        queue.sync {}
        if let failure = firstFailure { throw failure }
    }

    /// Waits without throwing (a failure elsewhere is being reported).
    func abandon() { queue.sync {} }
}

/// Test hook: `TANDEM_TEST_PAUSE_AT=<point>` makes the process announce the point on standard error and
/// sleep there, so a test can kill it at a known moment. Points of `tandem run`: outputs-staged,
/// inside-transaction, after-rename (folder in place, ledger not yet committed), after-commit.
/// Compiled into debug builds only (the tests run those): the release binary has no such seam.
enum TestHook {
    static func pause(at point: String) {
        #if DEBUG
        guard let wanted = ProcessInfo.processInfo.environment["TANDEM_TEST_PAUSE_AT"], wanted == point else { return }
        FileHandle.standardError.write(Data("tandem: paused at \(point)\n".utf8))
        sleep(600)
        #endif
    }
}
