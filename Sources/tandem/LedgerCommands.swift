import ArgumentParser
import Foundation
import TandemCalendar
import TandemLedger
import TandemModel
import TandemScheduling

/// `--ledger PATH`, shared by every command that reads or writes the scheme's memory.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The scheme's ledger (SQLite; default: the scheme folder's, else data/tandem.sqlite); `tandem run` creates it when it records the first month.")
    var ledger: String?

    /// The ledger, which must exist: a mistyped path is an error, never a new empty ledger that a
    /// later run would take for a new scheme.
    /// Anything but a Tandem ledger of a version this one knows is refused before a byte is written (`LedgerFile`).
    static func openExisting(_ path: String) throws -> Ledger {
        guard FileManager.default.fileExists(atPath: path) else {
            throw Failure("the ledger '\(path)' does not exist; check the path (--ledger or the scheme folder), or record a first month with tandem run")
        }
        do {
            return try Ledger(existing: path)
        } catch {
            throw Failure(error.description)
        }
    }

    /// The ledger `tandem run` reads now and records into later, made only when it records (and only
    /// where no file is: an empty or foreign file is refused, never taken for a new scheme).
    static func openOrPlan(_ path: String) throws -> PlannedLedger {
        !FileManager.default.fileExists(atPath: path) ? PlannedLedger(path: path) : PlannedLedger(existing: try openExisting(path))
    }
}

extension SchemeFolder {
    /// For a command that changes the ledger: takes the ledger's lock (`LedgerLock`) for the rest of
    /// the command, then removes what commands that stopped part-way left in the reports' folders.
    func lockForChange() throws -> LedgerLock {
        let command = (["tandem"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let lock = try LedgerLock.acquire(for: ledger, command: VisibleText.clean(String(command.prefix(200))))
        cleanLeftovers()
        return lock
    }

    /// Removes the hidden working folders of commands that stopped part-way (`Files.cleanLeftovers`),
    /// saying so; any command of the scheme does it, since none of them can be in use.
    func cleanLeftovers() {
        for folder in [reports, reports + "/changes"] {
            for path in Files.cleanLeftovers(in: folder) {
                printError("tandem: removed what an earlier command that stopped part-way left behind: \(path)")
            }
        }
    }
}

/// A run's ledger: the existing one, or, for a first month, an empty one in memory until the month is
/// recorded. A run that fails before recording leaves no ledger file behind.
final class PlannedLedger {
    let path: String
    private var ledger: Ledger?
    private var created = false

    init(existing: Ledger) {
        path = existing.path
        ledger = existing
    }

    init(path: String) { self.path = path }

    /// The ledger as it is before this run, if there is one.
    var existing: Ledger? { created ? nil : ledger }

    func snapshot(before month: YearMonth, force: Bool) throws(LedgerError) -> LedgerSnapshot {
        if let ledger { return try ledger.snapshot(before: month, force: force) }
        return try Ledger.inMemory().snapshot(before: month, force: force)
    }

    /// The ledger to record into, created on disk if it is the first month.
    func forRecording() throws(LedgerError) -> Ledger {
        if let ledger { return ledger }
        let made = try Ledger.create(at: path)
        created = true
        ledger = made
        return made
    }

    /// Removes a ledger this run created, when recording into it failed (it holds nothing).
    func discardIfNew() {
        guard created else { return }
        ledger = nil
        for suffix in ["", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// `--out` and `--config`, shared by the commands that write cancellation calendars.
struct ChangeOutputOptions: ParsableArguments {
    @Option(name: .long, help: "A new folder for the calendars it writes (it must not exist yet; default: a new one under reports/changes/).")
    var out: String?

    @Option(name: .long, help: "Scheme configuration (TOML), for the calendars' scheme name and domain.")
    var config: String?

    /// What a command that changes the ledger and writes calendars does first, in this order: find the
    /// scheme, check its new folder (named from the day by `name`), take the ledger's lock, open the ledger.
    func begin(name: (LocalDate) -> String, ledger: LedgerOptions, scheme: SchemeOptions, today: TodayOption) throws -> Change {
        let found = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: config, ledgerFlag: ledger.ledger)
        let day = today.date
        let folder = try self.folder(defaultName: name(day), scheme: found)
        let lock = try found.lockForChange()
        return Change(scheme: found, day: day, folder: folder, lock: lock, ledger: try LedgerOptions.openExisting(found.ledger))
    }

    /// A change under way: release `lock` when done.
    struct Change {
        let scheme: SchemeFolder
        let day: LocalDate
        let folder: String
        let lock: LedgerLock
        let ledger: Ledger
    }

    /// The folder for this change's calendars, checked before the ledger changes: `--out`, which must
    /// be new, or a new folder named after `defaultName` under the reports' changes/ (never an existing one).
    func folder(defaultName: String, scheme: SchemeFolder) throws -> String {
        let folder = out ?? OutputFolder.fresh("\(scheme.reports)/changes/\(defaultName)")
        var inputs = [("ledger", scheme.ledger)]
        if let config = scheme.configPath { inputs.append(("configuration", config)) }
        _ = try OutputFolder.checked(folder, inputs: inputs, use: .createOnly)
        return folder
    }
}

/// `--month YYYY-MM`, within the years Tandem's calendars and dates are made for.
func validateMonth(_ month: String?) throws {
    guard let month else { return }
    guard let parsed = YearMonth(month) else { throw ValidationError("--month must look like 2026-12, not '\(month)'") }
    guard YearMonth.supportedYears.contains(parsed.year) else {
        throw ValidationError("--month must be a month from \(YearMonth.supportedYears.lowerBound)-01 to \(YearMonth.supportedYears.upperBound)-12, not '\(month)'")
    }
}

/// `--today YYYY-MM-DD` (default: the machine's date): the only clock reading of the coordinator commands.
struct TodayOption: ParsableArguments {
    @Option(name: .long, help: "The date to act on, YYYY-MM-DD (default: today).")
    var today: String?

    func validate() throws {
        guard let today else { return }
        guard let date = LocalDate(iso: today) else { throw ValidationError("--today must look like 2026-11-22, not '\(today)'") }
        guard YearMonth.supportedYears.contains(date.year) else {
            throw ValidationError("--today must be a date from \(YearMonth.supportedYears.lowerBound)-01-01 to \(YearMonth.supportedYears.upperBound)-12-31, not '\(today)'")
        }
    }

    var date: LocalDate {
        if let today, let date = LocalDate(iso: today) { return date }
        let now = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        return LocalDate(year: now.year!, month: now.month!, day: now.day!)
    }
}

/// Runs `body`, printing a `Failure` or ledger error as one line with exit status 1; every command's `run` goes through it.
func reporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let failure as Failure {
        printError("tandem: error: \(failure)")
        throw ExitCode(1)
    } catch let error as LedgerError {
        printError("tandem: error: \(error)")
        if let detail = error.detail, ProcessInfo.processInfo.environment["TANDEM_DEBUG"] != nil {
            printError("tandem: debug: \(detail)")
        }
        throw ExitCode(1)
    }
}

/// A folder name piece from an e-mail: lower-case letters, digits and hyphens, at most 60 of them
/// (a folder name may not pass 255 bytes, and an address may be 254).
func safeName(_ text: String) -> String {
    let mapped = text.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" }
    return String(String(mapped).split(separator: "-").joined(separator: "-").prefix(60))
}

/// Stages the cancellation calendars, lets the ledger commit around the swap, and says what happened.
private func endPairs(folder: String, config: SchemeConfig, today: LocalDate, origin: String,
                      _ change: ((PairEnding) throws -> [QueuedMessage]) throws -> PairEnding) throws {
    var written = 0, queued = 0
    let ending = try change { ending in
        let mail = try dissolve(ending, config: config, day: today, folder: folder, origin: origin)
        (written, queued) = (mail.written, mail.queued.count)
        return mail.queued
    }
    for pair in ending.endedPairs {
        say("Ended: \(pair.seniorName) <\(pair.seniorEmail)> mentoring \(pair.juniorName) <\(pair.juniorEmail)> (from \(pair.monthFormed))")
    }
    if ending.endedPairs.isEmpty { say("No running pair to end.") }
    if written > 0 {
        say("Cancelled \(ending.cancelledSessions.count) sessions: " + sendHint(files: written, queued: queued, folder: folder))
    }
    if !ending.freedPartners.isEmpty {
        say("Back in the pool for the next run: \(ending.freedPartners.joined(separator: ", "))")
    }
}

extension Tandem {
    /// `tandem status`: what a coordinator asks first.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Running pairs, who is waiting and for how long, and the seniors' free places.")

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var today: TodayOption

        @Option(name: .long, help: "Scheme configuration (TOML), for the waiting target (default: the scheme folder's).")
        var config: String?

        @OptionGroup var scheme: SchemeOptions

        func run() throws {
            try reporting {
                let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: config, ledgerFlag: ledger.ledger)
                scheme.cleanLeftovers()
                let matching = scheme.config.matching
                let ledger = try LedgerOptions.openExisting(scheme.ledger)
                let report = try ledger.status(
                    today: today.date, targetMonths: matching.waitingTargetMonths, minimumSeniorYears: matching.minimumSeniorYears)
                say(report.render(), terminator: "")
                try sayProposals(ledger, today: today.date)
                let outbox = try ledger.outboxCounts()
                let waiting = [("pending", outbox[.pending] ?? 0), ("failed", outbox[.failed] ?? 0),
                               ("unknown: ask whether they arrived", (outbox[.unknown] ?? 0) + (outbox[.sending] ?? 0))].filter { $0.1 > 0 }
                if !waiting.isEmpty {
                    say("\nE-mail not yet sent: " + waiting.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + " (tandem send)")
                } else if (outbox[.sent] ?? 0) > 0 {
                    say("\nE-mail: all \(outbox[.sent] ?? 0) queued messages sent")
                }
            }
        }
    }

    /// `tandem withdraw EMAIL`: someone leaves the scheme.
    struct Withdraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a person: end their pairs, cancel their remaining sessions, free their partners.",
            discussion: """
            A withdrawn person is left out of later runs, however often their old response is in the export;
            a new response dated after the withdrawal counts as applying anew (waiting counts from it).
            Cancellation calendars go to a new folder, REPORTS/changes/YYYY-MM-DD-withdraw-<email>/ (REPORTS: the scheme's reports folder) unless --out names another new one.
            """)

        @Argument(help: "The person's e-mail address.")
        var email: String

        @Option(name: .long, help: "Why, for the record.")
        var note = ""

        @OptionGroup var changes: ChangeOutputOptions

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func run() throws {
            try reporting {
                let change = try changes.begin(name: { "\($0)-withdraw-\(safeName(email))" }, ledger: ledger, scheme: scheme, today: today)
                defer { change.lock.release() }
                try endPairs(folder: change.folder, config: change.scheme.config, today: change.day, origin: "withdraw") { write in
                    try change.ledger.withdraw(email: email, today: change.day, note: note, beforeCommit: write)
                }
                say("\(email) withdrew on \(change.day); they will not be paired again unless they apply anew")
            }
        }
    }

    /// `tandem end-pair SENIOR JUNIOR --reason TEXT`.
    struct EndPair: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end-pair",
            abstract: "End a pair early: cancel its remaining sessions; the two are never proposed together again.")

        @OptionGroup var pair: PairChoice

        @Option(name: .long, help: "Why the pair ended (kept in the ledger).")
        var reason: String

        @OptionGroup var changes: ChangeOutputOptions

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why the pair ended") }
        }

        func run() throws {
            try reporting {
                let change = try changes.begin(name: { "\($0)-end-pair-\(pair.folderName)" }, ledger: ledger, scheme: scheme, today: today)
                defer { change.lock.release() }
                try endPairs(folder: change.folder, config: change.scheme.config, today: change.day, origin: "end-pair") { write in
                    try change.ledger.endPair(senior: pair.senior, junior: pair.junior, reason: reason, today: change.day, beforeCommit: write)
                }
            }
        }
    }

    /// `tandem history EMAIL`.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything the ledger holds on one person: responses, runs, pairs and sessions.")

        /// Taken as given even when it starts with "-" (a valid e-mail can), which the parser would
        /// otherwise read as an unknown option.
        @Argument(parsing: .allUnrecognized, help: "The person's e-mail address.")
        var emails: [String] = []

        func validate() throws {
            if emails.count != 1 { throw ValidationError("give one e-mail address") }
        }

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions

        func run() throws {
            try reporting {
                let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: nil, ledgerFlag: ledger.ledger)
                scheme.cleanLeftovers()
                say(try LedgerOptions.openExisting(scheme.ledger).history(email: emails[0]), terminator: "")
            }
        }
    }
}

/// The messages a change command queues for `tandem send` when the scheme has a `[mail]` table: their
/// files (under the change's `outbox/`) and the ledger's records of them. None without it.
func changeMessages(_ sessions: [ScheduledSession], kind: Outbox.Kind, config: SchemeConfig, day: LocalDate, folder: String,
                    origin: String, earlier: [String: ScheduledSession] = [:]) -> (files: [OutputFile], queued: [QueuedMessage]) {
    guard config.mail != nil, !sessions.isEmpty else { return ([], []) }
    let messages = Outbox.messages(for: sessions, kind: kind, config: config, stamp: day.startInstant, date: day.startInstant,
                                   earlier: earlier)
    return outboxFiles(messages, folder: folder, origin: origin, day: day)
}

/// The files of a change's `messages` (under its folder's `outbox/`) and the ledger's records of them.
func outboxFiles(_ messages: [OutgoingMessage], folder: String, origin: String, day: LocalDate) -> (files: [OutputFile], queued: [QueuedMessage]) {
    let month = "\(YearMonth(year: day.year, month: day.month))"
    return (messages.map { OutputFile(path: $0.path, contents: $0.bytes) },
            messages.map { QueuedMessage($0, folder: OutputFolder.absolute(folder), origin: "\(origin) \(day)", month: month) })
}

/// What the coordinator does next with a change's files: `tandem send` when messages were queued.
func sendHint(files: Int, queued: Int, folder: String) -> String {
    queued > 0 ? "\(plural(queued, "message")) queued: tandem send delivers \(queued == 1 ? "it" : "them") (\(plural(files, "calendar file")) in \(folder)/)"
        : "send the \(files) calendar files in \(folder)/ to the people concerned"
}

/// `tandem status`'s lines on proposals ([acceptance] on): those waiting, overdue first, and those declined or expired.
private func sayProposals(_ ledger: Ledger, today: LocalDate) throws {
    let waiting = try ledger.proposals(in: ["proposed"]), ended = try ledger.proposals(in: ["declined", "expired"])
    let accepted = try ledger.proposals(in: ["accepted"]).count
    guard !waiting.isEmpty || !ended.isEmpty || accepted > 0 else { return }
    say("\nProposals waiting for an answer: \(waiting.count) (accepted so far: \(accepted))")
    for proposal in waiting {
        let days = (LocalDate(iso: proposal.deadline)?.daysSinceEpoch ?? today.daysSinceEpoch) - today.daysSinceEpoch
        say("  \(proposal.seniorName) <\(proposal.seniorEmail)> and \(proposal.juniorName) <\(proposal.juniorEmail)>: waiting for "
            + proposal.waitingFor.joined(separator: " and ") + " — "
            + (days < 0 ? "OVERDUE by \(-days) days (deadline \(proposal.deadline)); the next run dissolves it" : "\(days) days left (deadline \(proposal.deadline))"))
    }
    if !ended.isEmpty {
        say("Declined or expired: \(ended.count)")
        for proposal in ended {
            say("  \(proposal.seniorName) and \(proposal.juniorName), \(proposal.state) on \(proposal.decidedOn ?? "?"): \(proposal.reason ?? "")")
        }
    }
}
