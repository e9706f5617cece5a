import Foundation
import TandemModel

/// The mail program of `[mail] sendmail`: every Unix mail setup offers this interface (the message on
/// standard input, the recipients read from its headers with `-t`). Exit status 0 means the program
/// took the message; anything else is a refusal with its words. A program that does not finish in the
/// configured time is stopped, and the message's fate is unknown.
struct Sendmail {
    enum Result {
        case delivered(String)
        case refused(String)
        case timedOut(String)
    }

    let executable: URL
    let arguments: [String]
    let timeout: Double
    let display: String

    /// Finds the program (a bare name is looked up on PATH); refuses, before anything is sent, one that is not there.
    init(_ mail: MailConfig) throws {
        let command = mail.command
        guard let name = command.first else { throw Failure("mail.sendmail is empty; nothing was sent") }
        let found: String?
        if name.contains("/") {
            found = FileManager.default.isExecutableFile(atPath: name) ? name : nil
        } else {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
            found = path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let found else {
            throw Failure("no mail program '\(name)' (mail.sendmail = \"\(mail.sendmail)\"); install it (Debian: apt-get install msmtp) "
                + "or name the one you have; nothing was sent")
        }
        executable = URL(fileURLWithPath: found)
        arguments = Array(command.dropFirst())
        timeout = Double(mail.timeoutSeconds)
        display = name
    }

    /// Runs the program with `bytes` on standard input.
    func deliver(_ bytes: [UInt8]) -> Result {
        signal(SIGPIPE, SIG_IGN) // a program that exits early must not kill tandem while it writes
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do { try process.run() } catch {
            return .refused("\(display) could not be started: \(error.localizedDescription)")
        }
        let said = Collected()
        let reader = Thread { said.set(Self.readAll(output.fileHandleForReading.fileDescriptor)) }
        reader.start()
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: Data(bytes))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if finished.wait(timeout: .now() + 3) == .timedOut { kill(process.processIdentifier, SIGKILL); finished.wait() }
            return .timedOut("\(display) did not finish within \(Int(timeout)) s and was stopped; the message may or may not have gone")
        }
        let words = said.wait().trimmingCharacters(in: .whitespacesAndNewlines)
        let lastLine = words.split(separator: "\n").last.map(String.init) ?? ""
        if process.terminationReason == .exit && process.terminationStatus == 0 {
            return .delivered(lastLine.isEmpty ? "accepted by \(display)" : "accepted by \(display): \(lastLine)")
        }
        let status = process.terminationReason == .exit ? "exit status \(process.terminationStatus)" : "stopped by signal \(process.terminationStatus)"
        let oneLine = words.split(whereSeparator: \.isNewline).joined(separator: " / ")
        return .refused("\(display) refused it (\(status))" + (oneLine.isEmpty ? "" : ": " + VisibleText.clean(String(oneLine.suffix(400)))))
    }

    /// Everything until end of file, a read interrupted by a signal tried again.
    static func readAll(_ fd: Int32) -> Data {
        var data = Data(), buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { data.append(contentsOf: buffer[0..<n]) } else if n < 0 && errno == EINTR { continue } else { return data }
        }
    }

    /// The program's output, read on its own thread (so a full pipe never blocks it).
    private final class Collected: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var text = ""

        func set(_ data: Data) {
            text = String(decoding: data, as: UTF8.self)
            done.signal()
        }

        func wait() -> String {
            done.wait()
            return text
        }
    }
}
