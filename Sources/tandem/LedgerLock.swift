import Foundation

/// One writer at a time: every command that changes the ledger holds an exclusive lock on
/// `LEDGER.lock` for its whole run, taken before it reads the ledger (or finds it missing).
///
/// The lock is `flock(2)` on that file, so the kernel releases it when the process ends, however it
/// ends: a killed command never leaves a lock that blocks the next one. The file holds who has the
/// lock, for the message the second command prints, and is removed on release. (Removing a lock
/// file races with a command that opened it just before: after taking the lock, a command checks
/// that the file it locked is still the one at the path, and starts again if not.)
final class LedgerLock {
    /// How long a second command waits for the first before it stops (seconds): long enough for a
    /// `status` between two steps, short enough that nobody wonders what is happening.
    static let patience = 3.0

    let path: String
    private var descriptor: Int32
    private let madeFolder: String?

    private init(path: String, descriptor: Int32, madeFolder: String?) {
        self.path = path
        self.descriptor = descriptor
        self.madeFolder = madeFolder
    }

    deinit { release() }

    /// Takes the lock of `ledger` for `command` (as the message to others will name it), waiting up
    /// to `patience` seconds; otherwise stops with who holds it.
    static func acquire(for ledger: String, command: String) throws -> LedgerLock {
        let path = ledger + ".lock"
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var madeFolder: String?
        if !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                madeFolder = folder
            } catch {
                throw Failure("cannot make the ledger's folder '\(folder)': \(error.localizedDescription)")
            }
        }
        let deadline = Date().addingTimeInterval(patience)
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw Failure("cannot lock the ledger (\(path)): \(String(cString: strerror(errno)))")
            }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                if isStillAtPath(descriptor, path) {
                    let lock = LedgerLock(path: path, descriptor: descriptor, madeFolder: madeFolder)
                    lock.describe(command)
                    return lock
                }
                close(descriptor)
                continue
            }
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            if Date() >= deadline {
                let who = holder.isEmpty ? "another tandem command" : "another tandem command (\(holder))"
                throw Failure("the ledger '\(ledger)' is in use by \(who); nothing was done — wait for it to finish, then run this again")
            }
            usleep(100_000)
        }
    }

    /// Whether the file locked is the one the path names now (not one removed by its last holder).
    private static func isStillAtPath(_ descriptor: Int32, _ path: String) -> Bool {
        var opened = stat(), named = stat()
        guard fstat(descriptor, &opened) == 0, stat(path, &named) == 0 else { return false }
        return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino
    }

    private func describe(_ command: String) {
        let started = ISO8601DateFormatter().string(from: Date())
        let text = Array("process \(getpid()), \(command), since \(started)\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Removes the lock file and lets go; the folder made for it goes too if nothing else came into it.
    func release() {
        guard descriptor >= 0 else { return }
        unlink(path)
        close(descriptor)
        descriptor = -1
        if let madeFolder { rmdir(madeFolder) }
    }
}
