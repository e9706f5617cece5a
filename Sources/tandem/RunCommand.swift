import ArgumentParser
import Foundation
import TandemIngest
import TandemLedger
import TandemMatching
import TandemModel
import TandemPipeline
import TandemReports

extension Tandem {
    /// `tandem run`: the month's job, from the export to pairs, calendars and reports.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pair this month's applicants, schedule their sessions and write calendars and reports.")

        @OptionGroup var export: ExportOptions

        @Option(name: .long, help: "Month of the first session, YYYY-MM (default: the month after today).")
        var month: String?

        @Option(name: .long, help: "Output folder (default: reports/YYYY-MM). It is replaced as a whole when the run succeeds.")
        var out: String?

        @Option(name: .long, help: "Coordinator's overrides (CSV: rule,senior,junior,note with rule must or never).")
        var overrides: String?

        @Option(name: .long, help: "Write each pairing stage's model (model-STAGE.lp) and GLPK's solution: automatic (up to \(MatchingLimits.modelFilesCandidates) candidate pairs), always or never.")
        var models = ModelFiles.automatic

        @Flag(name: .long, help: "Also write one e-mail draft (.eml) per participant with their calendar attached.")
        var emailDrafts = false

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        @Flag(name: .long, help: "Run a month earlier than the latest one in the ledger (that month's and every later month's pairs are discarded), or one before every response of the export.")
        var force = false

        @Flag(name: .long, help: "Run although the export has fewer than half the usable applicants of the previous month's (normally a sign of the wrong file).")
        var smallerExport = false

        @Flag(name: .long, help: "Start a new ledger although the scheme's reports show it has run before (its ledger is missing).")
        var newLedger = false

        func validate() throws {
            try validateMonth(month)
        }

        func run() throws {
            try reporting(perform)
        }

        /// Everything is read and checked first; then the month is paired; then written and recorded.
        private func perform() throws {
            let firstMonth = month.flatMap(YearMonth.init) ?? Self.nextMonth()
            let scheme = try SchemeFolder.resolve(scheme: self.scheme.scheme, configFlag: export.config, ledgerFlag: ledger.ledger)
            let folder = out ?? "\(scheme.reports)/\(firstMonth)"
            // The output folder is replaced as a whole at the end of the run: checked before anything is
            // read or written, so that it never holds the inputs or anything Tandem did not write.
            var inputs = [("export", export.applications), ("ledger", scheme.ledger)]
            if let config = scheme.configPath { inputs.append(("configuration", config)) }
            if let overrides { inputs.append(("overrides file", overrides)) }
            _ = try OutputFolder.checked(folder, inputs: inputs, use: .replace)
            let lock = try scheme.lockForChange()
            defer { lock.release() }
            try scheme.requireLedgerUnlessNew(newLedger)
            // A first month's ledger is made only when the month is recorded: a run that fails leaves no empty ledger behind.
            let instruments = Instruments.fromEnvironment()
            var began = instruments.now()
            func lap(_ what: String) {
                instruments.debug("run: \(what) in \(instruments.seconds(since: began))s")
                began = instruments.now()
            }
            let ledger = try LedgerOptions.openOrPlan(scheme.ledger)
            if let keep = scheme.config.privacy.keepMonths, let existing = ledger.existing {
                // Storage limitation: people long gone are pseudonymised before the month is read.
                let forgotten = try existing.forgetStale(before: firstMonth.adding(months: -keep).firstDay, today: firstMonth.firstDay)
                if forgotten > 0 {
                    say("Pseudonymised \(forgotten == 1 ? "1 person" : "\(forgotten) people") whose last response and last session are more than "
                        + "\(keep) months before \(firstMonth) (privacy.keep_months)")
                }
            }
            if scheme.config.acceptance.required != .none, let existing = ledger.existing {
                try expireProposals(existing, scheme: scheme)
            }
            let snapshot: LedgerSnapshot
            do {
                snapshot = try ledger.snapshot(before: firstMonth, force: force)
            } catch {
                throw Failure(error.description)
            }
            lap("the ledger's history read")
            let (input, configuration, kept) = try runInput(scheme: scheme, month: firstMonth, history: snapshot.history,
                                                            instruments: instruments)
            var output: RunOutput
            do {
                output = try Progress.whileRunning { () throws(PipelineError) -> RunOutput in try MonthlyRun.run(input) }
            } catch {
                if case let .wrongFile(_, _, report) = error { printError(Self.firstLines(of: report, file: export.applications)) }
                throw Failure(error.description)
            }
            output.files = output.files.adding(try cpdRecords(ledger, month: firstMonth, config: scheme.config))
            lap("the month paired, scheduled and written in memory")
            let recorded = try write(output, to: folder, input: input, configuration: configuration, kept: kept, ledger: ledger,
                                     snapshot: snapshot, month: firstMonth, lap: lap)
            if !snapshot.replacedMonths.isEmpty {
                say("Replaced the ledger's results for \(snapshot.replacedMonths.map(\.description).joined(separator: ", "))")
            }
            for problem in output.ingest.diagnostics where problem.file == overrides {
                printError("tandem: \(problem)")
            }
            let problems = output.ingest.diagnostics.filter { $0.severity != .note && $0.file != overrides }.count
            if problems > 0 {
                say("\(export.applications): \(problems) problems in the export (see \(folder)/diagnostics.txt, or run tandem check)")
            }
            say(output.headline)
            say("Wrote \(output.files.count) files to \(folder)/ — start with summary.md")
            say("Recorded \(firstMonth) in the ledger \(recorded.path) (\(snapshot.history.activePairCount) pairs already running)")
        }

        /// The month's inputs, read from disk; the bytes of configuration, overrides and holidays that the
        /// run's fingerprint covers; and what the ledger keeps of them for `tandem explain`.
        private func runInput(scheme: SchemeFolder, month: YearMonth, history: SchemeHistory,
                              instruments: Instruments) throws -> (RunInput, [[UInt8]], RunInputs) {
            var input = RunInput(applications: try Files.read(export.applications, what: "applications file"),
                                 applicationsFile: export.applications, config: scheme.config, firstMonth: month)
            input.encoding = Files.encoding(export.encoding)
            input.instruments = instruments
            let (holidays, note) = Files.holidays(config: scheme.config, firstMonth: month)
            if let note { printError("tandem: \(note)") }
            input.holidays = holidays
            let (overrideList, overrideBytes) = try Files.overridesFile(overrides)
            input.overrides = overrideList
            input.emailDrafts = emailDrafts
            if scheme.config.acceptance.required != .none {
                input.proposalDeadline = today.date.adding(days: scheme.config.acceptance.replyDays)
            }
            input.models = models
            input.allowSmallerExport = smallerExport
            input.allowMonthBeforeResponses = force
            input.history = history
            let holidayBytes = Array(holidays.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined().utf8)
            return (input, [scheme.configBytes, overrideBytes, holidayBytes],
                    RunInputs(configuration: scheme.configBytes, overrides: overrideBytes, encoding: export.encoding))
        }

        /// Crash safety: the complete folder is staged first; the ledger's one transaction swaps it into
        /// place just before COMMIT. Killed earlier, nothing visible changed and the journal rolls back.
        /// Each file is fingerprinted as it is written, so the outputs are not read a second time.
        private func write(_ output: RunOutput, to folder: String, input: RunInput, configuration: [[UInt8]], kept: RunInputs,
                           ledger: PlannedLedger, snapshot: LedgerSnapshot, month: YearMonth,
                           lap: (String) -> Void) throws -> Ledger {
            let staged: Files.StagedFolder
            let fingerprinting = Fingerprinting()
            do {
                staged = try Files.stage(output.files, for: folder) { fingerprinting.add($0) }
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure("cannot write the outputs to '\(folder)': \(error.localizedDescription)")
            }
            lap("\(output.files.count) files staged")
            TestHook.pause(at: "outputs-staged")
            let fingerprints = RunFingerprints(applications: input.applications, configuration: configuration,
                                               outputs: fingerprinting.fingerprint)
            let recorded: Ledger
            do {
                recorded = try ledger.forRecording()
                try recorded.record(output, month: month, inputFile: OutputFolder.absolute(export.applications), fingerprints: fingerprints,
                                    inputs: kept, snapshot: snapshot,
                                    messages: output.messages.map { QueuedMessage($0, folder: OutputFolder.absolute(folder), origin: "run \(month)",
                                                                                  month: "\(month)") },
                                    proposals: input.proposalDeadline.map {
                                        ProposalTerms(required: input.config.acceptance.required.rawValue, deadline: $0)
                                    },
                                    checkpoint: { TestHook.pause(at: $0.rawValue) },
                                    beforeCommit: {
                                        try staged.swapIntoPlace()
                                        TestHook.pause(at: "after-rename")
                                    })
            } catch {
                staged.discard()
                ledger.discardIfNew()
                throw Failure("\(error); the outputs in '\(folder)' were left as they were")
            }
            TestHook.pause(at: "after-commit")
            lap("the month recorded in the ledger")
            staged.removePrevious()
            return recorded
        }

        /// Proposals past their deadline with an answer missing are dissolved before the month is read, so
        /// their people are in this month's pool; the cancellations go to a folder under reports/changes/.
        private func expireProposals(_ ledger: Ledger, scheme: SchemeFolder) throws {
            let day = today.date
            let folder = OutputFolder.fresh("\(scheme.reports)/changes/\(day)-expired-proposals")
            var written = 0, queued = 0
            let expired = try ledger.expireProposals(today: day) { ending in
                let mail = try dissolve(ending, config: scheme.config, day: day, folder: folder, origin: "expired", repaired: true)
                (written, queued) = (mail.written, mail.queued.count)
                return mail.queued
            }
            guard !expired.isEmpty else { return }
            say("Dissolved \(plural(expired.count, "proposal")) with no answer by the deadline; their people are in this month's pool"
                + (written > 0 ? "; " + sendHint(files: written, queued: queued, folder: folder) : ""))
        }

        /// The CPD records of everyone whose pair completed or ended in the month before, for the run's `cpd/`.
        private func cpdRecords(_ ledger: PlannedLedger, month: YearMonth, config: SchemeConfig) throws -> [OutputFiles.Entry] {
            guard let existing = ledger.existing else { return [] }
            do {
                return try existing.cpdRecordsOfPairsFinishing(before: month, config: config).flatMap { record in
                    let base = "cpd/cpd-\(SafeFileName.make(record.email))"
                    return [OutputFiles.Entry(path: base + ".html", text: record.html()), OutputFiles.Entry(OutputFile(path: base + ".csv", contents: record.csv()))]
                }
            } catch {
                throw Failure(error.description)
            }
        }

        /// `tandem check`'s report, cut to its first lines and its summary when it is long (a file of random bytes
        /// has thousands of "problems").
        static func firstLines(of report: String, file: String, limit: Int = 12) -> String {
            let lines = report.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            guard lines.count > limit + 2 else { return lines.joined(separator: "\n") }
            return (lines.prefix(limit) + ["... \(lines.count - limit - 2) more (tandem check \(file) lists every one)"] + lines.suffix(2))
                .joined(separator: "\n")
        }

        /// The month after today, in the machine's calendar: the only place the clock is read.
        static func nextMonth() -> YearMonth {
            let now = Calendar(identifier: .gregorian).dateComponents([.year, .month], from: Date())
            return YearMonth(year: now.year!, month: now.month!).adding(months: 1)
        }
    }

    /// `tandem check`: reads an export and lists every problem, as a compiler would.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every problem in an export as FILE:LINE:COLUMN: error|warning: message.")

        @OptionGroup var export: ExportOptions
        @OptionGroup var scheme: SchemeOptions

        @Flag(name: .long, help: "Fail on warnings too, not only errors.")
        var strict = false

        func run() throws {
            try reporting {
                let (_, result) = try export.read(scheme: scheme.scheme)
                say(CheckReport.render(result, file: export.applications), terminator: "")
                if CheckReport.failed(result, strict: strict) { throw ExitCode(1) }
            }
        }
    }
}

extension ModelFiles: ExpressibleByArgument {}

/// The outputs' fingerprint, fed on the staging thread (`Files.stage`) and read once staging is done.
private final class Fingerprinting: @unchecked Sendable {
    private(set) var fingerprint = OutputFingerprint()
    func add(_ file: OutputFile) { fingerprint.add(file) }
}
