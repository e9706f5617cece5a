import ArgumentParser
import Foundation
import TandemIngest
import TandemLedger
import TandemMatching
import TandemModel
import TandemPipeline

extension Tandem {
    /// `tandem explain`: why a person was paired as they were in a recorded month, or not at all.
    /// The month is rebuilt from the ledger as the run saw it — the same export (checked by its
    /// fingerprint), configuration and overrides, and the history of the months before — so the
    /// explanation is of the pairing that was made, not of a new one.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain a person's pairing in a recorded month (partner, score, best alternatives), or why two people were not paired.")

        @Argument(help: "One e-mail, or two to ask why those two were or were not paired.")
        var emails: [String]

        @Option(name: .long, help: "The recorded month to explain, YYYY-MM (default: the latest in the ledger).")
        var month: String?

        @Option(name: .long, help: "The export that month's run read (default: the file it recorded); it must be unchanged.")
        var export: String?

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions

        func validate() throws {
            // Before 0.5 the export came first: `tandem explain EXPORT EMAIL`.
            let people = emails.filter { !isExport($0) }
            if !(1...2).contains(people.count) { throw ValidationError("give one or two e-mails") }
            try validateMonth(month)
        }

        func run() throws {
            try reporting {
                let scheme = try SchemeFolder.resolve(scheme: self.scheme.scheme, configFlag: nil, ledgerFlag: ledger.ledger)
                let ledger = try LedgerOptions.openExisting(scheme.ledger)
                let run = try recordedRun(in: ledger)
                let (input, exportFile) = try rebuild(run, scheme: scheme, ledger: ledger)
                let month: PairedMonth
                do throws(PipelineError) {
                    month = try MonthlyRun.pair(input)
                } catch {
                    throw Failure(error.description)
                }
                let made = Set(month.schedule.scheduled.map(\.pair.key))
                if made != run.pairKeys {
                    printError("tandem: warning: rebuilt, the \(run.month) run makes \(made.symmetricDifference(run.pairKeys).count) pairs "
                        + "differently from the ledger's record (a different Tandem version?); this explains the rebuilt pairing")
                }
                let people = emails.filter { !isExport($0) }
                let index = Set(month.pool.applicants.map(\.email.key))
                if let missing = people.first(where: { !index.contains(EmailAddress($0).key) }) {
                    throw Failure(try notInPool(missing, month: month, input: input, file: exportFile, ledger: ledger))
                }
                say("The \(run.month) run (from \(exportFile)): \(plural(run.pairKeys.count, "new pair")), "
                    + "\(plural(input.history.activePairCount, "pair")) from earlier months still running.")
                say("")
                for email in Set(people.map { EmailAddress($0).key }).sorted() {
                    let earlier = try earlierPairs(of: email, ledger: ledger, month: run.month, history: input.history)
                    if !earlier.isEmpty { say(earlier.joined(separator: "\n") + "\n") }
                }
                do {
                    let notMade = Dictionary(month.schedule.unscheduled.map { ($0.pair.key, $0.explanation) }, uniquingKeysWith: { a, _ in a })
                    say(try Explanation.explain(emails: people, pool: month.pool, config: input.config, result: month.matching,
                                                notMade: notMade))
                } catch {
                    throw Failure("\(error)")
                }
            }
        }

        private func isExport(_ argument: String) -> Bool {
            !argument.contains("@") && FileManager.default.fileExists(atPath: argument)
        }

        /// The month asked for, or the latest; an error that says what to do when there is none.
        private func recordedRun(in ledger: Ledger) throws -> RecordedRun {
            let asked = month.flatMap(YearMonth.init)
            do {
                if let run = try ledger.recordedRun(asked) { return run }
                if let asked, let latest = try ledger.latestMonth() {
                    throw Failure("the ledger holds no run for \(asked) (the latest is \(latest)); give a recorded month with --month, or run that month first")
                }
            } catch let error as LedgerError {
                throw Failure(error.description)
            }
            throw Failure("the ledger '\(ledger.path)' holds no recorded month yet; explain explains a month's run: run tandem run EXPORT first")
        }

        /// The run's inputs as it read them: its export (unchanged), configuration, overrides, holidays and
        /// the scheme's history of the months before it.
        private func rebuild(_ run: RecordedRun, scheme: SchemeFolder, ledger: Ledger) throws -> (RunInput, String) {
            let file = export ?? emails.first(where: isExport) ?? run.inputFile
            let bytes: [UInt8]
            do {
                bytes = try Files.read(file, what: "export")
            } catch let failure as Failure {
                throw Failure("\(failure.description) — the \(run.month) run read \(run.inputFile); give that export, as it was then, with --export FILE")
            }
            guard SHA256.hex(bytes) == run.inputFingerprint else {
                throw Failure("\(file) is not the export the \(run.month) run read (its bytes differ: a newer download?); "
                    + "explain rebuilds the run from the same file — give a copy of the export as it was then with --export FILE")
            }
            var config = scheme.config
            var overrides = Overrides()
            var encoding: String? = nil
            if let kept = run.inputs {
                do {
                    config = try SchemeConfig.load(toml: String(decoding: kept.configuration, as: UTF8.self), file: "the \(run.month) run's configuration")
                } catch {
                    throw Failure(error.description)
                }
                overrides = OverridesFile.parse(String(decoding: kept.overrides, as: UTF8.self), file: "the \(run.month) run's overrides").0
                encoding = kept.encoding
            } else {
                printError("tandem: note: this ledger recorded \(run.month) before it kept each run's configuration and overrides; "
                    + "explaining with the scheme's current configuration and no overrides")
            }
            var input = RunInput(applications: bytes, applicationsFile: file, config: config, firstMonth: run.month)
            input.encoding = Files.encoding(encoding)
            input.instruments = .fromEnvironment()
            input.holidays = Files.holidays(config: config, firstMonth: run.month).holidays
            input.overrides = overrides
            input.models = .never
            input.allowSmallerExport = true
            input.allowMonthBeforeResponses = true
            do {
                input.history = try ledger.snapshot(asRecorded: run)
            } catch {
                throw Failure(error.description)
            }
            return (input, file)
        }

        /// Why someone is not in the month's pool: a rejected response (with its line and what to fix), a
        /// withdrawal, or no response at all.
        private func notInPool(_ email: String, month: PairedMonth, input: RunInput, file: String, ledger: Ledger) throws -> String {
            let key = EmailAddress(email).key
            let shown = VisibleText.clean(email)
            let rejected = month.ingest.rejected.filter { EmailAddress($0.email).key == key }
            if !rejected.isEmpty {
                return rejected.map { row in
                    "\(shown) was not in the \(input.firstMonth) run: the response on \(file):\(row.line) was rejected — "
                        + row.reasons.map { VisibleText.clean($0) }.joined(separator: "; ")
                        + ". Fix: correct the response in the form's sheet (or ask them to answer again); the next month's export is read afresh"
                }.joined(separator: "\n")
            }
            if let withdrawn = input.history.withdrawnOn[key] {
                return "\(shown) was not in the \(input.firstMonth) run: they withdrew on \(withdrawn), and no later response of theirs is in the export"
            }
            return "\(shown) has no response in \(file), the export the \(input.firstMonth) run read (check the spelling; tandem history \(shown) lists what the ledger holds)"
        }

        /// The person's pairs from earlier months, each with the partner and whether it still runs.
        private func earlierPairs(of key: String, ledger: Ledger, month: YearMonth, history: SchemeHistory) throws -> [String] {
            let pairs: [RecordedPair]
            do {
                pairs = try ledger.pairs(of: key, before: month)
            } catch {
                throw Failure(error.description)
            }
            let proposals = Dictionary((try? ledger.proposals(in: ["declined", "expired"]))?.map { ($0.pairKey, $0) } ?? [],
                                       uniquingKeysWith: { a, _ in a })
            return pairs.map { pair in
                var state = pair.status == "ended" ? "ended early"
                    : history.runningPairs.contains(pair.seniorKey + "|" + pair.juniorKey) ? "still running in \(month)" : "completed"
                if let proposal = proposals[pair.seniorKey + "|" + pair.juniorKey] {
                    // A proposal declined or left unanswered: say by whom and when, and that the wait went on.
                    state = "proposed, then \(proposal.state == "declined" ? proposal.reason ?? "declined" : "expired (\(proposal.reason ?? "no answer"))")"
                        + " on \(proposal.decidedOn ?? "?"); both went back to the pool with their first application date, waiting again, "
                        + "and are never proposed to each other again"
                }
                let text = pair.seniorKey == key
                    ? "Mentor of \(pair.juniorName) <\(pair.juniorEmail)>"
                    : "Mentee of \(pair.seniorName) <\(pair.seniorEmail)>"
                return VisibleText.clean("\(text), a pair formed for \(pair.monthFormed): \(state).")
            }
        }
    }
}
