import ArgumentParser
import Foundation
import TandemCalendar
import TandemLedger
import TandemModel

/// `--ledger PATH`, shared by every command that reads or writes the scheme's memory.
struct LedgerOptions: ParsableArguments {
    @Option(name: .long, help: "The scheme's ledger (SQLite); created on first use.")
    var ledger = "data/tandem.sqlite"

    func open() throws -> Ledger {
        do {
            return try Ledger(path: ledger)
        } catch {
            throw Failure(error.description)
        }
    }
}

/// `--out` and `--config`, shared by the commands that write cancellation calendars.
struct ChangeOutputOptions: ParsableArguments {
    @Option(name: .long, help: "Folder for the cancellation calendars.")
    var out: String?

    @Option(name: .long, help: "Scheme configuration (TOML), for the calendars' scheme name and domain.")
    var config: String?
}

/// `--today YYYY-MM-DD` (default: the machine's date): the only clock reading of the coordinator commands.
struct TodayOption: ParsableArguments {
    @Option(name: .long, help: "The date to act on, YYYY-MM-DD (default: today).")
    var today: String?

    func validate() throws {
        if let today, LocalDate(iso: today) == nil {
            throw ValidationError("--today must look like 2026-11-22, not '\(today)'")
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
        throw ExitCode(1)
    }
}

/// A folder name piece from an e-mail: lower-case letters, digits and hyphens.
func safeName(_ text: String) -> String {
    let mapped = text.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" }
    return String(mapped).split(separator: "-").joined(separator: "-")
}

/// Stages the cancellation calendars, lets the ledger commit around the swap, and says what happened.
private func endPairs(folder: String, config: SchemeConfig, today: LocalDate,
                      _ change: ((PairEnding) throws -> Void) throws -> PairEnding) throws {
    var written = 0
    let ending = try change { ending in
        guard !ending.cancelledSessions.isEmpty else { return }
        let changes = CalendarChanges.cancel(ending.cancelledSessions, config: config, stamp: today.startInstant)
        written = changes.files.count
        try Files.writeAtomically(changes.files, to: folder)
    }
    for pair in ending.endedPairs {
        print("Ended: \(pair.seniorName) <\(pair.seniorEmail)> mentoring \(pair.juniorName) <\(pair.juniorEmail)> (from \(pair.monthFormed))")
    }
    if ending.endedPairs.isEmpty { print("No running pair to end.") }
    if written > 0 {
        print("Cancelled \(ending.cancelledSessions.count) sessions: send the \(written) calendar files in \(folder)/ to the people concerned")
    }
    if !ending.freedPartners.isEmpty {
        print("Back in the pool for the next run: \(ending.freedPartners.joined(separator: ", "))")
    }
}

extension Tandem {
    /// `tandem status`: what a coordinator asks first.
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Running pairs, who is waiting and for how long, and the seniors' free places.")

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var today: TodayOption

        @Option(name: .long, help: "Scheme configuration (TOML), for the waiting target.")
        var config: String?

        func run() throws {
            try reporting {
                let config = try Files.config(config)
                let report = try ledger.open().status(today: today.date, targetMonths: config.matching.waitingTargetMonths,
                                                         minimumSeniorYears: config.matching.minimumSeniorYears)
                print(report.render(), terminator: "")
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
            Cancellation calendars go to reports/changes/YYYY-MM-DD-withdraw-<email>/ unless --out says otherwise.
            """)

        @Argument(help: "The person's e-mail address.")
        var email: String

        @Option(name: .long, help: "Why, for the record.")
        var note = ""

        @OptionGroup var changes: ChangeOutputOptions

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var today: TodayOption

        func run() throws {
            try reporting {
                let config = try Files.config(changes.config)
                let day = today.date
                let folder = changes.out ?? "reports/changes/\(day)-withdraw-\(safeName(email))"
                let ledger = try ledger.open()
                try endPairs(folder: folder, config: config, today: day) { write in
                    try ledger.withdraw(email: email, today: day, note: note, beforeCommit: write)
                }
                print("\(email) withdrew on \(day); they will not be paired again unless they apply anew")
            }
        }
    }

    /// `tandem end-pair SENIOR JUNIOR --reason TEXT`.
    struct EndPair: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end-pair",
            abstract: "End a pair early: cancel its remaining sessions; the two are never proposed together again.")

        @Argument(help: "The senior partner's e-mail.")
        var senior: String

        @Argument(help: "The junior partner's e-mail.")
        var junior: String

        @Option(name: .long, help: "Why the pair ended (kept in the ledger).")
        var reason: String

        @OptionGroup var changes: ChangeOutputOptions

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why the pair ended") }
        }

        func run() throws {
            try reporting {
                let config = try Files.config(changes.config)
                let day = today.date
                let folder = changes.out ?? "reports/changes/\(day)-end-pair-\(safeName(senior))-\(safeName(junior))"
                let ledger = try ledger.open()
                try endPairs(folder: folder, config: config, today: day) { write in
                    try ledger.endPair(senior: senior, junior: junior, reason: reason, today: day, beforeCommit: write)
                }
            }
        }
    }

    /// `tandem history EMAIL`.
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Everything the ledger holds on one person: responses, runs, pairs and sessions.")

        @Argument(help: "The person's e-mail address.")
        var email: String

        @OptionGroup var ledger: LedgerOptions

        func run() throws {
            try reporting {
                print(try ledger.open().history(email: email), terminator: "")
            }
        }
    }
}
