import ArgumentParser
import Foundation
import TandemCalendar
import TandemIngest
import TandemLedger
import TandemModel
import TandemScheduling

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
                var written = 0, queued = 0
                let config = change.scheme.config
                let series = try change.ledger.seriesForm(senior: choice.senior, junior: choice.junior)
                let session = try change.ledger.cancelSession(senior: choice.senior, junior: choice.junior, number: choice.session,
                                                              reason: reason, today: change.day) { session in
                    var cancelled = session
                    cancelled.sequence += 1
                    let made = sessionChangeFiles(cancelled, earlier: nil, series: series, config: config, day: change.day,
                                                  folder: change.folder, origin: "cancel-session")
                    (written, queued) = (made.files.count, made.queued.count)
                    try Files.writeAtomically(made.files + made.mail, to: change.folder)
                    return made.queued
                }
                say("Cancelled session \(session.number) of \(session.count), \(formatInstant(session.start, zone: session.timeZone)), "
                    + "of \(session.senior.name) and \(session.junior.name); the other sessions stand")
                say(sendHint(files: written, queued: queued, folder: change.folder).capitalisedFirst)
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
    /// `tandem objectives SENIOR JUNIOR --text TEXT`, or `tandem objectives --csv FILE`.
    struct Objectives: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the objectives pairs agreed (session 2), for both partners' CPD records.",
            discussion: """
            One pair: tandem objectives SENIOR JUNIOR --text TEXT. Many: tandem objectives --csv FILE, a CSV with the \
            columns senior,junior,objectives (a header line first, as a spreadsheet saves it); every line is checked first, \
            and nothing is recorded unless every line can be. Either replaces any objectives recorded before.
            """)

        @Argument(help: "The senior partner's e-mail (without --csv).")
        var senior: String?

        @Argument(help: "The junior partner's e-mail (without --csv).")
        var junior: String?

        @Option(name: .long, help: "The objectives, as the pair wrote them.")
        var text: String?

        @Option(name: .long, help: "A CSV file with the columns senior,junior,objectives: many pairs at once.")
        var csv: String?

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            if let csv {
                if senior != nil || text != nil { throw ValidationError("give either --csv \(csv) or SENIOR JUNIOR --text TEXT, not both") }
                return
            }
            guard senior != nil, junior != nil, let text else {
                throw ValidationError("give SENIOR JUNIOR --text TEXT for one pair, or --csv FILE for many")
            }
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("--text must give the objectives") }
            if text.count > AnswerLimits.long { throw ValidationError("--text is \(text.count) characters; keep the objectives to 5,000") }
        }

        func run() throws {
            try reporting {
                let entries: [AgreedObjectives]
                if let csv {
                    let (read, problems) = ObjectivesFile.read(String(decoding: try Files.read(csv, what: "objectives file"), as: UTF8.self),
                                                               file: csv)
                    guard problems.isEmpty else {
                        throw Failure("nothing was recorded: correct \(plural(problems.count, "line")) of \(csv) and run again\n"
                                      + problems.map { "  \($0.description)" }.joined(separator: "\n"))
                    }
                    entries = read
                } else {
                    entries = [AgreedObjectives(senior: senior ?? "", junior: junior ?? "", text: text ?? "")]
                }
                let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: nil, ledgerFlag: ledger.ledger)
                let lock = try scheme.lockForChange()
                defer { lock.release() }
                try LedgerOptions.openExisting(scheme.ledger).recordObjectives(entries, today: today.date)
                if let only = entries.first, entries.count == 1 {
                    say("Recorded the objectives of \(only.senior) and \(only.junior); they appear in both partners' CPD records")
                } else {
                    say("Recorded the objectives of \(plural(entries.count, "pair")); they appear in both partners' CPD records")
                }
            }
        }
    }
}

extension Tandem {
    /// `tandem move SENIOR JUNIOR --session N (--to "YYYY-MM-DD HH:MM" [--zone ZONE] | --next-free)`.
    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move one session of a pair to another time (the others stand): an update for both partners' calendars.",
            discussion: """
            The new time must be inside both partners' hours (each in their own zone), on no bank holiday or blackout date, \
            over no other session of either partner, and between the pair's sessions before and after it. The update keeps \
            the event's UID and raises its SEQUENCE, so each calendar replaces the old time. --next-free lists the first \
            times that keep every rule, in both partners' zones.
            """)

        @OptionGroup var choice: SessionChoice

        @Option(name: .long, help: "The new start, \"YYYY-MM-DD HH:MM\", in --zone.")
        var to: String?

        @Option(name: .long, help: "The time zone --to is in (default: the zone the pair's sessions are set in, the senior's).")
        var zone: String?

        @Flag(name: .long, help: "List the first times the session could move to, and change nothing.")
        var nextFree = false

        @Option(name: .long, help: "Why, for the record (shown in tandem history).")
        var reason = ""

        @OptionGroup var changes: ChangeOutputOptions
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            guard (to == nil) != !nextFree else { throw ValidationError("give either --to \"YYYY-MM-DD HH:MM\" or --next-free") }
            if let to, Self.parse(to) == nil {
                throw ValidationError("--to must look like \"2027-03-09 18:00\" (a date and a 24-hour time), not '\(to)'")
            }
        }

        /// "2027-03-09 18:00" → the date and minutes after midnight.
        static func parse(_ text: String) -> (date: LocalDate, minute: Int)? {
            let parts = text.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let date = LocalDate(iso: String(parts[0])), YearMonth.supportedYears.contains(date.year) else { return nil }
            let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard clock.count == 2, clock.allSatisfy({ $0.count == 2 }), let h = Int(clock[0]), let m = Int(clock[1]),
                  (0..<24).contains(h), (0..<60).contains(m) else { return nil }
            return (date, h * 60 + m)
        }

        func run() throws {
            try reporting { nextFree ? try listFreeTimes() : try move() }
        }

        private func listFreeTimes() throws {
            let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: changes.config, ledgerFlag: ledger.ledger)
            let rules = try LedgerOptions.openExisting(scheme.ledger).moveRules(
                senior: choice.senior, junior: choice.junior, number: choice.session, today: today.date, config: scheme.config)
            let times = rules.nextFree(count: 5, stepMinutes: scheme.config.sessions.startStepMinutes)
            let session = rules.session
            say("Session \(session.number) of \(session.count) of \(session.senior.name) and \(session.junior.name) is on "
                + Self.inBothZones(session.start, session.end, rules))
            guard !times.isEmpty else {
                say("No time keeps every rule before the next session (or within 90 days); cancel it with tandem cancel-session instead")
                return
            }
            say("It could move to:")
            for start in times {
                say("  --to \"\(formatInstant(start, zone: session.timeZone).dropLast(session.timeZone.count + 1))\": "
                    + Self.inBothZones(start, start + session.end - session.start, rules))
            }
        }

        private func move() throws {
            let change = try changes.begin(name: { "\($0)-move-session-\(choice.session)-\(choice.pair.folderName)" },
                                           ledger: ledger, scheme: scheme, today: today)
            defer { change.lock.release() }
            let config = change.scheme.config
            let rules = try change.ledger.moveRules(senior: choice.senior, junior: choice.junior, number: choice.session,
                                                   today: change.day, config: config)
            let zone = zone ?? rules.session.timeZone
            guard let to, let (date, minute) = Self.parse(to) else { return }
            let newStart: Int64
            switch TypedLocalTime.read(date: date, minute: minute, zone: zone) {
            case nil: throw Failure("--zone '\(zone)' is not a time zone Tandem knows; use an IANA name such as Europe/London")
            case .doesNotExist?: throw Failure("\(to) does not exist in \(zone): the clocks go forward over it that night; choose another time")
            case .happensTwice?: throw Failure("\(to) happens twice in \(zone): the clocks go back over it that night; choose another time")
            case .instant(let instant)?: newStart = instant
            }
            var written = 0, queued = 0
            let series = try change.ledger.seriesForm(senior: choice.senior, junior: choice.junior)
            let (before, after) = try change.ledger.moveSession(
                senior: choice.senior, junior: choice.junior, number: choice.session, to: newStart, note: reason, today: change.day,
                config: config) { session in
                let made = sessionChangeFiles(session.moved(toStart: newStart), earlier: session, series: series, config: config,
                                              day: change.day, folder: change.folder, origin: "move")
                (written, queued) = (made.files.count, made.queued.count)
                try Files.writeAtomically(made.files + made.mail, to: change.folder)
                return made.queued
            }
            say("Moved session \(before.number) of \(before.count) of \(before.senior.name) and \(before.junior.name) "
                + "from \(Self.inBothZones(before.start, before.end, rules)) to \(Self.inBothZones(after.start, after.end, rules)); "
                + "the other sessions stand")
            say(sendHint(files: written, queued: queued, folder: change.folder).capitalisedFirst)
        }

        /// The times in the senior's zone, and in the junior's where it differs.
        static func inBothZones(_ start: Int64, _ end: Int64, _ rules: SessionMoveRules) -> String {
            let zones = [rules.senior.timeZone, rules.junior.timeZone]
            if zones[0] == zones[1] { return SessionMoveRules.when(start, end, zones[0]) }
            let texts = zones.map { SessionMoveRules.when(start, end, $0).dropLast($0.count + 3) }
            if texts[0] == texts[1] { return "\(texts[0]) (\(zones[0]), \(zones[1]))" } // two zones, one clock
            return "\(SessionMoveRules.when(start, end, zones[0])) for \(rules.senior.name), "
                + "\(SessionMoveRules.when(start, end, zones[1])) for \(rules.junior.name)"
        }
    }
}

extension String {
    /// The text with its first letter in capitals: a hint that starts a sentence.
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// The files and messages of one session moved (`earlier` is where it was) or cancelled (`earlier`
/// nil), `session` as it now is. A pair sent as separate events gets that event again (PUBLISH update
/// or CANCEL); a pair sent as one series gets the override of that session (REQUEST, or CANCEL with
/// its RECURRENCE-ID), which the clients holding the series understand.
func sessionChangeFiles(_ session: ScheduledSession, earlier: ScheduledSession?, series: SeriesForm?, config: SchemeConfig, day: LocalDate,
                        folder: String, origin: String) -> (files: [OutputFile], mail: [OutputFile], queued: [QueuedMessage]) {
    guard let series else {
        let files = earlier == nil
            ? CalendarChanges.cancellationFiles([session], config: config, stamp: day.startInstant)
            : CalendarChanges.updateFiles([session], config: config, stamp: day.startInstant)
        let mail = changeMessages([session], kind: earlier == nil ? .cancellation : .update, config: config, day: day, folder: folder,
                                  origin: origin, earlier: earlier.map { [$0.uid: $0] } ?? [:])
        return (files, mail.files, mail.queued)
    }
    let original = series.originals[session.uid] ?? earlier?.start ?? session.start
    let made = ProposalFiles.sessionChange(session, earlier: earlier, original: original, confirmed: series.confirmed, config: config,
                                           stamp: day.startInstant, date: day.startInstant)
    let mail = outboxFiles(config.mail == nil ? [] : made.messages, folder: folder, origin: origin, day: day)
    return ([made.file], mail.files, mail.queued)
}
