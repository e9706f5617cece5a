import Foundation
import GLPK
import TandemModel

/// A pair made this month.
public struct Pairing: Sendable, Hashable {
    public var senior: Applicant
    public var junior: Applicant
    public var score: ScoreBreakdown
    /// Made because the coordinator's overrides said so.
    public var forcedByOverride: Bool
}

/// An applicant who is not in a new pair this month, and why.
public struct UnmatchedApplicant: Sendable, Hashable {
    public var applicant: Applicant
    public var waitingDays: Int
    /// Waiting and past the target (`Pool.isOverdue`); never true for someone in a running pair.
    public var overdue: Bool
    public var reason: String
    /// Waiting, in a running pair (not looking this month), or finished on this response.
    public var standing: Pool.Standing
    /// In a running pair as a senior with every place taken.
    public var full: Bool

    public init(applicant: Applicant, waitingDays: Int, overdue: Bool, reason: String, standing: Pool.Standing, full: Bool) {
        self.applicant = applicant
        self.waitingDays = waitingDays
        self.overdue = overdue
        self.reason = reason
        self.standing = standing
        self.full = full
    }
}

/// One lexicographic stage: what it optimised, how GLPK ended, how long it took.
public struct StageReport: Sendable {
    public var name: String
    public var status: String
    public var objective: Double
    public var gap: Double?
    public var seconds: Double
    /// Solves in the stage, by the network simplex or GLPK (bisection probes for the minimum score count each).
    public var solves: Int
    /// The stage's model in CPLEX LP format and GLPK's printed MIP solution.
    public var lpText: String?
    public var printedSolution: String?
    public var provenOptimal: Bool
}

public struct MatchingResult: Sendable {
    public var pairs: [Pairing]
    public var unmatched: [UnmatchedApplicant]
    public var stages: [StageReport]
    /// Allowed pairs before pruning, and kept for the solver.
    public var allowedPairs: Int
    public var candidatePairs: Int
    /// Which pairs pruning had left out were given back before the stages were solved, for the summary.
    public var givingBack: GivingBack
    public var scoringSeconds: Double
    public var solvingSeconds: Double
    public var allProvenOptimal: Bool { stages.allSatisfy(\.provenOptimal) }
    /// With `--models always`: the full role model (`PairingModel`, roles free) of each stage with the
    /// earlier stages held at the values found, in CPLEX LP format, by file name
    /// (`role-model-STAGE.lp`; `role-model-minimum-score-above.lp` is the floor one score higher,
    /// infeasible when the floor is optimal), for an independent solver to check the stages against.
    public var roleModels: [(name: String, text: String)] = []
    /// What the next round, `Matcher.search` and `Matcher.confirm` take over; not part of the result.
    var carry = Carry()

    /// The matcher's working state kept apart from what it found.
    struct Carry: Sendable {
        /// Set until `Matcher.confirm` has had GLPK check the network's result.
        var pendingCheck: Matcher.PendingCheck?
        /// The scorer, for the next round.
        var scorer: Scorer?
        /// The candidate pairs solved, pairs given back included: the next round starts from them.
        var candidateSet = CandidateSet(candidates: [], allowedPairs: 0, hasAllowedPartner: [])
    }
}

/// Chooses the month's pairs: scores the pool, prunes, then solves the lexicographic stages of
/// `PairingModel` by one method at every size:
/// 1. **Network.** With every role known the model is a flow network, solved exactly by our network
///    simplex (`NetworkStages`): first with every "either" applicant free on both sides (the
///    relaxation, which allows every valid pairing and more), then, if it used someone both ways,
///    with each "either" applicant's role set by rule from it, then chosen again with the pair
///    scores in view (`NetworkStages.scoredRoles`), whichever gives the better stages.
/// 2. **Bounds.** Each stage's value is measured against a valid upper bound
///    (`NetworkStages.bounds`): counts (nobody is paired twice) and the relaxation's own values.
///    A stage that reaches its bound, after every stage before it did, is proven optimal.
/// 3. **Closing search.** From the first stage short of its bound, GLPK's branch-and-bound on the
///    full model with roles free (`ClosingSearch`), from the network's pairs, within a node budget
///    that keeps it to seconds and reproducible.
/// GLPK also re-solves each network stage's LP from the network's final basis (`confirm`), so that
/// GLPK, not our code, says "optimal"; every hard rule is checked again before a result is returned.
public enum Matcher {
    /// - Parameters:
    ///   - confirm: have GLPK check the network's stages now (see `confirm`); `tandem run`
    ///     defers it until the scheduler has accepted the pairs.
    ///   - previous: the same pool's result before some pairs were ruled out (`Pool.unschedulable`,
    ///     the only difference allowed): its scorer and candidate pairs, pairs given back included,
    ///     are used again without those pairs instead of scoring the pool once more.
    ///   - search: run the closing search now where the network leaves a stage open; `tandem run`
    ///     leaves it to `search(_:config:models:)`, after the scheduler's last round.
    ///   - instruments: the clock for the stages' seconds, and where debug lines go (a later
    ///     round, `search` and `confirm` use those of the first).
    public static func match(_ pool: Pool, config: SchemeConfig, models: ModelFiles = .automatic,
                             confirm: Bool = true, previous: MatchingResult? = nil,
                             search: Bool = true, instruments given: Instruments = .system) throws(MatchingError) -> MatchingResult {
        let instruments = previous?.carry.scorer?.instruments ?? given
        let started = instruments.now()
        let scorer: Scorer
        if let earlier = previous?.carry.scorer {
            scorer = earlier.ruling(out: pool.unschedulable)
        } else {
            scorer = try Scorer(pool: pool, config: config, instruments: instruments)
        }
        var candidateSet = previous.map { scorer.without(ruledOut: $0.carry.candidateSet) } ?? scorer.candidates()
        let scored = instruments.now()
        let overdue = overdueApplicants(pool, config: config)
        var givingBack = GivingBack(after: previous)
        func pairingModel(of candidates: CandidateSet) throws(MatchingError) -> PairingModel {
            PairingModel(pool: pool, candidates: candidates.candidates,
                         mustPairs: try validatedMustPairs(scorer: scorer, candidates: candidates.candidates), overdue: overdue)
        }
        var model = try pairingModel(of: candidateSet)
        // A later round has only fewer pairs: the roles and bound its first solve settled still serve.
        var settled = previous?.carry.pendingCheck?.settled
        var start: [Int64] = [] // the pairs a solve of a model with pairs given back starts from
        if !givingBack.done {
            // Whom to give pairs back to is read off the priority stages alone; the score stages
            // wait until the candidate pairs are final.
            let early = NetworkStages(model: model, instruments: instruments).priorityPairs()
            settled = early.settled
            if let extra = givingBack.pairs(for: early.chosen, in: model, candidates: candidateSet, scorer: scorer,
                                              overdue: overdue, config: config) {
                candidateSet = scorer.adding(extra, to: candidateSet)
                model = try pairingModel(of: candidateSet)
                settled = nil
                start = early.relaxation
            }
        }
        var stages: [StageReport] = []
        var chosen: [Int] = []
        var pending: PendingCheck?
        if !model.candidates.isEmpty {
            chosen = try solveByNetwork(model, config: config.matching,
                                        keepModels: models.keeps(candidatePairs: model.candidates.count), reports: &stages,
                                        pending: &pending, reusing: settled, start: start, search: search, instruments: instruments)
        }
        let solved = instruments.now()
        instruments.debug("matcher: scoring \(scored - started)s, solving and restoring \(solved - scored)s")
        let (pairs, unmatched) = try outcome(chosen, model: model, scorer: scorer, overdue: overdue)
        instruments.debug("matcher: checked and described in \(instruments.seconds(since: solved))s")
        var result = MatchingResult(pairs: pairs, unmatched: unmatched, stages: stages,
                              allowedPairs: candidateSet.allowedPairs, candidatePairs: candidateSet.candidates.count,
                              givingBack: givingBack,
                              scoringSeconds: scored - started, solvingSeconds: solved - scored)
        result.carry = MatchingResult.Carry(pendingCheck: pending, scorer: scorer, candidateSet: candidateSet)
        if confirm { try Self.confirm(&result, config: config, models: models) }
        return result
    }

    static func overdueApplicants(_ pool: Pool, config: SchemeConfig) -> Set<Int> {
        Set(pool.applicants.indices.filter { pool.isOverdue($0, targetMonths: config.matching.waitingTargetMonths) })
    }

    /// The chosen candidate pairs as pairs of people (by senior, then junior) once every hard rule
    /// has been checked on them again, and everyone left out with the reason.
    static func outcome(_ chosen: [Int], model: PairingModel, scorer: Scorer,
                        overdue: Set<Int>) throws(MatchingError) -> (pairs: [Pairing], unmatched: [UnmatchedApplicant]) {
        try verify(pairs: chosen, model: model, scorer: scorer)
        let pairs = chosen.map { e -> Pairing in
            let c = model.candidates[e]
            return Pairing(senior: model.pool.applicants[c.senior], junior: model.pool.applicants[c.junior], score: c.score,
                           forcedByOverride: model.mustPairs.contains(e))
        }.sorted { ($0.senior.email.key, $0.junior.email.key) < ($1.senior.email.key, $1.junior.email.key) }
        let unmatched = describeUnmatched(pool: model.pool, scorer: scorer, model: model, chosen: chosen, overdue: overdue)
        return (pairs, unmatched)
    }

    /// Must-pairs must pass the hard rules and fit the seniors' capacity: checked here, in words a
    /// coordinator understands, rather than discovered as an infeasible model.
    static func validatedMustPairs(scorer: Scorer, candidates: [Candidate]) throws(MatchingError) -> Set<Int> {
        let pool = scorer.pool
        let byKey = Dictionary(pool.applicants.enumerated().map { ($0.element.email.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let index = Dictionary(candidates.enumerated().map { (Int64($0.element.senior) << 32 | Int64($0.element.junior), $0.offset) },
                               uniquingKeysWith: { a, _ in a })
        var result = Set<Int>()
        var perSenior: [Int: Int] = [:]
        var juniors = Set<Int>()
        for must in pool.overrides.mustPair {
            guard let s = byKey[must.senior] else {
                throw .mustPairNotAllowed(senior: must.senior, junior: must.junior, why: "\(must.senior) is not among this month's usable applicants")
            }
            guard let j = byKey[must.junior] else {
                throw .mustPairNotAllowed(senior: must.senior, junior: must.junior, why: "\(must.junior) is not among this month's usable applicants")
            }
            if let rule = scorer.rule(senior: s, junior: j) {
                throw .mustPairNotAllowed(senior: must.senior, junior: must.junior, why: rule.description)
            }
            guard juniors.insert(j).inserted else {
                throw .mustPairNotAllowed(senior: must.senior, junior: must.junior, why: "\(must.junior) has another must-pair already")
            }
            perSenior[s, default: 0] += 1
            let capacity = max(0, pool.applicants[s].capacity - (pool.capacityInUse[must.senior] ?? 0))
            if perSenior[s]! > capacity {
                throw .mustPairsOverCapacity(senior: must.senior, count: perSenior[s]!, capacity: capacity)
            }
            if let e = index[Int64(s) << 32 | Int64(j)] { result.insert(e) }
        }
        let seniors = Set(perSenior.keys)
        if let clash = seniors.intersection(juniors).first {
            throw .mustPairNotAllowed(senior: pool.applicants[clash].email.key, junior: "", why: "the overrides make \(pool.applicants[clash].email.key) both a senior and a junior")
        }
        return result
    }

    /// The network's result waiting for GLPK's check (`Matcher.confirm`) and, where a stage is
    /// open, for the closing search (`Matcher.search`).
    struct PendingCheck: Sendable {
        var model: PairingModel
        var final: NetworkStages.Pass
        var relaxation: NetworkStages.Pass
        var passes: Int
        var settled: NetworkStages.Settled?
        /// Valid upper bounds of the stages (`NetworkStages.bounds`).
        var bounds: [PairingModel.Stage: Int]
        /// The first stage the network's pairs do not prove, when the closing search can take it.
        var searchFrom: PairingModel.Stage?
        /// The pairs returned: the network's, or the closing search's.
        var chosen: [Int]
        /// The closing search's stages, once it has run.
        var searched: [StageReport]?
        /// The run's clock and debug lines.
        var instruments: Instruments
    }

    /// The stages on the pairing network (`NetworkStages`) and their bounds. The first stage short
    /// of its bound is left to the closing search (`ClosingSearch`), run here or, when `search` is
    /// false, by `search(_:config:models:)` once the scheduler has accepted the pairs; GLPK's check of the network's
    /// stages is left to `confirm`.
    private static func solveByNetwork(_ model: PairingModel, config: MatchingConfig, keepModels: Bool,
                                       reports: inout [StageReport], pending: inout PendingCheck?,
                                       reusing earlier: NetworkStages.Settled?, start: [Int64], search: Bool,
                                       instruments: Instruments) throws(MatchingError) -> [Int] {
        let stages = NetworkStages(model: model, instruments: instruments)
        var (final, relaxation, passes, settled) = stages.solve(reusing: earlier, start: start)
        let bounds = stages.bounds(final: &final, relaxation: &relaxation)
        settled?.relaxation = relaxation
        settled?.scoreBound = final.scoreBound
        let open = model.stages.first { stage in bounds[stage].map { final.values[stage]! < $0 } ?? true }
        instruments.debug("network: bounds \(bounds.map { "\($0.key.rawValue)=\($0.value)" }.sorted()), first open stage \(open?.rawValue ?? "none")")
        var check = PendingCheck(model: model, final: final, relaxation: relaxation, passes: passes, settled: settled,
                                 bounds: bounds, chosen: final.chosen, instruments: instruments)
        // The total-score stage is searched at any size, priced down to a small model (`ClosingSearch.totalScore`),
        // and so is a priority stage the network priced (`ClosingSearch.pricedPriority`).
        if let open, model.candidates.count <= MatchingLimits.searchCandidates || (open == .totalScore && final.scoreBound != nil)
            || final.priorityBounds[open] != nil {
            check.searchFrom = open
        }
        if search { try runSearch(&check, config: config, keepModels: keepModels) }
        pending = check
        reports = try checkedReports(check, config: config, keepModels: keepModels, check: false)
        return check.chosen
    }

    /// The closing search from `check.searchFrom`, the earlier stages held at the network's values.
    private static func runSearch(_ check: inout PendingCheck, config: MatchingConfig, keepModels: Bool) throws(MatchingError) {
        guard let first = check.searchFrom, check.searched == nil else { return }
        var floors: [PairingModel.Stage: Double] = [:]
        for stage in check.model.stages.prefix(while: { $0 != first }) where stage.isPriority {
            floors[stage] = check.final.values[stage].map(Double.init)
        }
        let outcome = try ClosingSearch(model: check.model, config: config, keepModels: keepModels, instruments: check.instruments)
            .run(from: first, floors: floors, floor: check.final.floor, start: check.final.chosen, bounds: check.bounds,
                 scoreBound: check.final.scoreBound, priorityBounds: check.final.priorityBounds)
        check.chosen = outcome.chosen
        check.searched = outcome.reports
    }

    /// Runs the closing search that `match(search: false)` left for later, on the result the
    /// scheduler accepted: returns whether the pairs changed (the caller schedules them again).
    public static func search(_ result: inout MatchingResult, config: SchemeConfig, models: ModelFiles) throws(MatchingError) -> Bool {
        guard var check = result.carry.pendingCheck, check.searchFrom != nil, check.searched == nil, let scorer = result.carry.scorer else { return false }
        let keep = models.keeps(candidatePairs: check.model.candidates.count)
        let before = check.chosen
        try runSearch(&check, config: config.matching, keepModels: keep)
        result.carry.pendingCheck = check
        result.stages = try checkedReports(check, config: config.matching, keepModels: keep, check: false)
        guard check.chosen != before else { return false }
        (result.pairs, result.unmatched) = try outcome(check.chosen, model: check.model, scorer: scorer,
                                                        overdue: overdueApplicants(scorer.pool, config: config))
        return true
    }

    /// Has GLPK check every stage of a network result from the network simplex's basis (and the
    /// relaxation's bound where it bounds a stage). `tandem run` calls this once the month's
    /// pairing is final, so that rounds discarded for scheduling are not checked in vain.
    public static func confirm(_ result: inout MatchingResult, config: SchemeConfig, models: ModelFiles) throws(MatchingError) {
        guard let pending = result.carry.pendingCheck else { return }
        result.stages = try checkedReports(pending, config: config.matching,
                                           keepModels: models.keeps(candidatePairs: pending.model.candidates.count), check: true)
        if models == .always { result.roleModels = try roleModels(pending.model, chosen: pending.chosen) }
        result.carry.pendingCheck = nil
    }

    /// The full role model of each stage at the values `chosen` reaches (see `MatchingResult.roleModels`).
    static func roleModels(_ model: PairingModel, chosen: [Int]) throws(MatchingError) -> [(name: String, text: String)] {
        typealias Stage = PairingModel.Stage
        var floors: [Stage: Double] = [:]
        let floor = chosen.isEmpty ? nil : Int(model.objectiveValue(.minimumScore, chosen: chosen))
        var files: [(name: String, text: String)] = []
        func write(_ name: String, _ stage: Stage, minimum: Int?) throws(MatchingError) {
            do { files.append(("role-model-\(name).lp", try Solver.lpText(model.build(stage: stage, floors: floors, minimumPoints: minimum).model))) }
            catch { throw .solver(error.description) }
        }
        for stage in model.stages {
            switch stage {
            case .overdue, .coverage, .waiting:
                try write(stage.rawValue, stage, minimum: nil)
                floors[stage] = model.objectiveValue(stage, chosen: chosen)
            case .minimumScore:
                guard let floor else { continue }
                if let above = model.floorThresholds.first(where: { $0 > floor }) {
                    try write("minimum-score-above", .minimumScore, minimum: above)
                }
            case .totalScore:
                try write(stage.rawValue, .totalScore, minimum: floor)
            }
        }
        return files
    }

    /// The stage reports: the network's stages (each checked by GLPK when `check`), then the closing
    /// search's, if it ran.
    private static func checkedReports(_ pending: PendingCheck, config: MatchingConfig, keepModels: Bool,
                                       check: Bool) throws(MatchingError) -> [StageReport] {
        typealias Stage = PairingModel.Stage
        let (model, final, relaxation, passes) = (pending.model, pending.final, pending.relaxation, pending.passes)
        let searched = pending.searched == nil ? nil : pending.searchFrom
        // The stages the network's pairs stand for (those before the search), with their bounds.
        let networkStages = model.stages.prefix { $0 != searched }
        // GLPK re-solves each stage's LP from the network's basis (and the relaxation's, where its
        // bound is the relaxation's), every job on its own thread at once (GLPK keeps its state per thread).
        var jobs: [(network: PairingNetwork, stage: Stage, keep: Bool)] = []
        if check {
            for stage in networkStages {
                jobs.append((final.networks[stage]!, stage, keepModels))
                if passes > 1, let bound = pending.bounds[stage], bound == relaxation.values[stage], let relaxed = relaxation.networks[stage] {
                    jobs.append((relaxed, stage, false))
                }
            }
        }
        let outcomes = ResultSlots<Result<Solution, MatchingError>>(count: jobs.count)
        let allJobs = jobs
        let instruments = pending.instruments
        DispatchQueue.concurrentPerform(iterations: allJobs.count) { k in
            let job = allJobs[k]
            outcomes.set(k, Result { () throws(MatchingError) -> Solution in
                try NetworkStages.prove(job.network, stage: job.stage, keep: job.keep, timeLimit: config.solverTimeLimitSeconds,
                                        instruments: instruments)
            })
        }
        var solutions = outcomes.values()[...]

        var sequence = StageSequence()
        for stage in networkStages {
            let value = final.values[stage]!
            let bound = pending.bounds[stage]
            // The floor as the network found it; the other stages' values as the pairs give them.
            let shown = stage == .minimumScore ? Double(value) : model.objectiveValue(stage, chosen: final.chosen)
            var outcome = StageOutcome(stage: stage, value: shown, bound: bound.map(Double.init),
                                       ending: !check ? .notYetChecked : bound == value ? .optimal : .heuristicRoles,
                                       seconds: final.seconds[stage] ?? 0, solves: stage == .minimumScore ? final.probes : 0)
            if check {
                // GLPK must confirm the final network's optimum of this stage.
                let solution = try solutions.removeFirst().get()
                outcome.solves += 1
                outcome.seconds += solution.seconds
                let glpkAgrees = solution.isProvenOptimal
                    && (stage == .minimumScore || abs((solution.objective ?? .nan) - Double(value)) < 0.5)
                guard glpkAgrees else {
                    throw .solver("GLPK did not confirm the network optimum of stage \(stage.rawValue): \(solution.status), objective \(solution.objective ?? .nan) against \(value)")
                }
                (outcome.lpText, outcome.printedSolution) = (solution.lpText, solution.printedSolution)
                if passes > 1, let bound, bound == relaxation.values[stage], relaxation.networks[stage] != nil {
                    // The relaxation's bound, also checked by GLPK.
                    let bounding = try solutions.removeFirst().get()
                    outcome.solves += 1
                    outcome.seconds += bounding.seconds
                    guard bounding.isProvenOptimal, abs((bounding.objective ?? .nan) - Double(bound)) < 0.5 else {
                        throw .solver("GLPK did not confirm the relaxation bound of stage \(stage.rawValue): \(bounding.status)")
                    }
                }
            }
            sequence.append(outcome)
        }
        return (model.overdue.isEmpty ? [skippedOverdue(model, config: config)] : []) + sequence.reports + (pending.searched ?? [])
    }

    /// The overdue stage's report when nobody past the target has a possible partner: whether anyone
    /// is past it at all.
    private static func skippedOverdue(_ model: PairingModel, config: MatchingConfig) -> StageReport {
        let past = model.pool.applicants.indices.filter { model.pool.isOverdue($0, targetMonths: config.waitingTargetMonths) }.count
        let status = past == 0 ? "skipped: nobody has waited past the target"
            : "skipped: \(past == 1 ? "the 1 person" : "the \(past) people") past the target \(past == 1 ? "has" : "have") no possible partner this month (unmatched.csv says why)"
        return StageReport(name: PairingModel.Stage.overdue.rawValue, status: status,
                           objective: 0, gap: 0, seconds: 0, solves: 0, provenOptimal: true)
    }

    /// Every hard rule, checked again on the solution: a violation is an error, never an output.
    static func verify(pairs chosen: [Int], model: PairingModel, scorer: Scorer) throws(MatchingError) {
        var juniorCount: [Int: Int] = [:]
        var seniorCount: [Int: Int] = [:]
        for e in chosen {
            let c = model.candidates[e]
            let names = "\(model.pool.applicants[c.senior].email.key) with \(model.pool.applicants[c.junior].email.key)"
            if let rule = scorer.rule(senior: c.senior, junior: c.junior) {
                throw .ruleBroken("pair \(names): \(rule)")
            }
            juniorCount[c.junior, default: 0] += 1
            seniorCount[c.senior, default: 0] += 1
        }
        for (j, count) in juniorCount where count > 1 {
            throw .ruleBroken("\(model.pool.applicants[j].email.key) has \(count) seniors")
        }
        for (s, count) in seniorCount where count > model.remainingCapacity(s) {
            throw .ruleBroken("\(model.pool.applicants[s].email.key) has \(count) juniors, capacity \(model.remainingCapacity(s))")
        }
        for p in juniorCount.keys where seniorCount[p] != nil {
            throw .ruleBroken("\(model.pool.applicants[p].email.key) is both a senior and a junior")
        }
        for e in model.mustPairs where !chosen.contains(e) {
            throw .ruleBroken("the must-pair \(model.pool.applicants[model.candidates[e].senior].email.key) was not made")
        }
    }

    static func describeUnmatched(pool: Pool, scorer: Scorer, model: PairingModel, chosen: [Int], overdue: Set<Int>) -> [UnmatchedApplicant] {
        var paired = Set<Int>()
        for e in chosen {
            paired.insert(model.candidates[e].senior)
            paired.insert(model.candidates[e].junior)
        }
        let inModel = Set(model.people)
        return pool.applicants.indices.filter { !paired.contains($0) }.map { i in
            let a = pool.applicants[i]
            let standing = pool.standing(i)
            let inUse = pool.capacityInUse[a.email.key] ?? 0
            let reason: String
            if standing == .inRunningPair {
                reason = inUse == 0 ? "in a running pair as a junior partner"
                    : inUse >= a.capacity ? "in a running pair as a senior partner, every place taken"
                    : "in a running pair as a senior partner; \(a.capacity - inUse) of their \(a.capacity) places free, none filled this month"
            } else if standing == .finished && scorer.seniorBlock[i] != nil {
                reason = "their pair as a junior partner has completed; a new response applies again"
            } else if inModel.contains(i) {
                reason = "allowed partners were all needed for pairs that cover more people, longer waits or better scores"
            } else if let block = scorer.seniorBlock[i], let juniorBlock = scorer.juniorBlock[i] {
                reason = a.role == .junior ? "cannot be paired: \(juniorBlock)" : a.role == .senior ? "cannot be paired: \(block)" : "cannot be paired: \(block); \(juniorBlock)"
            } else {
                reason = "no allowed partner: " + closestExclusion(i, scorer: scorer)
            }
            return UnmatchedApplicant(applicant: a, waitingDays: pool.waitingDays(i), overdue: overdue.contains(i), reason: reason,
                                      standing: standing, full: inUse > 0 && inUse >= a.capacity)
        }
    }

    /// For someone with no allowed partner, the rule that excluded most of their possible partners.
    static func closestExclusion(_ i: Int, scorer: Scorer) -> String {
        var counts: [String: Int] = [:]
        var total = 0
        for other in scorer.pool.applicants.indices where other != i {
            var rules: [PairRule] = []
            if scorer.seniorBlock[i] == nil, let r = scorer.rule(senior: i, junior: other) { rules.append(r) }
            if scorer.juniorBlock[i] == nil, let r = scorer.rule(senior: other, junior: i) { rules.append(r) }
            for rule in rules {
                switch rule {
                case .cannotBeSenior, .cannotBeJunior, .samePerson: continue // not a possible partner at all
                default:
                    counts[rule.description, default: 0] += 1
                    total += 1
                }
            }
        }
        guard total > 0 else { return "nobody in the pool can take the other role" }
        let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(2)
        return top.map { "\($0.key) (\($0.value) of \(total))" }.joined(separator: "; ")
    }
}
