import Foundation

/// `TANDEM_DEBUG=1` prints each solve's size, status and time to standard error: how a slow run
/// is diagnosed without a profiler. Read once; the message is built only when it is printed.
public enum DebugLog {
    public static let enabled = ProcessInfo.processInfo.environment["TANDEM_DEBUG"] != nil

    public static func write(_ message: @autoclosure () -> String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data((message() + "\n").utf8))
    }
}
