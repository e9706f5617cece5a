import ArgumentParser
import Foundation
import TandemLedger
import TandemModel

extension Tandem {
    /// `tandem send [--month M] [--dry-run] [--limit N] [--rate N] [--resend-unknown]`.
    struct Send: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the queued invitations, updates and cancellations by e-mail, each once.",
            discussion: """
            Runs and change commands queue one message per person when scheme.toml has a [mail] table; this hands each \
            to the mail program named there (sendmail -t -i, or msmtp with the organisation's server and login). The \
            ledger records every message before and after: a re-run sends only what is pending or failed, and a message \
            whose fate is unknown (the program was stopped, or tandem was) is listed, never re-sent unless you add \
            --resend-unknown.
            """)

        @Option(name: .long, help: "Only the messages of this month (YYYY-MM): a run's, or changes made that month.")
        var month: String?

        @Flag(name: .long, help: "List what would be sent, and send nothing.")
        var dryRun = false

        @Option(name: .long, help: "Send at most this many messages now.")
        var limit: Int?

        @Option(name: .long, help: "Send at most this many messages a minute (for a server that limits senders).")
        var rate: Int?

        @Flag(name: .long, help: "Send again the messages whose fate is unknown (check first that they did not arrive).")
        var resendUnknown = false

        @Option(name: .long, help: "Scheme configuration (TOML) with the [mail] table (default: the scheme folder's).")
        var config: String?

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            try validateMonth(month)
            if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
            if let rate, rate < 1 { throw ValidationError("--rate is messages a minute, 1 or more") }
        }

        func run() throws {
            try reporting {
                let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: config, ledgerFlag: ledger.ledger)
                guard let mail = scheme.config.mail else {
                    throw Failure("the scheme's configuration has no [mail] table, so nothing is queued or sent; add one "
                        + "(see data/scheme.example.toml) and the next run queues its messages")
                }
                let program = try Sendmail(mail)
                if dryRun { return try list(scheme) }
                let lock = try scheme.lockForChange()
                defer { lock.release() }
                let ledger = try LedgerOptions.openExisting(scheme.ledger)
                let (leftovers, requeued) = try ledger.beginSending(today: today.date, resendUnknown: resendUnknown)
                for message in leftovers {
                    say("unknown: \(message.recipient) — \(message.subject) (\(message.origin)): tandem stopped while it was being sent; "
                        + "ask whether it arrived, then run tandem send --resend-unknown if it did not")
                }
                if requeued > 0 { say("\(plural(requeued, "message")) whose fate was unknown will be sent again, as asked") }
                var queue = try ledger.messages(in: [.pending, .failed], month: month)
                if let limit { queue = Array(queue.prefix(limit)) }
                let outcome = try deliver(queue, with: program, ledger: ledger)
                let left = try ledger.messages(in: [.pending, .failed], month: month).count
                let unknown = try ledger.messages(in: [.unknown], month: month).count
                say("Sent \(outcome.sent), failed \(outcome.failed), unknown \(unknown); \(left) left to send")
                if outcome.failed > 0 || outcome.unknown > 0 {
                    throw Failure("\(plural(outcome.failed + outcome.unknown, "message")) did not go (listed above); "
                        + "correct what is named and run tandem send again: only those are tried")
                }
            }
        }

        /// Hands each message over in turn, recording it as `sending` before and its outcome after.
        private func deliver(_ queue: [QueuedMessage], with program: Sendmail, ledger: Ledger) throws -> (sent: Int, failed: Int, unknown: Int) {
            var sent = 0, failed = 0, unknown = 0
            let progress = SendProgress(total: queue.count)
            for (index, message) in queue.enumerated() {
                if index > 0, let rate { Thread.sleep(forTimeInterval: 60 / Double(rate)) }
                progress.show(index)
                guard let bytes = try? Files.read(message.path, what: "message"), SHA256.hex(bytes) == message.sha256 else {
                    try ledger.mark(message.id, .failed, answer: "its file \(message.path) is missing or changed since it was queued", on: today.date)
                    progress.clear()
                    say("failed: \(message.recipient) — its file \(message.path) is missing or changed since it was queued; "
                        + "run the command that made it again")
                    failed += 1
                    continue
                }
                try ledger.mark(message.id, .sending, answer: "", on: today.date)
                TestHook.pause(at: "message-sending")
                let result = program.deliver(bytes)
                progress.clear()
                switch result {
                case .delivered(let answer):
                    try ledger.mark(message.id, .sent, answer: answer, on: today.date)
                    sent += 1
                case .refused(let reason):
                    try ledger.mark(message.id, .failed, answer: reason, on: today.date)
                    say("failed: \(message.recipient) — \(reason)")
                    failed += 1
                case .timedOut(let reason):
                    try ledger.mark(message.id, .unknown, answer: reason, on: today.date)
                    say("unknown: \(message.recipient) — \(reason)")
                    unknown += 1
                }
            }
            progress.clear()
            return (sent, failed, unknown)
        }

        /// `--dry-run`: what would go, and what waits on the coordinator.
        private func list(_ scheme: SchemeFolder) throws {
            let ledger = try LedgerOptions.openExisting(scheme.ledger)
            var queue = try ledger.messages(in: [.pending, .failed], month: month)
            if let limit { queue = Array(queue.prefix(limit)) }
            for message in queue {
                say("would send: \(message.recipient) — \(message.subject) (\(message.origin)\(message.state == .failed ? ", failed before: \(message.answer)" : ""))")
            }
            for message in try ledger.messages(in: [.unknown, .sending], month: month) {
                say("unknown: \(message.recipient) — \(message.subject) (\(message.origin)): \(message.answer)")
            }
            say("\(plural(queue.count, "message")) would be sent; nothing was sent (--dry-run)")
        }
    }
}

/// A progress line on standard error while a batch is sent, when it is a terminal.
final class SendProgress {
    let total: Int
    let shown: Bool

    init(total: Int) {
        self.total = total
        shown = isatty(STDERR_FILENO) == 1 && total > 1
    }

    func show(_ done: Int) {
        guard shown else { return }
        let width = 30, filled = width * done / max(total, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\rtandem: sending [\(bar)] \(done)/\(total)".utf8))
    }

    func clear() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
