import Foundation

/// What a run takes from the world besides its inputs: a clock for timings.md and somewhere for
/// debug lines (`TANDEM_DEBUG=1`: each solve's size, status and time, how a slow run is diagnosed
/// without a profiler). The executable passes `fromEnvironment()`; the core reads no clock and
/// writes to no terminal of its own, so a test can stop the clock or collect the lines.
public struct Instruments: Sendable {
    /// Seconds since some fixed origin; only differences are used.
    public var now: @Sendable () -> Double
    /// Where debug lines go; nil drops them without building them.
    public var sink: (@Sendable (String) -> Void)?

    public init(now: @escaping @Sendable () -> Double, sink: (@Sendable (String) -> Void)? = nil) {
        self.now = now
        self.sink = sink
    }

    /// The machine's monotonic clock, debug lines dropped.
    public static let system = Instruments(now: { systemClock.now.secondsSinceOrigin })

    /// A clock that never moves: every timing is 0, so even timings.md is the same run after run.
    public static let stopped = Instruments(now: { 0 })

    /// `system`, with debug lines on standard error when `TANDEM_DEBUG` is set.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Instruments {
        guard environment["TANDEM_DEBUG"] != nil else { return .system }
        return Instruments(now: system.now, sink: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
    }

    /// The message is built only when there is somewhere for it to go.
    public func debug(_ message: @autoclosure () -> String) {
        sink?(message())
    }

    /// Seconds from `start` (a reading of `now`) to now.
    public func seconds(since start: Double) -> Double {
        now() - start
    }
}

private let systemClock = ContinuousClock()
private let systemOrigin = systemClock.now

private extension ContinuousClock.Instant {
    var secondsSinceOrigin: Double { (self - systemOrigin).inSeconds }
}

/// Debug lines kept in memory, for a test to read.
public final class DebugLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    public init() {}

    public var lines: [String] { lock.withLock { stored } }

    /// Instruments with the system clock that keep their debug lines here.
    public var instruments: Instruments {
        Instruments(now: Instruments.system.now, sink: { line in self.lock.withLock { self.stored.append(line) } })
    }
}
