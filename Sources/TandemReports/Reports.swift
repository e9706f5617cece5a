import Foundation
import TandemMatching
import TandemModel
import TandemScheduling

/// The coordinator's files: `pairs.csv`, `unmatched.csv` (both safe to open in Excel) and `summary.md`.
/// Pure functions of the run's results, so identical inputs give identical bytes.
public enum Reports {
    /// `String(format: "%.2f", value)`, without Foundation's formatter on the usual values (it took
    /// seconds on 100,000 applicants' reports): a value within a millionth of a whole hundredth is
    /// far from any rounding boundary, so printing that hundredth gives the same digits.
    static func number(_ value: Double) -> String {
        let hundredths = (value * 100).rounded()
        guard value.isFinite, abs(value * 100 - hundredths) < 1e-6, abs(hundredths) < 1e15,
              !(hundredths == 0 && value.sign == .minus) else { // printf keeps the sign of a negative zero
            return String(format: "%.2f", value)
        }
        let whole = Int64(hundredths)
        let magnitude = whole.magnitude
        let fraction = magnitude % 100
        return (whole < 0 ? "-" : "") + String(magnitude / 100) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    /// One row per pair: both partners, the score and its parts, and the agreed slot.
    public static func pairsCSV(_ pairs: [Pairing], schedule: [String: PairSchedule], unscheduled: [String: UnscheduledPair]) -> OutputFile {
        var csv = CSVWriter(header: [
            "senior_email", "senior_name", "junior_email", "junior_name", "score",
            "development", "reciprocal", "availability", "experience", "meeting", "goals",
            "preferred_partner", "same_organisation", "common_hours_per_week",
            "areas_for_junior", "areas_for_senior", "slot", "first_session_utc", "made_by_override",
        ])
        for pair in pairs {
            let key = pair.senior.email.key + "|" + pair.junior.email.key
            let s = pair.score
            var slot = "not scheduled"
            var first = ""
            if let scheduled = schedule[key] {
                slot = scheduled.pattern.description
                if let session = scheduled.sessions.first { first = utc(session.start) }
            } else if let problem = unscheduled[key] {
                slot = "not scheduled: \(problem.explanation)"
            }
            csv.append([
                pair.senior.email.text, pair.senior.name, pair.junior.email.text, pair.junior.name, number(s.total),
                number(s.development), number(s.reciprocal), number(s.availability), number(s.experience),
                number(s.meeting), number(s.goals), number(s.preferredPartner), number(s.organisation),
                number(s.commonHoursPerWeek), s.areasForJunior.joined(separator: "; "),
                s.areasForSenior.joined(separator: "; "), slot, first, pair.forcedByOverride ? "yes" : "",
            ])
        }
        return OutputFile(path: "pairs.csv", contents: csv.bytes)
    }

    static func utc(_ seconds: Int64) -> String {
        let date = LocalDate(daysSinceEpoch: Int(seconds.quotientAndRemainder(dividingBy: 86_400).quotient))
        let rest = Int(seconds - Int64(date.daysSinceEpoch) * 86_400)
        return "\(date) \((rest / 3600).zeroPadded(2)):\((rest / 60 % 60).zeroPadded(2)) UTC"
    }

    /// Everyone who is not in a new pair, with the reason: rejected rows first (by line), then
    /// applicants not paired (overdue first, then longest wait).
    public static func unmatchedCSV(rejected: [RejectedRow], unmatched: [UnmatchedApplicant]) -> OutputFile {
        var csv = CSVWriter(header: ["email", "name", "line", "status", "waiting_days", "overdue", "reason"])
        for row in rejected {
            csv.append([row.email, row.name, String(row.line), "rejected", "", "", row.reasons.joined(separator: "; ")])
        }
        for u in sortedUnmatched(unmatched) {
            let waiting = u.standing == .waiting
            csv.append([u.applicant.email.text, u.applicant.name, String(u.applicant.line), statusText(u.standing),
                        waiting ? String(u.waitingDays) : "", waiting ? (u.overdue ? "yes" : "no") : "", u.reason])
        }
        return OutputFile(path: "unmatched.csv", contents: csv.bytes)
    }

    /// unmatched.csv's status: rejected rows aside, who is waiting and who is not looking this month.
    static func statusText(_ standing: Pool.Standing) -> String {
        switch standing {
        case .waiting: return "waiting"
        case .inRunningPair: return "in a running pair"
        case .finished: return "pair completed"
        }
    }

    /// Waiting first (past the target first, then the longest wait), then those in running pairs, then
    /// juniors whose pair completed.
    static func sortedUnmatched(_ list: [UnmatchedApplicant]) -> [UnmatchedApplicant] {
        unmatchedOrder(list).map { list[$0] }
    }

    /// The indices of `list` in that order (report.html lists them so too), sorting small keys rather
    /// than comparing the applicants themselves (which cost a third of a second at 10,000 people).
    static func unmatchedOrder(_ list: [UnmatchedApplicant]) -> [Int] {
        let keys = list.map { u in
            (u.standing == .waiting ? 0 : u.standing == .inRunningPair ? 1 : 2, u.overdue ? 0 : 1, -u.waitingDays, u.applicant.email.key)
        }
        return list.indices.sorted { keys[$0] < keys[$1] }
    }

    /// What a coordinator reads first: counts, the solver's word on each stage, and the pairs.
    public static func summary(_ facts: SummaryFacts) -> OutputFile {
        var md = "# \(cell(facts.schemeName)): pairs for sessions from \(monthName(facts.firstMonth))\n\n"
        let ingest = facts.ingestCounts
        md += "## Applications\n\n"
        md += "- File: \(cell(facts.inputFile)) — \(ingest.records) responses, \(ingest.applicants) applicants"
        md += ingest.duplicates > 0 ? ", \(ingest.duplicates) earlier responses replaced by a later one" : ""
        md += "\n- \(ingest.rejected) rows could not be used (listed in `unmatched.csv` with the reason)"
        md += "\n- \(ingest.errors) errors, \(ingest.warnings) warnings (run `tandem check` on the file to see each one)\n"
        if facts.activePairs > 0 {
            md += "- From earlier months: \(facts.activePairs) pairs still running\n"
        }
        md += "\n## Result\n\n"
        let matching = facts.matching
        // A pair is made when it has its sessions; one the scheduler could not fit is listed, not made.
        let made = matching.pairs.filter { facts.slots[$0.senior.email.key + "|" + $0.junior.email.key] != nil }
        let seniors = Set(made.map(\.senior.email.key)).count
        md += "- **\(made.count) new pairs** (\(seniors) senior partners)\n"
        let counts = UnpairedCounts(matching.unmatched)
        md += "- **\(counts.waiting) \(counts.waiting == 1 ? "person" : "people") waiting** (usable applicants in no running pair who got no pair this month)"
        md += counts.pastTarget > 0 ? " — \(counts.pastTarget) of them past the \(facts.waitingTargetMonths)-month target\n" : "; none past the \(facts.waitingTargetMonths)-month target\n"
        if counts.inRunningPairs > 0 {
            md += "- \(counts.inRunningPairs) in running pairs, not looking this month"
            md += counts.fullSeniors > 0 ? " (\(counts.fullSeniors) of them \(counts.fullSeniors == 1 ? "a senior" : "seniors") with every place taken)\n" : "\n"
        }
        if counts.finished > 0 {
            md += "- \(counts.finished) \(counts.finished == 1 ? "junior" : "juniors") whose pair has completed (paired again only if they apply anew)\n"
        }
        md += "- Past the target: waiting, and first applied \(facts.waitingTargetMonths) months or more before the first session "
        md += "(\(facts.firstMonth.firstDay)); the first stage below pairs these people first\n"
        md += "- Sessions: \(facts.scheduledPairs) pairs have six monthly sessions in both partners' hours"
        md += facts.unscheduledPairs > 0 ? "; \(facts.unscheduledPairs) more pairs were chosen but could not be given a slot, so they are not made (see `pairs.csv`)\n" : "\n"
        md += "- Candidate pairs: \(matching.allowedPairs) allowed by the rules, \(matching.candidatePairs) kept for the solver"
        md += " (each person's best \(facts.candidatesPerPerson))\n"
        if let share = matching.givingBack.perPerson {
            md += "- Some overdue applicants were unpaired on those; restoring all their allowed pairs would have been too large, "
            md += "so each got back their best \(share) and the pairing was solved again. "
            md += "Raising `candidates_per_person` weighs more partners for everyone\n"
        } else if matching.givingBack.restoredOverdue {
            md += "- Some overdue applicants were unpaired on those: all their allowed pairs were restored and the pairing solved again\n"
        }
        if matching.givingBack.restoredOthers {
            md += "- Applicants left unpaired on the kept pairs got their best allowed pairs back before the final solve\n"
        }
        if let skipped = matching.givingBack.skipped {
            md += "- \(skipped) applicants were left unpaired on the kept pairs although they have allowed partners; giving "
            md += "them pairs back was too much work for a pool this size, so the stages are optimal for the kept pairs only. "
            md += "Raising `candidates_per_person` weighs more partners for everyone\n"
        }

        if let proposals = facts.proposals { md += proposals.markdown(made: made.count) }
        md += "\n## Solver (GLPK), stage by stage\n\n"
        md += "Each stage keeps the ones before it at their optimum. A network simplex solves each stage exactly for the "
        md += "roles it has; GLPK then re-solves the stage's model from that basis and must confirm the optimum. "
        md += "\"Either\" applicants are first allowed both roles (a relaxation, whose optimum is an upper bound); "
        md += "where that bound is loose, a sharper one prices each of them for taking both roles. A stage is proven optimal "
        md += "when the pairing reaches its bound, otherwise the gap to it is shown; after a stage not proven, the gap is to "
        md += "the best any pairing as good in the stages before it could reach. "
        md += "Solves count GLPK's solves and, for the minimum score, the bisection's probes.\n\n"
        md += "| stage | what it optimises | status | objective | gap | solves |\n|---|---|---|---|---|---|\n"
        let meaning = [
            "overdue": "people paired who have waited past the target",
            "coverage": "people paired",
            "waiting": "days waited by the people paired (longer waits first)",
            "minimum-score": "the lowest pair score",
            "total-score": "the sum of pair scores",
        ]
        for stage in matching.stages {
            let gap = stage.gap.map { String(format: "%.2g%%", $0 * 100) } ?? "—"
            md += "| \(stage.name) | \(meaning[stage.name] ?? "") | \(stage.status) | \(trim(stage.objective)) | \(gap) | \(stage.solves) |\n"
        }
        md += matching.allProvenOptimal ? "\nEvery stage was proven optimal.\n" : "\n**Not every stage was proven optimal**: see the gaps above.\n"
        if matching.stages.contains(where: { $0.lpText != nil }) {
            md += "Each stage's model is in `model-STAGE.lp` (CPLEX LP format) with GLPK's solution in `solution-STAGE.txt`; "
            md += "`model.lp` is the final stage's model. Time per stage: `timings.md`.\n"
        } else {
            md += "The stages' models were not written (\(matching.candidatePairs) candidate pairs make files of many megabytes); "
            md += "`tandem run --models always` writes them. Time per stage: `timings.md`.\n"
        }
        if facts.rounds > 1 {
            md += "\nThe pairing was solved \(facts.rounds) times: pairs that the scheduler could not fit were ruled out and the rest re-solved.\n"
        }

        md += "\n## New pairs\n\n"
        if matching.pairs.isEmpty {
            md += "No new pairs this month.\n"
        } else {
            md += "| senior | junior | score | slot |\n|---|---|---|---|\n"
            for pair in matching.pairs {
                let key = pair.senior.email.key + "|" + pair.junior.email.key
                let slot = facts.slots[key] ?? "not scheduled"
                md += "| \(cell(pair.senior.name)) | \(cell(pair.junior.name)) | \(number(pair.score.total)) | \(cell(slot)) |\n"
            }
        }
        let overdue = sortedUnmatched(matching.unmatched).filter { $0.overdue && $0.standing == .waiting }
        if !overdue.isEmpty {
            md += "\n## Waiting past the target and still not paired\n\n"
            for u in overdue {
                md += "- \(cell(u.applicant.name)) (\(u.waitingDays) days): \(cell(u.reason))\n"
            }
        }
        return OutputFile(path: "summary.md", text: VisibleText.clean(md, keepingLineBreaks: true))
    }

    /// Per-stage wall times: the one output that differs between identical runs, so it has its own file.
    public static func timings(_ stages: [(name: String, seconds: Double)], solverStages: [StageReport]) -> OutputFile {
        var md = "# Run times\n\n| stage | seconds |\n|---|---|\n"
        for stage in stages { md += "| \(stage.name) | \(String(format: "%.3f", stage.seconds)) |\n" }
        md += "\n## Pairing solver stages\n\n| stage | solves | seconds |\n|---|---|---|\n"
        for stage in solverStages { md += "| \(stage.name) | \(stage.solves) | \(String(format: "%.3f", stage.seconds)) |\n" }
        return OutputFile(path: "timings.md", text: md)
    }

    static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    /// A Markdown table cell: no pipes or line breaks from form answers.
    /// Text from the form or the file system in summary.md: on one line, nothing Markdown interprets.
    static func cell(_ text: String) -> String { MarkdownText.escaped(text) }

    public static func monthName(_ month: YearMonth) -> String {
        "\(DateText.months[month.month - 1]) \(month.year)"
    }
}

/// Who is not in a new pair, by where they stand: the counts every report gives.
public struct UnpairedCounts: Sendable, Hashable {
    /// Usable, in no running pair, no pair this month.
    public var waiting = 0
    /// Of those waiting, past the target (`WaitingTarget`).
    public var pastTarget = 0
    /// In a running pair, not looking this month.
    public var inRunningPairs = 0
    /// Of those in running pairs, seniors with every place taken.
    public var fullSeniors = 0
    /// Juniors whose pair from this response has completed.
    public var finished = 0

    public init(_ unmatched: [UnmatchedApplicant]) {
        for u in unmatched {
            switch u.standing {
            case .waiting:
                waiting += 1
                if u.overdue { pastTarget += 1 }
            case .inRunningPair:
                inRunningPairs += 1
                if u.full { fullSeniors += 1 }
            case .finished:
                finished += 1
            }
        }
    }
}

/// What the summary needs, gathered by the pipeline.
public struct SummaryFacts: Sendable {
    public struct IngestCounts: Sendable {
        public var records, applicants, duplicates, rejected, errors, warnings: Int
        public init(records: Int, applicants: Int, duplicates: Int, rejected: Int, errors: Int, warnings: Int) {
            self.records = records; self.applicants = applicants; self.duplicates = duplicates
            self.rejected = rejected; self.errors = errors; self.warnings = warnings
        }
    }
    public var schemeName: String
    public var inputFile: String
    public var firstMonth: YearMonth
    public var ingestCounts: IngestCounts
    public var matching: MatchingResult
    public var slots: [String: String]
    public var scheduledPairs: Int
    public var unscheduledPairs: Int
    public var waitingTargetMonths: Int
    public var candidatesPerPerson: Int
    public var rounds: Int
    public var activePairs: Int
    public var carriedOver: Int
    /// With `[acceptance]` on: the proposals (this run's pairs are proposals).
    public var proposals: ProposalSummary? = nil

    public init(schemeName: String, inputFile: String, firstMonth: YearMonth, ingestCounts: IngestCounts,
                matching: MatchingResult, slots: [String: String], scheduledPairs: Int, unscheduledPairs: Int,
                waitingTargetMonths: Int, candidatesPerPerson: Int, rounds: Int, activePairs: Int = 0, carriedOver: Int = 0) {
        self.schemeName = schemeName; self.inputFile = inputFile; self.firstMonth = firstMonth
        self.ingestCounts = ingestCounts; self.matching = matching; self.slots = slots
        self.scheduledPairs = scheduledPairs; self.unscheduledPairs = unscheduledPairs
        self.waitingTargetMonths = waitingTargetMonths; self.candidatesPerPerson = candidatesPerPerson
        self.rounds = rounds; self.activePairs = activePairs; self.carriedOver = carriedOver
    }
}
