import ArgumentParser
import Foundation
import TandemCalendar
import TandemLedger
import TandemModel

/// SENIOR JUNIOR: one pair, shared by the commands that act on a pair or on one of its sessions.
struct PairChoice: ParsableArguments {
    @Argument(help: "The senior partner's e-mail.")
    var senior: String

    @Argument(help: "The junior partner's e-mail.")
    var junior: String

    /// The pair in a folder name: "ann-example-org-ben-example-org".
    var folderName: String { "\(safeName(senior))-\(safeName(junior))" }
}

/// SENIOR JUNIOR --session N: one session of one pair, shared by the commands that act on a session.
struct SessionChoice: ParsableArguments {
    @OptionGroup var pair: PairChoice

    var senior: String { pair.senior }
    var junior: String { pair.junior }

    @Option(name: .long, help: "The session's number in the pair's plan, from 1 (see tandem history EMAIL).")
    var session: Int

    func validate() throws {
        if session < 1 { throw ValidationError("--session is a session's number, from 1") }
    }
}

extension Tandem {
    /// `tandem cancel-session SENIOR JUNIOR --session N --reason TEXT`.
    struct CancelSession: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel-session",
            abstract: "Cancel one session of a pair (the others stand): a cancellation calendar for both partners.")

        @OptionGroup var choice: SessionChoice

        @Option(name: .long, help: "Why (kept in the ledger and shown in tandem history).")
        var reason: String

        @OptionGroup var changes: ChangeOutputOptions
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why the session is cancelled") }
        }

        func run() throws {
            try reporting {
                let change = try changes.begin(name: { "\($0)-cancel-session-\(choice.session)-\(choice.pair.folderName)" },
                                               ledger: ledger, scheme: scheme, today: today)
                defer { change.lock.release() }
                var written = 0
                let session = try change.ledger.cancelSession(senior: choice.senior, junior: choice.junior, number: choice.session,
                                                              reason: reason, today: change.day) { session in
                    let cancellation = CalendarChanges.cancel([session], config: change.scheme.config, stamp: change.day.startInstant)
                    written = cancellation.files.count
                    try Files.writeAtomically(cancellation.files, to: change.folder)
                }
                say("Cancelled session \(session.number) of \(session.count), \(formatInstant(session.start, zone: session.timeZone)), "
                    + "of \(session.senior.name) and \(session.junior.name); the other sessions stand")
                say("Send the \(written) calendar files in \(change.folder)/ to the people concerned")
            }
        }
    }

    /// `tandem held SENIOR JUNIOR --session N`.
    struct Held: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a session took place (a past session with nothing recorded counts as held).")

        @OptionGroup var choice: SessionChoice
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func run() throws {
            try reporting { try record(outcome: "held", note: "", choice: choice, ledger: ledger, scheme: scheme, today: today) }
        }
    }

    /// `tandem missed SENIOR JUNIOR --session N [--reason TEXT]`.
    struct Missed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a session did not take place (it then does not count towards the CPD record).")

        @OptionGroup var choice: SessionChoice

        @Option(name: .long, help: "Why, for the record.")
        var reason = ""

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func run() throws {
            try reporting { try record(outcome: "missed", note: reason, choice: choice, ledger: ledger, scheme: scheme, today: today) }
        }
    }
}

/// Records `held` or `missed` and says what changed.
private func record(outcome: String, note: String, choice: SessionChoice, ledger: LedgerOptions, scheme: SchemeOptions,
                    today: TodayOption) throws {
    let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: nil, ledgerFlag: ledger.ledger)
    let lock = try scheme.lockForChange()
    defer { lock.release() }
    let earlier = try LedgerOptions.openExisting(scheme.ledger).recordOutcome(
        senior: choice.senior, junior: choice.junior, number: choice.session, outcome: outcome, note: note, today: today.date)
    say("Session \(choice.session) of \(choice.senior) and \(choice.junior): \(outcome)"
        + (earlier.map { $0 == outcome ? " (it was already)" : " (it had been recorded as \($0))" } ?? ""))
}

extension Tandem {
    /// `tandem cpd EMAIL [--from DATE] [--to DATE] [--out DIR]`.
    struct CPD: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cpd",
            abstract: "Write a person's CPD record of their mentoring: a printable page and a CSV row per session.",
            discussion: """
            Each pair the person was in is an activity (as mentor or mentee), with each session's date and time in their own
            zone, its length and whether it was held, missed or cancelled; the hours held; their hopes from the form; and blank
            fields for the reflection an auditor asks for. Written to a new folder, REPORTS/cpd/YYYY-MM-DD-<email>/ unless --out
            names another new one.
            """)

        @Argument(help: "The person's e-mail address.")
        var email: String

        @Option(name: .long, help: "Only sessions on or after this date, YYYY-MM-DD.")
        var from: String?

        @Option(name: .long, help: "Only sessions on or before this date, YYYY-MM-DD.")
        var to: String?

        @Option(name: .long, help: "A new folder for the record (it must not exist yet).")
        var out: String?

        @Option(name: .long, help: "Scheme configuration (TOML), for the scheme's and the coordinator's names.")
        var config: String?

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            for (flag, value) in [("--from", from), ("--to", to)] {
                if let value, LocalDate(iso: value) == nil { throw ValidationError("\(flag) must look like 2027-01-31, not '\(value)'") }
            }
        }

        func run() throws {
            try reporting {
                let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: config, ledgerFlag: ledger.ledger)
                let folder = out ?? OutputFolder.fresh("\(scheme.reports)/cpd/\(today.date)-\(safeName(email))")
                var inputs = [("ledger", scheme.ledger)]
                if let configPath = scheme.configPath { inputs.append(("configuration", configPath)) }
                _ = try OutputFolder.checked(folder, inputs: inputs, use: .createOnly)
                scheme.cleanLeftovers()
                let record = try LedgerOptions.openExisting(scheme.ledger).cpdRecord(
                    email: email, from: from.flatMap(LocalDate.init(iso:)), to: to.flatMap(LocalDate.init(iso:)), today: today.date,
                    config: scheme.config)
                let base = safeName(record.email)
                try Files.writeAtomically([OutputFile(path: "cpd-\(base).html", text: record.html()),
                                           OutputFile(path: "cpd-\(base).csv", contents: record.csv())], to: folder)
                let minutes = record.activities.map(\.minutesHeld).reduce(0, +)
                say("Wrote the CPD record of \(record.name) to \(folder)/: \(plural(record.activities.count, "pair")), "
                    + "\(minutes / 60) h \(minutes % 60) min held")
            }
        }
    }
}

extension Tandem {
    /// `tandem objectives SENIOR JUNIOR --text TEXT`.
    struct Objectives: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the objectives a pair agreed (session 2), for both partners' CPD records.")

        @OptionGroup var pair: PairChoice

        @Option(name: .long, help: "The objectives, as the pair wrote them (replaces any recorded before).")
        var text: String

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--text must give the objectives") }
            if text.count > 5_000 { throw ValidationError("--text is \(text.count) characters; keep the objectives to 5,000") }
        }

        func run() throws {
            try reporting {
                let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: nil, ledgerFlag: ledger.ledger)
                let lock = try scheme.lockForChange()
                defer { lock.release() }
                try LedgerOptions.openExisting(scheme.ledger).recordObjectives(senior: pair.senior, junior: pair.junior, text: text,
                                                                                today: today.date)
                say("Recorded the objectives of \(pair.senior) and \(pair.junior); they appear in both partners' CPD records")
            }
        }
    }
}
