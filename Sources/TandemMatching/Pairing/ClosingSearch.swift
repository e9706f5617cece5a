import Foundation
import GLPK
import TandemModel

/// GLPK's branch-and-bound on the full role model (`PairingModel`, "either" roles free), for the
/// stages the network method left open: the last step of the one method every pool goes through.
///
/// The network's pass gives every stage a value and, where it can, a valid upper bound
/// (`NetworkStages.bounds`). Stages up to the first whose value is below its bound (or has none)
/// are proven. From that stage on this search takes over, stage by stage, each earlier stage held
/// at the value found (`keep_…` rows), starting from the network's pairs:
/// - overdue, coverage, waiting: one solve each;
/// - minimum score: bisection over the distinct pair scores, only between the floor the pairs in
///   hand reach and the bound (each probe a solve: a solution found raises the floor, "infeasible"
///   lowers the top);
/// - total score: solves at the floor on models priced down by the network's Lagrangian
///   multipliers (`totalScore`), at any size: the pairs no better pairing can change are fixed.
/// A solve that stops at the node limit keeps the best pairs it found; that stage is reported with
/// GLPK's gap and the later stages keep those pairs unproven (their optimum is only defined once
/// the earlier stages' is known).
///
/// Why a node limit and not a time limit: the same export must give the same pairs on every
/// machine, and where GLPK stops on a clock depends on the machine. The budget is counted in
/// nodes × (candidate pairs)^1.5 (`MatchingLimits.searchWork`), so the search costs about the same
/// few seconds whatever the size of the models it solves (at most `MatchingLimits.searchCandidates`
/// pairs each).
struct ClosingSearch {
    typealias Stage = PairingModel.Stage

    let model: PairingModel
    let config: MatchingConfig
    let keepModels: Bool
    /// The run's clock (a stage's seconds) and debug lines.
    let instruments: Instruments
    /// Pairs left free by the first priced-down model of the total-score stage, and by the largest
    /// (`totalScore`).
    var firstPricedPairs = MatchingLimits.pricedPairs
    var pricedPairsLimit = MatchingLimits.pricedPairsLimit

    struct Outcome: Sendable {
        var chosen: [Int]
        /// One report per stage from the first searched on.
        var reports: [StageReport]
    }

    /// Runs the stages from `first` on. `floors`: the proven optimum of each earlier priority
    /// stage; `floor`: the proven minimum score when `first` is the total score; `start`: the
    /// network's pairs (feasible for every stage); `bounds`: the network's valid upper bounds,
    /// which spare probes and give the gap where GLPK stops early.
    /// `scoreBound`: the network's total-score bound, whose multipliers price pairs out of the
    /// total-score stage's model (`ScoreBound.fixedPairs`).
    /// `priorityBounds`: the network's Lagrangian bounds of the priority stages it fell short of,
    /// whose multipliers price their models down (`pricedPriority`).
    func run(from first: Stage, floors given: [Stage: Double], floor: Int?, start: [Int], bounds: [Stage: Int],
             scoreBound: NetworkStages.ScoreBound? = nil, priorityBounds: [Stage: NetworkStages.ScoreBound] = [:]) throws(MatchingError) -> Outcome {
        var floors = given
        var incumbent = start
        var sequence = StageSequence() // the stages before `first` are proven
        // The budget in nodes × (candidate pairs)^1.5 (`MatchingLimits.searchWork`): a search priced
        // down to a small model (`totalScore`) may take more nodes, each cheaper.
        var workLeft = MatchingLimits.searchWork
        func nodeCost(_ pairs: Int) -> Int { max(1, Int(Double(max(1, pairs)) * Double(max(1, pairs)).squareRoot())) }
        var floorPoints = first == .totalScore ? floor : nil
        // The network's bounds hold over pairings at least as good as its own in the earlier stages
        // (`NetworkStages.bounds`): used only while the pairs in hand are, stage by stage.
        let networkValues = model.stages.map { model.objectiveValue($0, chosen: start) }
        func bound(_ stage: Stage) -> Int? {
            let earlier = model.stages.prefix { $0 != stage }.enumerated()
            return earlier.allSatisfy { model.objectiveValue($1, chosen: incumbent) >= networkValues[$0] } ? bounds[stage] : nil
        }

        // The total score's last model searched and its root LP's basis: the next model, with more
        // pairs free, starts its simplex from it (`StartingBasis.carried`): several times faster than
        // from scratch (docs/method.md, "Measured choices").
        var lastRoot: (model: Model, basis: StartingBasis)?
        func solve(_ stage: Stage, floor: Int?, keep: Bool, from start: [Int], on part: Part? = nil,
                   cutoff: Int? = nil) throws(MatchingError) -> (Solution, [Int]) {
            let searched = part?.model ?? model
            let inPart = part.map { part in start.compactMap { part.index[$0] } } ?? start
            let built = searched.build(stage: stage, floors: floors, minimumPoints: floor)
            let warm = stage == .totalScore ? lastRoot.flatMap { StartingBasis.carried($0.basis, of: $0.model, to: built.model) } : nil
            var options = searchOptions(searched, built: built, stage: stage, floors: floors, floor: floor, keep: keep,
                                        nodeLimit: max(1, workLeft / nodeCost(searched.candidates.count)))
            options.startingSolution = start.isEmpty ? nil : Self.startingValues(built, chosen: inPart, model: searched, floor: floor)
            options.cutoff = cutoff.map(Double.init)
            options.startingBasis = warm
            var solution: Solution
            let began = instruments.now()
            do { solution = try Solver.solve(built.model, options: options) } catch { throw .solver(error.description) }
            solution.seconds = instruments.seconds(since: began) // on the run's clock, like every other stage
            workLeft -= max(1, solution.nodes) * nodeCost(searched.candidates.count)
            if let basis = solution.rootBasis { lastRoot = (built.model, basis) }
            instruments.debug("search \(stage.rawValue) floor=\(floor ?? -1) cols=\(built.model.columns.count) \(solution.status) "
                + "\(solution.seconds)s, \(solution.nodes) nodes, \(solution.fixedByCutoff) columns fixed, \(warm == nil ? "cold" : "warm") root, work left \(workLeft)")
            let chosen = solution.values == nil ? [] : built.pairVariables.indices.filter { solution.value(built.pairVariables[$0]) > 0.5 }
            return (solution, part.map { part in chosen.map { part.kept[$0] }.sorted() } ?? chosen)
        }

        for stage in model.stages.drop(while: { $0 != first }) {
            if !sequence.allProven && stage != .totalScore {
                // Kept as they are; the total score is still searched, holding them at the pairs' values.
                sequence.append(unproven(stage, chosen: incumbent, bound: bound(stage)))
                if stage == .minimumScore {
                    floorPoints = incumbent.isEmpty ? nil : Int(model.objectiveValue(.minimumScore, chosen: incumbent))
                } else {
                    floors[stage] = model.objectiveValue(stage, chosen: incumbent)
                }
                continue
            }
            switch stage {
            case .overdue, .coverage, .waiting:
                sequence.append(try priorityStage(stage, incumbent: &incumbent, bound: bound(stage),
                                                  priced: bound(stage) == nil ? nil : priorityBounds[stage], solve: solve))
                floors[stage] = model.objectiveValue(stage, chosen: incumbent)
            case .minimumScore:
                let (outcome, floor) = try floorStage(incumbent: &incumbent, floors: floors, bound: bound(.minimumScore), solve: solve)
                floorPoints = floor
                sequence.append(outcome)
            case .totalScore:
                let outcome = try totalScore(floor: floorPoints, floors: floors, incumbent: &incumbent, bound: bound(.totalScore),
                                             scoreBound: scoreBound, solve: solve, workLeft: { workLeft })
                sequence.append(try withLPBound(outcome, floor: floorPoints, floors: floors))
            }
        }
        return Outcome(chosen: incumbent, reports: sequence.reports)
    }

    /// The minimum-score stage: the floor's bound (the network's, lowered to the relaxation's reach
    /// at the values now proven, `NetworkStages.floorBound`), then the bisection (`minimumScore`).
    /// A proven floor's pairs are polished by the network: GLPK's pairs at the floor are arbitrary in
    /// the total score, and with their roles the network finds the best total score at that floor,
    /// the total-score search's start.
    private func floorStage(incumbent: inout [Int], floors: [Stage: Double], bound: Int?,
                            solve: Solve) throws(MatchingError) -> (StageOutcome, Int?) {
        var floorLimit = bound
        if !incumbent.isEmpty {
            floorLimit = NetworkStages(model: model, instruments: instruments).floorBound(
                reaching: floors.mapValues { Int($0) }, from: Int(model.objectiveValue(.minimumScore, chosen: incumbent)), below: floorLimit)
        }
        var (outcome, floor) = try minimumScore(bound: floorLimit, incumbent: &incumbent, solve: { (stage, floor, keep, start) throws(MatchingError) in
            try solve(stage, floor, keep, start, nil, nil)
        })
        if keepModels, let floor {
            // The model at the floor found, so it can be re-checked elsewhere (written, not
            // solved again: its root LP alone takes seconds).
            outcome.lpText = try lpText(.minimumScore, floors: floors, floor: floor)
        }
        if outcome.provenOptimal, let polished = networkPairs(withRolesOf: incumbent, upTo: .minimumScore) { incumbent = polished }
        return (outcome, floor)
    }

    /// GLPK's options for one search of `searched`: its time limit and gap, `nodeLimit`, the root's
    /// basis kept for the next total-score model, and the network's rounding of the first nodes' LP
    /// solutions (`roundedByNetwork`), on up to `MatchingLimits.roundedNodes` nodes, fewer on larger models.
    private func searchOptions(_ searched: PairingModel, built: PairingModel.Built, stage: Stage, floors: [Stage: Double],
                               floor: Int?, keep: Bool, nodeLimit: Int) -> SolveOptions {
        var options = SolveOptions(timeLimit: config.solverTimeLimitSeconds, mipGap: config.mipGap, nodeLimit: nodeLimit,
                                   keepLPText: keep, keepPrintedSolution: keep)
        options.keepRootBasis = stage == .totalScore
        options.heuristic = Self.roundedByNetwork(searched, built: built, stage: stage, floors: floors, floor: floor,
                                                  instruments: instruments)
        options.heuristicNodes = max(1, min(MatchingLimits.roundedNodes, MatchingLimits.heuristicWork / max(1, searched.candidates.count)))
        return options
    }

    /// One solve of the search: stage, floor, whether to keep the model's text, the pairs to start
    /// from, the part of the model searched (nil: all of it), and the cutoff.
    typealias Solve = (Stage, Int?, Bool, [Int], Part?, Int?) throws(MatchingError) -> (Solution, [Int])

    /// A priority stage: on the model priced down by the network's multipliers when that is small
    /// enough (`pricedPriority`), else on the whole model up to `MatchingLimits.searchCandidates`
    /// pairs; a larger one keeps the pairs in hand and reports the gap to `bound`.
    private func priorityStage(_ stage: Stage, incumbent: inout [Int], bound: Int?, priced: NetworkStages.ScoreBound?,
                               solve: Solve) throws(MatchingError) -> StageOutcome {
        if let priced, let outcome = try pricedPriority(stage, priced: priced, incumbent: &incumbent, bound: bound, solve: solve) {
            return outcome
        }
        let before = model.objectiveValue(stage, chosen: incumbent)
        guard model.candidates.count <= MatchingLimits.searchCandidates else {
            return StageOutcome(stage: stage, value: before, bound: bound.map(Double.init), ending: .tooManyPairs)
        }
        let (solution, chosen) = try solve(stage, nil, keepModels, incumbent, nil, nil)
        if !chosen.isEmpty && model.objectiveValue(stage, chosen: chosen) >= before { adopt(chosen, upTo: stage, into: &incumbent) }
        let achieved = model.objectiveValue(stage, chosen: incumbent)
        let proven = solution.isProvenOptimal || bound.map { Double($0) <= achieved } == true
        return outcome(stage, solution, value: achieved, bound: bound, proven: proven)
    }

    /// A priority stage on the part of the model its Lagrangian multipliers leave free for a pairing
    /// one better than the pairing in hand (`ScoreBound.fixedPairs`): every such pairing is in the
    /// part, so GLPK either finds the best of them — the stage's optimum — or proves there is none,
    /// and the pairing in hand is optimal. nil when the part has more than
    /// `MatchingLimits.pricedPairsLimit` pairs (the whole model is then searched, when small enough).
    private func pricedPriority(_ stage: Stage, priced: NetworkStages.ScoreBound, incumbent: inout [Int], bound: Int?,
                                solve: Solve) throws(MatchingError) -> StageOutcome? {
        let began = instruments.now()
        let target = Int(model.objectiveValue(stage, chosen: incumbent)) + 1
        let fixed = priced.fixedPairs(reaching: target)
        guard !fixed.isEmpty else { return nil }
        let part = self.part(fixed)
        guard part.kept.count <= MatchingLimits.pricedPairsLimit, part.kept.count < model.candidates.count else { return nil }
        let (solution, chosen) = try solve(stage, nil, false, [], part, target)
        let found = !chosen.isEmpty && model.objectiveValue(stage, chosen: chosen) >= Double(target)
        if found { adopt(chosen, upTo: stage, into: &incumbent) }
        let achieved = model.objectiveValue(stage, chosen: incumbent)
        let proven = solution.isProvenOptimal || solution.status == .infeasible
        // GLPK's bound on the part bounds only the pairings reaching the target; the rest are below it.
        let partBound = Self.wholeBound(solution.bestBound).map { max(target - 1, $0) }
        let high = proven ? Int(achieved) : [bound, partBound].compactMap { $0 }.min()
        instruments.debug("search \(stage.rawValue) priced: \(part.kept.count) of \(model.candidates.count) pairs free for \(target), "
            + "\(solution.status), \(found ? "found \(achieved)" : "none found")")
        return StageOutcome(stage: stage, value: achieved, bound: high.map(Double.init),
                            ending: proven ? .optimal : .searchStopped("\(solution.status)"), seconds: instruments.seconds(since: began),
                            solves: 1, lpText: solution.lpText, printedSolution: solution.printedSolution)
    }

    /// GLPK's pairs `chosen`, polished by the network with their roles, replace the pairs in hand when
    /// at least as good over every stage, later ones included: where GLPK merely matches the pairs in
    /// hand at `stage`, theirs may have the better floor.
    private func adopt(_ chosen: [Int], upTo stage: Stage, into incumbent: inout [Int]) {
        let found = networkPairs(withRolesOf: chosen, upTo: stage) ?? chosen
        let values = { (pairs: [Int]) in model.stages.map { model.objectiveValue($0, chosen: pairs) } }
        if !values(found).lexicographicallyPrecedes(values(incumbent)) { incumbent = found }
    }

    /// The total-score stage, searched on models priced down by the network's Lagrangian
    /// multipliers (`ScoreBound.fixedPairs`). A pairing scoring at least a target T uses only the
    /// pairs the multipliers leave free at T, and makes those they fix as made; so on the model of
    /// those pairs alone, GLPK either finds the best pairing scoring T or more — then it is the
    /// stage's optimum, whatever the rest of the model holds — or proves there is none, and T − 1
    /// bounds the stage. Targets go down from near the bound, the first leaving at most
    /// `MatchingLimits.pricedPairs` pairs free, each next one twice as many, until the pairing in
    /// hand's own score leaves at most 1.5 times as many and at most `MatchingLimits.pricedPairsLimit`
    /// (searched from it, its model settles the stage). A stage still open
    /// after that keeps the best pairing found and the bound the targets left (how much this saves:
    /// docs/method.md, "The total-score search: smaller models first").
    ///
    /// Two things make each search far shorter than GLPK alone would be. The role model's LP is much
    /// tighter than the Lagrangian bound, so at the root of each search GLPK fixes the pairs whose LP
    /// reduced costs rule them out of any pairing scoring the target (`SolveOptions.cutoff`), which
    /// often rules a model out at its root. And the LP solutions of its first nodes are rounded by
    /// the network (`roundedByNetwork`), which finds far better pairings where the pairing in hand
    /// is poor; a search that stops with a better pairing starts once more from it, its cutoff then
    /// higher. (The measurements: docs/method.md, "Measured choices".)
    private func totalScore(floor: Int?, floors: [Stage: Double], incumbent: inout [Int], bound given: Int?,
                            scoreBound: NetworkStages.ScoreBound?,
                            solve: Solve, workLeft: () -> Int) throws(MatchingError) -> StageOutcome {
        let began = instruments.now()
        var low = Int(model.objectiveValue(.totalScore, chosen: incumbent))
        var high = given ?? Int.max
        var solves = 0
        var stopped: Solution?
        var kept: (lpText: String?, printed: String?) = (nil, nil)
        let priced = incumbent.isEmpty ? nil : pricedBound(floor: floor, floors: floors, incumbent: incumbent, reached: low, carried: scoreBound)
        if let priced { high = min(high, priced.bound) }
        // The bound's slacks, when it has them for this model: without them the model is searched whole.
        let pricing = priced.flatMap { $0.scaled == Int.max ? nil : $0 }
        let slacks = pricing?.pairSlack.filter { $0 >= 0 }.sorted() ?? []
        // How many pairs a pairing scoring `target` or more may use.
        func freePairs(_ target: Int) -> Int {
            guard let pricing else { return model.candidates.count }
            let margin = pricing.scaled - pricing.scale * target
            return slacks.firstIndex { $0 > margin } ?? slacks.count
        }
        let limit = pricing == nil ? MatchingLimits.searchCandidates : pricedPairsLimit
        var size = firstPricedPairs
        if pricing != nil, low < high {
            instruments.debug("search total-score: \(freePairs(low)) pairs free at the pairing in hand's score, \(freePairs(high - 1)) just below the bound")
        }
        var restarted = false
        while low < high {
            // The pairing in hand's score when its model is small enough (one search then settles the
            // stage) and at most 1.5 times `size`, else the lowest target whose model has at most
            // `size` pairs, `size` doubling each time: smaller models first (docs/method.md says why).
            var target = low
            let free = freePairs(low)
            let smaller = size <= limit && size < slacks.count
            if !smaller && free > limit { break }
            if smaller, free > limit || 2 * free > 3 * size, let pricing {
                let margin = slacks[size] - 1
                target = (pricing.scaled - margin + pricing.scale - 1) / pricing.scale
                size *= 2
                if target >= high { continue } // even the bound leaves more pairs free: nothing to search
            }
            let fixed = pricing?.fixedPairs(reaching: target) ?? []
            let part = fixed.isEmpty ? nil : self.part(fixed)
            let last = target == low
            // GLPK may fix what the root LP's reduced costs rule out for pairings scoring the target
            // (`SolveOptions.cutoff`) — on the first model above the pairing in hand, for pairings
            // scoring more than it only: that model is small, and its own best pairing, found on the way,
            // is often a far better pairing in hand (none reaching the target is missed either way).
            let cutoff = solves == 0 && !last ? low + 1 : target
            let (solution, chosen) = try solve(.totalScore, floor, keepModels, last ? incumbent : [], part, cutoff)
            solves += 1
            let value = chosen.isEmpty ? Int.min : Int(model.objectiveValue(.totalScore, chosen: chosen))
            instruments.debug("search total-score at least \(target): \(part?.kept.count ?? model.candidates.count) pairs, "
                + "\(solution.status), found \(chosen.isEmpty ? "none" : String(value)), bound \(high)")
            let improved = value > low
            if improved { (incumbent, low) = (chosen, value) }
            kept.printed = solution.printedSolution // of the solve that settles the stage, if one does
            guard solution.isProvenOptimal || solution.status == .infeasible else {
                // GLPK's bound on the part still bounds every pairing reaching the target.
                if let part = Self.wholeBound(solution.bestBound) { high = min(high, max(target - 1, part)) }
                // A search that stopped with a better pairing starts once more from it, while a tenth of
                // the budget is left: its cutoff is then higher, so the root LP's reduced costs fix more.
                if improved && !restarted && low < high && workLeft() >= MatchingLimits.searchWork / 10 {
                    restarted = true
                    continue
                }
                stopped = solution
                break
            }
            // Proven on the part: its optimum is the stage's if it reaches the target, else nothing does.
            high = min(high, value >= target ? value : target - 1)
        }
        if keepModels {
            // The stage's whole model, for anyone to re-solve; GLPK's solution is of the part searched last.
            kept.lpText = try lpText(.totalScore, floors: floors, floor: floor)
        }
        return StageOutcome(stage: .totalScore, value: Double(low), bound: high == Int.max ? nil : Double(high),
                            ending: low >= high ? .optimal : stopped.map { .searchStopped("\($0.status)") } ?? .tooManyPairs,
                            seconds: instruments.seconds(since: began), solves: solves, lpText: kept.lpText, printedSolution: kept.printed)
    }

    /// Multipliers for this very model at this floor: the network's (`carried`); from them, when it
    /// found them on a model with more pairs (a round before the scheduler turned some away); or new
    /// ones, when an earlier stage's search moved the floor (only models of at most
    /// `MatchingLimits.searchCandidates` pairs are searched from an earlier stage: a fraction of a second).
    private func pricedBound(floor: Int?, floors: [Stage: Double], incumbent: [Int], reached: Int,
                             carried: NetworkStages.ScoreBound?) -> NetworkStages.ScoreBound {
        let stages = NetworkStages(model: model, instruments: instruments)
        let rows = stages.priorityRows(floors.mapValues { Int($0) }, weighingWaits: true)
        guard let carried, carried.floor == floor else {
            return stages.stageBound(floor: floor, reached: reached, rows: rows, pairing: incumbent)
        }
        return carried.pairSlack.count == model.candidates.count ? carried
            : stages.stageBound(floor: floor, reached: reached, from: carried, solves: MatchingLimits.scoreRefineSolves, rows: rows,
                                     pairing: incumbent)
    }

    /// A stage's whole model as CPLEX LP text, for the model files.
    private func lpText(_ stage: Stage, floors: [Stage: Double], floor: Int?) throws(MatchingError) -> String {
        do { return try Solver.lpText(model.build(stage: stage, floors: floors, minimumPoints: floor).model) }
        catch { throw .solver(error.description) }
    }

    /// GLPK's best bound of a search as a bound in whole hundredths of a point (the objective's
    /// unit, so its floor bounds too), or nil: GLPK reports a huge value when it has no bound yet,
    /// which must not be converted to Int (that traps; it once stopped three months of a run).
    static func wholeBound(_ bound: Double?) -> Int? {
        guard let bound, bound.isFinite, abs(bound) < 1e15 else { return nil }
        return Int((bound + 1e-6).rounded(.down))
    }

    /// The highest floor that keeps the priority stages, by bisection between the incumbent's lowest
    /// score and `bound`. Returns the stage's report and the floor (nil when nothing is paired).
    private func minimumScore(bound: Int?, incumbent: inout [Int],
                              solve: (Stage, Int?, Bool, [Int]) throws(MatchingError) -> (Solution, [Int])) throws(MatchingError) -> (StageOutcome, Int?) {
        let began = instruments.now()
        guard !incumbent.isEmpty else { return (StageOutcome(stage: .minimumScore, value: 0, bound: nil, ending: .optimal), nil) }
        var lowest = Int(model.objectiveValue(.minimumScore, chosen: incumbent))
        let thresholds = model.floorThresholds.filter { $0 <= (bound ?? Int.max) }
        var solves = 0
        var stopped: Solution?
        let searched = try FloorBisection.search(low: thresholds.firstIndex { $0 > lowest } ?? thresholds.count,
                                                 high: thresholds.count - 1) { (mid: Int) throws(MatchingError) -> FloorBisection.Probe in
            let (solution, chosen) = try solve(.minimumScore, thresholds[mid], false, incumbent)
            solves += 1
            if !chosen.isEmpty {
                // Any solution at this floor keeps the priority stages (their rows hold it): the floor is reachable.
                incumbent = chosen
                lowest = Int(model.objectiveValue(.minimumScore, chosen: chosen))
                return .keeps(from: thresholds.firstIndex { $0 > lowest } ?? thresholds.count)
            }
            if solution.status == .infeasible { return .ruledOut }
            stopped = solution // neither found nor ruled out: the floor stays, unproven
            return .stop
        }
        let high = searched.high
        // The best floor not ruled out bounds the stage: the top of the range still open.
        let top = stopped == nil ? lowest : max(lowest, high >= 0 && high < thresholds.count ? thresholds[high] : lowest)
        let outcome = StageOutcome(stage: .minimumScore, value: Double(lowest), bound: Double(top),
                                   ending: stopped.map { .searchStopped("\($0.status)", inProbe: true) } ?? .optimal,
                                   seconds: instruments.seconds(since: began), solves: solves)
        return (outcome, lowest)
    }

    /// A searched stage's outcome; its bound is the lower of GLPK's and the network's.
    private func outcome(_ stage: Stage, _ solution: Solution, value: Double, bound: Int?, proven: Bool) -> StageOutcome {
        let best = [solution.bestBound, bound.map(Double.init)].compactMap { $0 }.filter(\.isFinite).min()
        return StageOutcome(stage: stage, value: value, bound: best, ending: proven ? .optimal : .searchStopped("\(solution.status)"),
                            seconds: solution.seconds, solves: 1, lpText: solution.lpText, printedSolution: solution.printedSolution)
    }

    /// A stage after one the search could not prove: the pairs in hand, and their bound (over
    /// pairings as good in the earlier stages), when there is one.
    private func unproven(_ stage: Stage, chosen: [Int], bound: Int?) -> StageOutcome {
        StageOutcome(stage: stage, value: model.objectiveValue(stage, chosen: chosen), bound: bound.map(Double.init), ending: .afterUnproven)
    }

    /// The network's pairing with the roles `chosen` gives its people (GLPK's pairs), when it is at
    /// least as good as `chosen` at the stages up to `stage` (compared in order): GLPK's pairs are
    /// optimal there but arbitrary in the stages it has not looked at yet, and with their roles the
    /// network finds the best floor and total score in milliseconds: a far better start for them.
    private func networkPairs(withRolesOf chosen: [Int], upTo stage: Stage) -> [Int]? {
        var roles: [Int: PairingNetwork.Role] = [:]
        for e in chosen {
            roles[model.seniorOf[e]] = .senior
            roles[model.juniorOf[e]] = .junior
        }
        let pass = NetworkStages(model: model, instruments: instruments).solve(keeping: roles)
        for earlier in Stage.allCases.prefix(through: Stage.allCases.firstIndex(of: stage)!) {
            let mine = model.objectiveValue(earlier, chosen: pass.chosen), theirs = model.objectiveValue(earlier, chosen: chosen)
            if mine != theirs { return mine > theirs ? pass.chosen : nil }
        }
        return pass.chosen
    }

    /// GLPK's LP solution at the root of a search, rounded by the network: the roles the LP settled
    /// (r_p at 0 or 1) are kept, the other "either" applicants' are chosen as the network chooses
    /// them, and every stage is solved exactly with those roles (`NetworkStages.solve(keeping:)`).
    /// Its pairs are offered to GLPK when they keep the stage's rows (the earlier stages' values, the
    /// floor). The LP sees the scores and the priority stages at once, so its roles can score far
    /// better than the network's own choice: in a month of the simulated scheme year (1,791
    /// applicants) they found the optimum, 8,093.71 points, where the pairing in hand had 8,040.91.
    static func roundedByNetwork(_ model: PairingModel, built: PairingModel.Built, stage: Stage, floors: [Stage: Double],
                                 floor: Int?, instruments: Instruments) -> @Sendable ([Double]) -> [Double]? {
        { values in
            var roles: [Int: PairingNetwork.Role] = [:]
            for (p, variable) in built.roleVariables {
                let r = values[variable.index]
                if r > 1 - 1e-6 { roles[p] = .senior } else if r < 1e-6 { roles[p] = .junior }
            }
            let began = instruments.now()
            let chosen = NetworkStages(model: model, instruments: .system).solve(keeping: roles).chosen
            let keeps = !chosen.isEmpty && floors.allSatisfy { model.objectiveValue($0.key, chosen: chosen) >= $0.value }
            instruments.debug("search \(stage.rawValue): \(roles.count) of \(built.roleVariables.count) roles from the LP, "
                + "\(keeps ? "offered" : "lost an earlier stage"): \(model.objectiveValue(stage, chosen: chosen)) in \(instruments.now() - began)s")
            return keeps ? startingValues(built, chosen: chosen, model: model, floor: floor) : nil
        }
    }

    /// The pairs in hand as a starting solution for a stage's model, when they fit it.
    static func startingValues(_ built: PairingModel.Built, chosen: [Int], model: PairingModel, floor: Int?) -> [Double]? {
        if let floor, chosen.contains(where: { model.pointsOf[$0] < floor && !model.isMust[$0] }) { return nil }
        var values = [Double](repeating: 0, count: built.model.columns.count)
        var paired = Set<Int>()
        var senior = Set<Int>()
        for e in chosen {
            values[built.pairVariables[e].index] = 1
            paired.insert(model.seniorOf[e])
            paired.insert(model.juniorOf[e])
            senior.insert(model.seniorOf[e])
        }
        for (p, variable) in built.pairedVariables where paired.contains(p) { values[variable.index] = 1 }
        for (p, variable) in built.roleVariables where senior.contains(p) { values[variable.index] = 1 }
        return values
    }
}
