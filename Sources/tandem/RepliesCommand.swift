import ArgumentParser
import Foundation
import TandemCalendar
import TandemLedger
import TandemModel
import TandemScheduling

extension Tandem {
    /// `tandem replies PATH...`: the Accept / Decline answers participants' calendars sent to the scheme's mailbox.
    struct Replies: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the answers to proposals from calendar replies saved from the scheme's mailbox (.eml, .ics or mbox files).",
            discussion: """
                Save the replies from your mail client: one message as .eml (Thunderbird: File > Save As; Outlook on the web and \
                the new Outlook: Download / Save as), or a whole folder as mbox (Thunderbird's ImportExportTools, Gmail's Takeout). \
                Every answer is matched to its proposal by the invitation's UID and the person answering; what cannot be \
                recorded (an unknown invitation, someone not in the pair, an old or repeated answer) is listed and changes nothing. \
                Reading the same files again changes nothing more.
                """)

        @Argument(help: "Files holding the replies: .eml, .ics or mbox.")
        var paths: [String]

        @OptionGroup var changes: ChangeOutputOptions
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            if paths.isEmpty { throw ValidationError("give the files holding the replies (.eml, .ics or mbox)") }
        }

        func run() throws {
            try reporting {
                let read = ReplyFiles.read(paths)
                for problem in read.problems { printError("tandem: \(problem)") }
                let change = try changes.begin(name: { "\($0)-replies" }, ledger: ledger, scheme: scheme, today: today)
                defer { change.lock.release() }
                let config = change.scheme.config, day = change.day
                var written = 0, queued = 0
                let result = try change.ledger.recordReplies(read.replies, today: day) { confirmations, ending in
                    var files: [OutputFile] = [], queue: [QueuedMessage] = []
                    for (sessions, originals) in confirmations {
                        let made = confirmationFiles(sessions, originals: originals, config: config, day: day, folder: change.folder, origin: "replies")
                        files += made.files + made.mail
                        queue += made.queued
                        written += made.files.count
                    }
                    let made = dissolutionFiles(ending, config: config, day: day, folder: change.folder, origin: "replies", repaired: true)
                    files += made.files + made.mail
                    queue += made.queued
                    written += made.files.count
                    try Files.writeAtomically(files, to: change.folder)
                    TestHook.pause(at: "replies-inside-transaction")
                    queued = queue.count
                    return queue
                }
                say(ReplyFiles.summary(read, result))
                if written > 0 { say(sendHint(files: written, queued: queued, folder: change.folder)) }
                if !read.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }
}

/// Reading the files a coordinator saved, and telling what became of each reply.
enum ReplyFiles {
    struct Read {
        var replies: [IncomingReply] = []
        var files = 0
        var messages = 0
        /// Calendars that are not answers (the invitations themselves in a saved folder, say): counted only.
        var notReplies = 0
        /// Files that could not be read, named (the command then ends with status 1).
        var problems: [String] = []
        /// Messages or calendars inside a file that could not be read, named by file and message number.
        var unreadable: [String] = []
    }

    /// The largest file read (a mailbox of years of replies is far smaller).
    static let maximumBytes = 512 << 20

    static func read(_ paths: [String]) -> Read {
        var read = Read()
        for path in paths {
            let name = VisibleText.clean(path)
            if path.lowercased().hasSuffix(".msg") {
                read.problems.append("\(name): Outlook's .msg is Microsoft's own format, not a standard e-mail file. Save the reply as .eml "
                    + "instead (Outlook on the web or the new Outlook: open it, ... > Download / Save as; classic Outlook: forward it to a "
                    + "mailbox you read in Thunderbird and save it there), or give the attached invite.ics")
                continue
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            guard size <= maximumBytes else {
                read.problems.append("\(name): \(size >> 20) MB, more than the \(maximumBytes >> 20) MB read at once; split the mailbox")
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                read.problems.append(FileManager.default.fileExists(atPath: path) ? "\(name): cannot be read" : "\(name): no such file")
                continue
            }
            read.files += 1
            let contents = MailReader.read([UInt8](data))
            read.messages += contents.messages
            for (message, why) in contents.unreadable { read.unreadable.append("\(name), message \(message): \(why)") }
            var seen = Set<String>() // a message often holds its calendar twice (inline and attached): one reply
            for calendar in contents.calendars {
                let source = contents.messages > 1 ? "\(name), message \(calendar.message)" : name
                switch ReplyReader.replies(calendar.bytes, mimeMethod: calendar.mimeMethod) {
                case let .success(replies):
                    read.replies += replies.filter { seen.insert("\(calendar.message)|" + $0.identity).inserted }
                        .map { IncomingReply(reply: $0, source: source) }
                case .failure(.notAReply): read.notReplies += 1
                case let .failure(.unreadable(why)): read.unreadable.append("\(source): \(why)")
                }
            }
        }
        return read
    }

    /// What the coordinator reads: the counts, then each reply not recorded, by kind (at most `shown` of each).
    static func summary(_ read: Read, _ result: RepliesResult, shown: Int = 20) -> String {
        let recorded = result.outcomes.filter { $0.kind == .recorded }
        var lines = ["Read \(plural(read.files, "file")), \(plural(read.messages, "message")): \("\(read.replies.count) calendar \(read.replies.count == 1 ? "reply" : "replies")")"
            + (read.notReplies > 0 ? " (and \(plural(read.notReplies, "calendar")) that \(read.notReplies == 1 ? "is" : "are") not a reply, left alone)" : "")]
        lines.append("Recorded \(recorded.count): \(plural(result.accepted.count, "pair")) now \(result.accepted.count == 1 ? "stands" : "stand"), "
            + "\(result.declined.count) dissolved by a decline, \(result.tentative) tentative")
        for outcome in recorded { lines.append("  \(outcome.detail) (\(outcome.reply.source))") }
        if !read.unreadable.isEmpty {
            lines.append("Could not read \(plural(read.unreadable.count, "message")):")
            lines += read.unreadable.prefix(shown).map { "  " + $0 }
            if read.unreadable.count > shown { lines.append("  … and \(read.unreadable.count - shown) more") }
        }
        for kind in ReplyOutcome.Kind.allCases where kind != .recorded {
            let these = result.outcomes.filter { $0.kind == kind }
            guard !these.isEmpty else { continue }
            lines.append("Not recorded, \(title(kind)): \(these.count)")
            for outcome in these.prefix(shown) {
                lines.append("  \(outcome.reply.source): \(outcome.reply.reply.attendee) \(outcome.reply.reply.answer.lowercased()) — \(outcome.detail)")
            }
            if these.count > shown { lines.append("  … and \(these.count - shown) more") }
        }
        return lines.joined(separator: "\n")
    }

    static func title(_ kind: ReplyOutcome.Kind) -> String {
        switch kind {
        case .recorded: return "recorded"
        case .duplicate: return "the same reply again"
        case .superseded: return "a later answer of the same person counts"
        case .older: return "older than an answer already recorded"
        case .earlierVersion: return "an answer to an earlier version of the invitation"
        case .oneSession: return "an answer to one session only"
        case .alreadyDecided: return "the proposal was already decided"
        case .unknownInvitation: return "not an invitation of this scheme"
        case .notAnAttendee: return "not from a partner of the pair"
        case .otherAnswer: return "neither accept, decline nor tentative"
        }
    }
}
