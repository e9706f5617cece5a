import Foundation

/// A progress line on standard error while a long run works, when standard error is a terminal:
/// after a few seconds it shows the seconds elapsed, rewritten in place, and is wiped at the end.
/// Nothing is printed into a pipe or a log file.
enum Progress {
    static func whileRunning<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        guard isatty(STDERR_FILENO) == 1 else { return try body() }
        let ticker = Ticker()
        ticker.start()
        defer { ticker.stop() }
        return try body()
    }

    private final class Ticker: @unchecked Sendable {
        private let lock = NSLock()
        private var running = true
        private var shown = false
        private let began = Date()

        func start() {
            Thread.detachNewThread { [self] in
                while true {
                    Thread.sleep(forTimeInterval: 1)
                    let seconds = Int(Date().timeIntervalSince(began))
                    let keepGoing: Bool = lock.withLock {
                        guard running else { return false }
                        if seconds >= 3 {
                            FileHandle.standardError.write(Data("\rtandem: pairing and scheduling… \(seconds) s".utf8))
                            shown = true
                        }
                        return true
                    }
                    if !keepGoing { return }
                }
            }
        }

        func stop() {
            lock.withLock {
                running = false
                if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            }
        }
    }
}
