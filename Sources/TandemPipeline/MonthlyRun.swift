import Foundation
import TandemCalendar
import TandemIngest
import TandemMatching
import TandemModel
import TandemReports
import TandemScheduling

/// What the scheme remembers from earlier months (the ledger fills it; empty for a first run).
public struct SchemeHistory: Sendable {
    /// Juniors in a pair that is still running.
    public var activeJuniors: Set<String> = []
    /// Places taken in running pairs, per senior e-mail key.
    public var capacityInUse: [String: Int] = [:]
    /// Pairs ever made, declined or ended ("senior|junior" keys): never proposed again.
    public var pairsMadeBefore: Set<String> = []
    /// Sessions of running pairs, so that new sessions never clash with them.
    public var commitments: [Commitment] = []
    /// The first response date the scheme has seen per e-mail key (waiting counts from the earliest).
    public var firstSeen: [String: LocalDate] = [:]
    public var activePairCount = 0
    /// The running pairs themselves ("senior|junior" keys).
    public var runningPairs: Set<String> = []
    /// People who withdrew, with the day they did: left out of the run unless the export holds a response
    /// of theirs dated after that day (they applied anew; their waiting then counts from that response).
    public var withdrawnOn: [String: LocalDate] = [:]
    /// People erased at their request (`tandem forget`), by a salted hash of their address: their responses
    /// dated up to the day given are left out (an old row still in the export); a later one is a new applicant.
    public var forgotten = ForgottenAddresses()
    /// Juniors whose pair completed, with the date of the response that pair was made from: not paired as
    /// juniors again unless the export holds a later response (they applied anew).
    public var finishedJuniors: [String: LocalDate] = [:]
    /// The latest earlier month's run and how many usable applicants it read: a cumulative export
    /// with far fewer is nearly always the wrong file.
    public var previousRun: (month: YearMonth, applicants: Int)?
    /// Each earlier recorded month's pairs made, people waiting, past the target and median wait,
    /// oldest first: the trend in report.html.
    public var months: [SchemeMonth] = []
    /// The proposals of earlier runs ([acceptance] on), for the reports; nil when there are none.
    public var proposals: ProposalSummary? = nil

    public init() {}
}

/// Everything one monthly run needs, already read from disk.
public struct RunInput: Sendable {
    public var applications: [UInt8]
    /// The file name as the coordinator gave it, used in messages.
    public var applicationsFile: String
    public var config: SchemeConfig
    /// The month of the first session of the new pairs.
    public var firstMonth: YearMonth
    public var holidays: [LocalDate: String] = [:]
    public var overrides = Overrides()
    public var encoding: TextEncoding? = nil
    public var emailDrafts = false
    /// With `[acceptance]` on, the day the run's proposals must be answered by: their calendars are
    /// then iTIP requests to answer (`ProposalFiles`). Nil: the pairs stand, calendars are published.
    public var proposalDeadline: LocalDate? = nil
    public var history = SchemeHistory()
    /// Whether to write each stage's LP model and GLPK's printed solution.
    public var models = ModelFiles.automatic
    /// Run even when the export has fewer than half the usable applicants of the previous run.
    public var allowSmallerExport = false
    /// Run although the month is before every response of the export (`--force`).
    public var allowMonthBeforeResponses = false
    /// The clock for timings.md and where debug lines go: the executable's `fromEnvironment()`.
    public var instruments = Instruments.system

    public init(applications: [UInt8], applicationsFile: String, config: SchemeConfig, firstMonth: YearMonth) {
        self.applications = applications
        self.applicationsFile = applicationsFile
        self.config = config
        self.firstMonth = firstMonth
    }
}

/// The month's results and the files to write under `reports/YYYY-MM/`.
public struct RunOutput: Sendable {
    /// In path order; the calendars, drafts and solver files are made as they are read.
    public var files: OutputFiles
    public var ingest: IngestResult
    public var matching: MatchingResult
    public var schedule: ScheduleResult
    /// Wall time of each stage, in order: read, score and prune, solve, schedule, write (the reports; the
    /// calendars are made later, as the executable writes them), report.html.
    public var timings: [(name: String, seconds: Double)]
    /// How many times the pairing was solved (re-solved after pairs the scheduler could not fit).
    public var rounds: Int
    public var pool: Pool
    /// Each participant's message for `tandem send` (also among `files`, under `outbox/`); none
    /// without a `[mail]` table.
    public var messages: [OutgoingMessage] = []
    /// With `[acceptance]` on: the day this run's proposals must be answered by.
    public var proposalDeadline: LocalDate? = nil

    /// One line for the terminal.
    public var headline: String {
        let unscheduled = schedule.unscheduled.count
        let counts = UnpairedCounts(matching.unmatched)
        let made = plural(schedule.scheduled.count, "new pair") + (proposalDeadline.map { " proposed (answers due by \($0))" } ?? "")
        return "\(made), \(counts.waiting) waiting (\(counts.pastTarget) past the target), "
            + "\(plural(ingest.rejected.count, "row")) rejected"
            + (unscheduled > 0 ? ", \(plural(unscheduled, "pair")) without a slot" : "")
            + (matching.allProvenOptimal ? "; pairing proven optimal" : "; pairing NOT proven optimal (see summary.md)")
    }
}

public enum PipelineError: Error, Sendable, CustomStringConvertible {
    case matching(MatchingError)
    /// Not the form's export at all (`IngestResult.wrongFile`), with `tandem check`'s report of it.
    case wrongFile(file: String, reason: String, report: String)
    /// Far fewer usable applicants than the previous month's cumulative export had.
    case smallerExport(file: String, applicants: Int, previous: Int, month: YearMonth)
    /// The month of the first session is before the month of every response in the export.
    case monthBeforeResponses(file: String, month: YearMonth, first: LocalDate)

    public var description: String {
        switch self {
        case let .matching(error): return error.description
        case let .wrongFile(file, reason, _):
            return "\(file): \(reason); nothing was written and the ledger was not changed. Check that it is the form's responses, downloaded as CSV"
        case let .smallerExport(file, applicants, previous, month):
            return "\(file) has \(applicants) usable applicants, fewer than half the \(previous) of the \(month) run; an export holds every response to date, "
                + "so this is nearly always the wrong file (an older download, or a filtered sheet). Nothing was written. If it is right, run again with --smaller-export"
        case let .monthBeforeResponses(file, month, first):
            return "--month \(month) is before every response in \(file) (the first is from \(first)): sessions would start before "
                + "anyone applied and waiting times would be negative. Nothing was written. Give the month of the first sessions "
                + "(by default the month after today), or add --force if \(month) is really meant"
        }
    }
}

/// A month read, paired and scheduled, before anything is rendered.
public struct PairedMonth: Sendable {
    public var ingest: IngestResult
    /// The applicants with the scheme's history applied, as the pairing saw them.
    public var pool: Pool
    public var matching: MatchingResult
    public var schedule: ScheduleResult
    /// How many times the pairing was solved (re-solved after pairs the scheduler could not fit).
    public var rounds: Int
    /// Usable applicants seen in an earlier month who are still waiting.
    public var carriedOver: Int
    /// Wall time of each stage so far: read, score and prune, solve, schedule.
    public var timings: [(name: String, seconds: Double)]
}

/// Wall time between laps on the run's clock, for timings.md.
struct Stopwatch {
    private let instruments: Instruments
    private var mark: Double
    private(set) var laps: [(name: String, seconds: Double)] = []

    init(_ instruments: Instruments) {
        self.instruments = instruments
        mark = instruments.now()
    }

    mutating func lap(_ name: String) {
        let now = instruments.now()
        laps.append((name, now - mark))
        mark = now
    }
}

/// One month of the scheme, from the export's bytes to the output files. No file is read or written
/// here: the executable reads the inputs and writes what this returns. The clock for timings.md and
/// the place for debug lines come in with the input (`RunInput.instruments`).
public enum MonthlyRun {
    /// The month from the export's bytes to the files to write: read, pair and schedule, render.
    public static func run(_ input: RunInput) throws(PipelineError) -> RunOutput {
        render(try pair(input), input: input)
    }

    /// The month read, paired and scheduled: what `run` renders and `tandem explain` explains.
    public static func pair(_ input: RunInput) throws(PipelineError) -> PairedMonth {
        var stopwatch = Stopwatch(input.instruments)
        let ingest = try read(input)
        stopwatch.lap("read")
        let (pool, carriedOver) = pool(from: ingest, input: input)
        let paired = try pairAndSchedule(pool, input: input)
        return PairedMonth(ingest: ingest, pool: paired.pool, matching: paired.matching, schedule: paired.schedule,
                           rounds: paired.rounds, carriedOver: carriedOver, timings: stopwatch.laps + paired.timings)
    }

    /// The export read, or refused when it is not the form's export or far smaller than last month's.
    static func read(_ input: RunInput) throws(PipelineError) -> IngestResult {
        let config = input.config
        let ingest = FormReader.read(input.applications, file: input.applicationsFile, config: config.form,
                                     encoding: input.encoding, minimumSeniorYears: config.matching.minimumSeniorYears)
        if let reason = ingest.wrongFile {
            throw .wrongFile(file: input.applicationsFile, reason: reason, report: CheckReport.render(ingest, file: input.applicationsFile))
        }
        if let previous = input.history.previousRun, !input.allowSmallerExport, ingest.applicants.count * 2 < previous.applicants {
            throw .smallerExport(file: input.applicationsFile, applicants: ingest.applicants.count, previous: previous.applicants,
                                 month: previous.month)
        }
        if !input.allowMonthBeforeResponses, let first = ingest.applicants.map(\.submittedAt.date).min(), input.firstMonth < first.yearMonth {
            throw .monthBeforeResponses(file: input.applicationsFile, month: input.firstMonth, first: first)
        }
        var checked = ingest
        checked.diagnostics += strangersInNeverPairs(input.overrides, ingest: ingest)
        return checked
    }

    /// A never-pair naming an address that is in no response of the export: kept (it protects the
    /// person should they apply later), with a warning, since a typo would disable it unseen.
    static func strangersInNeverPairs(_ overrides: Overrides, ingest: IngestResult) -> [Diagnostic] {
        guard !overrides.neverPairSources.isEmpty else { return [] }
        let known = Set(ingest.applicants.map(\.email.key)).union(ingest.rejected.map { EmailAddress($0.email).key })
        return overrides.neverPairSources.flatMap { source in
            source.people.filter { !known.contains($0.key) }.map { person in
                Diagnostic(.warning, file: source.file, line: source.line, column: person.column,
                           message: "'\(VisibleText.clean(person.text))' is in no response of this export (a typo?); the never-pair is kept "
                               + "for when they apply, but protects nobody until the address matches their response")
            }
        }
    }

    /// The month's pool: the export's applicants with the scheme's history applied (withdrawals, the
    /// earliest response seen, running pairs, spent places, pairs made before) and the overrides; and how
    /// many of them carried over from an earlier month unpaired.
    public static func pool(from ingest: IngestResult, input: RunInput) -> (pool: Pool, carriedOver: Int) {
        let history = input.history
        var applicants: [Applicant] = []
        var finishedJuniors: Set<String> = []
        var carriedOver = 0
        for var applicant in ingest.applicants {
            let key = applicant.email.key
            if let withdrawn = history.withdrawnOn[key] ?? history.forgotten.until(key) {
                guard applicant.submittedAt.date > withdrawn else { continue }
                applicant.appliedOn = applicant.submittedAt.date
            } else if let seen = history.firstSeen[key] {
                if seen < applicant.appliedOn { applicant.appliedOn = seen }
                if !history.activeJuniors.contains(key) && history.capacityInUse[key] == nil { carriedOver += 1 }
            }
            if let respondedOn = history.finishedJuniors[key], applicant.submittedAt.date <= respondedOn {
                finishedJuniors.insert(key)
            }
            applicants.append(applicant)
        }
        var pool = Pool(applicants: applicants, firstMonth: input.firstMonth)
        pool.runningJuniors = history.activeJuniors
        pool.finishedJuniors = finishedJuniors
        pool.capacityInUse = history.capacityInUse
        pool.pairsMadeBefore = history.pairsMadeBefore
        pool.overrides = input.overrides
        pool.blackoutDays = input.config.sessions.blackoutDays(besides: Set(input.holidays.keys))
        return (pool, carriedOver)
    }

    /// The files of the month: calendars and drafts (made as they are written), pairs.csv,
    /// unmatched.csv, the solver's models, summary.md, diagnostics.txt and timings.md.
    static func render(_ month: PairedMonth, input: RunInput) -> RunOutput {
        var stopwatch = Stopwatch(input.instruments)
        let config = input.config
        let (ingest, matching, schedule) = (month.ingest, month.matching, month.schedule)
        var files: [OutputFiles.Entry] = []
        let stamp = CalendarWriter.stamp(for: input.firstMonth)
        // Dated the first day of the month before the sessions' (when runs are made): deterministic, never in the future.
        let date = CalendarWriter.stamp(for: input.firstMonth.adding(months: -1))
        let messages: [OutgoingMessage]
        if let deadline = input.proposalDeadline {
            files += ProposalFiles.runFiles(for: schedule, config: config, stamp: stamp, deadline: deadline, drafts: input.emailDrafts)
            messages = config.mail == nil ? [] : ProposalFiles.messages(for: schedule.allSessions, stage: .proposal(deadline: deadline),
                                                                        config: config, stamp: stamp, date: date)
        } else {
            files += CalendarWriter.lazyFiles(for: schedule, config: config, stamp: stamp)
            files += Distribution.lazyFiles(for: schedule, config: config, stamp: stamp, drafts: input.emailDrafts)
            messages = config.mail == nil ? [] : Outbox.messages(for: schedule.allSessions, kind: .invitation, config: config, stamp: stamp,
                                                                 date: date)
        }
        files += messages.map { OutputFiles.Entry(OutputFile(path: $0.path, contents: $0.bytes)) }

        let scheduledByKey = Dictionary(schedule.scheduled.map { ($0.pair.key, $0) }, uniquingKeysWith: { a, _ in a })
        let unscheduledByKey = Dictionary(schedule.unscheduled.map { ($0.pair.key, $0) }, uniquingKeysWith: { a, _ in a })
        files.append(.init(Reports.pairsCSV(matching.pairs, schedule: scheduledByKey, unscheduled: unscheduledByKey)))
        files.append(.init(Reports.unmatchedCSV(rejected: ingest.rejected, unmatched: matching.unmatched)))
        for stage in matching.stages {
            if let lp = stage.lpText { files.append(.init(path: "model-\(stage.name).lp", text: lp)) }
            if let solution = stage.printedSolution { files.append(.init(path: "solution-\(stage.name).txt", text: solution)) }
        }
        if let last = matching.stages.last, let lp = last.lpText {
            files.append(.init(path: "model.lp", text: lp))
        }
        for (name, text) in matching.roleModels { files.append(.init(path: name, text: text)) }
        let counts = SummaryFacts.IngestCounts(
            records: ingest.recordCount, applicants: ingest.applicants.count, duplicates: ingest.duplicateResponses,
            rejected: ingest.rejected.count,
            errors: ingest.diagnostics.filter { $0.severity == .error && $0.file == input.applicationsFile }.count,
            warnings: ingest.diagnostics.filter { $0.severity == .warning && $0.file == input.applicationsFile }.count)
        var facts = SummaryFacts(
            schemeName: config.scheme.name, inputFile: input.applicationsFile, firstMonth: input.firstMonth,
            ingestCounts: counts, matching: matching,
            slots: Dictionary(uniqueKeysWithValues: schedule.scheduled.map { ($0.pair.key, $0.pattern.description) }),
            scheduledPairs: schedule.scheduled.count, unscheduledPairs: schedule.unscheduled.count,
            waitingTargetMonths: config.matching.waitingTargetMonths,
            candidatesPerPerson: config.matching.candidatesPerPerson, rounds: month.rounds,
            activePairs: input.history.activePairCount, carriedOver: month.carriedOver)
        if let deadline = input.proposalDeadline {
            var proposals = input.history.proposals ?? ProposalSummary(today: deadline, deadline: deadline)
            proposals.today = deadline.adding(days: -config.acceptance.replyDays)
            proposals.deadline = deadline
            facts.proposals = proposals
        }
        files.append(.init(Reports.summary(facts)))
        files.append(.init(path: "diagnostics.txt", text: CheckReport.render(ingest, file: input.applicationsFile)))
        stopwatch.lap("write")
        files.append(.init(HTMLReport.render(ReportFacts(
            summary: facts, pool: month.pool, rejected: ingest.rejected, areas: config.form.areas,
            minimumSeniorYears: config.matching.minimumSeniorYears, earlierMonths: input.history.months))))
        stopwatch.lap("report.html")
        let timings = month.timings + stopwatch.laps
        files.append(.init(Reports.timings(timings, solverStages: matching.stages)))
        var output = RunOutput(files: OutputFiles(files), ingest: ingest, matching: matching, schedule: schedule,
                               timings: timings, rounds: month.rounds, pool: month.pool)
        output.messages = messages
        output.proposalDeadline = input.proposalDeadline
        return output
    }
}

/// The addresses of people erased from the ledger, kept only as salted hashes (FNV-1a 64 of the salt
/// and the e-mail key), each with the last day of theirs that is left out of later runs.
public struct ForgottenAddresses: Sendable {
    public var salt = ""
    public var until: [String: LocalDate] = [:]
    /// The e-mail key that stands for each in the ledger ("forgotten-17@forgotten.invalid").
    public var pseudonyms: [String: String] = [:]

    public init(salt: String = "", until: [String: LocalDate] = [:], pseudonyms: [String: String] = [:]) {
        self.salt = salt
        self.until = until
        self.pseudonyms = pseudonyms
    }

    /// The pseudonym's key for `key`, if it was forgotten.
    public func pseudonym(_ key: String) -> String? {
        until.isEmpty ? nil : pseudonyms[Self.hash(key, salt: salt)]
    }

    public static func hash(_ key: String, salt: String) -> String { StableHash.hex(salt + "|" + key) }

    /// The day up to which `key`'s responses are left out, if it was forgotten.
    public func until(_ key: String) -> LocalDate? {
        until.isEmpty ? nil : until[Self.hash(key, salt: salt)]
    }
}
