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
/// - total score: one solve at the floor.
/// A solve that stops at the node limit keeps the best pairs it found; that stage is reported with
/// GLPK's gap and the later stages keep those pairs unproven (their optimum is only defined once
/// the earlier stages' is known).
///
/// Why a node limit and not a time limit: the same export must give the same pairs on every
/// machine, and where GLPK stops on a clock depends on the machine. The nodes allowed shrink as the
/// model grows (`nodes(columns:)`, `MatchingLimits.searchWork`), so the search costs about the same
/// few seconds at any size it runs at (up to `MatchingLimits.searchCandidates`).
struct ClosingSearch {
    typealias Stage = PairingModel.Stage

    let model: PairingModel
    let config: MatchingConfig
    let keepModels: Bool
    /// The run's clock (a stage's seconds) and debug lines.
    let instruments: Instruments

    struct Outcome: Sendable {
        var chosen: [Int]
        /// One report per stage from the first searched on.
        var reports: [StageReport]
    }

    /// Runs the stages from `first` on. `floors`: the proven optimum of each earlier priority
    /// stage; `floor`: the proven minimum score when `first` is the total score; `start`: the
    /// network's pairs (feasible for every stage); `bounds`: the network's valid upper bounds,
    /// which spare probes and give the gap where GLPK stops early.
    func run(from first: Stage, floors given: [Stage: Double], floor: Int?, start: [Int], bounds: [Stage: Int]) throws(MatchingError) -> Outcome {
        var floors = given
        var incumbent = start
        var reports: [StageReport] = []
        var nodesLeft = Self.nodes(columns: model.candidates.count)
        var open = false // a stage stopped unproven: the later ones keep the incumbent, unproven
        var floorPoints = first == .totalScore ? floor : nil

        func solve(_ stage: Stage, floor: Int?, keep: Bool, from start: [Int]) throws(MatchingError) -> (Solution, [Int]) {
            let built = model.build(stage: stage, floors: floors, minimumPoints: floor)
            var options = SolveOptions(timeLimit: config.solverTimeLimitSeconds, mipGap: config.mipGap,
                                       nodeLimit: max(1, nodesLeft), keepLPText: keep, keepPrintedSolution: keep)
            options.startingSolution = Self.startingValues(built, chosen: start, model: model, floor: floor)
            var solution: Solution
            let began = instruments.now()
            do { solution = try Solver.solve(built.model, options: options) } catch { throw .solver(error.description) }
            solution.seconds = instruments.seconds(since: began) // on the run's clock, like every other stage
            nodesLeft -= max(1, solution.nodes)
            instruments.debug("search \(stage.rawValue) floor=\(floor ?? -1) cols=\(built.model.columns.count) \(solution.status) \(solution.seconds)s, \(nodesLeft) nodes left")
            let chosen = solution.values == nil ? [] : built.pairVariables.indices.filter { solution.value(built.pairVariables[$0]) > 0.5 }
            return (solution, chosen)
        }

        for stage in model.stages.drop(while: { $0 != first }) {
            if open {
                reports.append(unproven(stage, chosen: incumbent))
                continue
            }
            switch stage {
            case .overdue, .coverage, .waiting:
                let (solution, chosen) = try solve(stage, floor: nil, keep: keepModels, from: incumbent)
                let better = !chosen.isEmpty && model.objectiveValue(stage, chosen: chosen) >= model.objectiveValue(stage, chosen: incumbent)
                if better { incumbent = networkPairs(withRolesOf: chosen, upTo: stage) ?? chosen }
                let achieved = model.objectiveValue(stage, chosen: incumbent)
                let proven = solution.isProvenOptimal || bounds[stage].map { Double($0) <= achieved } == true
                floors[stage] = achieved
                open = !proven
                reports.append(report(stage, solution, objective: achieved, value: achieved, bound: bounds[stage], proven: proven, solves: 1))
            case .minimumScore:
                var bound = bounds[.minimumScore]
                if !incumbent.isEmpty {
                    // The relaxation's reach at the values now proven bounds the floor (`NetworkStages.floorBound`).
                    let targets = floors.mapValues { Int($0) }
                    bound = NetworkStages(model: model, instruments: instruments).floorBound(
                        reaching: targets, from: Int(model.objectiveValue(.minimumScore, chosen: incumbent)), below: bound)
                }
                let (report, floor) = try minimumScore(bound: bound, incumbent: &incumbent, solve: solve)
                floorPoints = floor
                open = !report.provenOptimal
                reports.append(report)
            case .totalScore:
                let (solution, chosen) = try solve(.totalScore, floor: floorPoints, keep: keepModels, from: incumbent)
                if !chosen.isEmpty && model.objectiveValue(.totalScore, chosen: chosen) > model.objectiveValue(.totalScore, chosen: incumbent) {
                    incumbent = chosen
                }
                let achieved = model.objectiveValue(.totalScore, chosen: incumbent)
                let proven = solution.isProvenOptimal || bounds[.totalScore].map { Double($0) <= achieved } == true
                reports.append(report(.totalScore, solution, objective: achieved / 100, value: achieved, bound: bounds[.totalScore],
                                      proven: proven, solves: 1))
            }
        }
        return Outcome(chosen: incumbent, reports: reports)
    }

    /// The highest floor that keeps the priority stages, by bisection between the incumbent's lowest
    /// score and `bound`. Returns the stage's report and the floor (nil when nothing is paired).
    private func minimumScore(bound: Int?, incumbent: inout [Int],
                              solve: (Stage, Int?, Bool, [Int]) throws(MatchingError) -> (Solution, [Int])) throws(MatchingError) -> (StageReport, Int?) {
        let began = instruments.now()
        guard !incumbent.isEmpty else {
            return (StageReport(name: Stage.minimumScore.rawValue, status: "optimal", objective: 0, gap: 0, seconds: 0,
                                solves: 0, provenOptimal: true), nil)
        }
        var lowest = Int(model.objectiveValue(.minimumScore, chosen: incumbent))
        let thresholds = model.floorThresholds.filter { $0 <= (bound ?? Int.max) }
        var low = thresholds.firstIndex { $0 > lowest } ?? thresholds.count
        var high = thresholds.count - 1
        var solves = 0
        var stopped: Solution?
        while low <= high {
            let mid = (low + high) / 2
            let (solution, chosen) = try solve(.minimumScore, thresholds[mid], false, incumbent)
            solves += 1
            if !chosen.isEmpty {
                // Any solution at this floor keeps the priority stages (their rows hold it): the floor is reachable.
                incumbent = chosen
                lowest = Int(model.objectiveValue(.minimumScore, chosen: chosen))
                low = max(mid + 1, thresholds.firstIndex { $0 > lowest } ?? thresholds.count)
            } else if solution.status == .infeasible {
                high = mid - 1
            } else {
                stopped = solution // neither found nor ruled out: the floor stays, unproven
                break
            }
        }
        // The best floor not ruled out bounds the stage: the top of the range still open.
        let top = stopped == nil ? lowest : max(lowest, high >= 0 && high < thresholds.count ? thresholds[high] : lowest)
        var report = StageReport(name: Stage.minimumScore.rawValue,
                                 status: stopped.map { "not proven: GLPK's search stopped (\($0.status)) in a probe" } ?? "optimal",
                                 objective: Double(lowest) / 100, gap: top == 0 ? nil : Double(top - lowest) / Double(top),
                                 seconds: instruments.seconds(since: began), solves: solves, provenOptimal: stopped == nil)
        if keepModels {
            // The model at the floor found, solved, so it can be re-checked elsewhere.
            let (solution, _) = try solve(.minimumScore, lowest, true, incumbent)
            report.lpText = solution.lpText
            report.printedSolution = solution.printedSolution
            report.solves += 1
        }
        return (report, lowest)
    }

    /// A searched stage's report; its gap is to the lower of GLPK's bound and the network's.
    private func report(_ stage: Stage, _ solution: Solution, objective: Double, value: Double, bound: Int?,
                        proven: Bool, solves: Int) -> StageReport {
        let status = proven ? "optimal" : "not proven: GLPK's search stopped (\(solution.status))"
        let best = [solution.bestBound, bound.map(Double.init)].compactMap { $0 }.filter(\.isFinite).min()
        let gap = proven ? 0 : best.flatMap { $0 > 0 ? max(0, $0 - value) / $0 : nil }
        return StageReport(name: stage.rawValue, status: status, objective: objective, gap: gap,
                           seconds: solution.seconds, solves: solves, lpText: solution.lpText,
                           printedSolution: solution.printedSolution, provenOptimal: proven)
    }

    /// A stage after one the search could not prove: the pairs in hand, no bound.
    private func unproven(_ stage: Stage, chosen: [Int]) -> StageReport {
        let value = model.objectiveValue(stage, chosen: chosen)
        return StageReport(name: stage.rawValue, status: "not proven: an earlier stage is not", objective: stage == .totalScore || stage == .minimumScore ? value / 100 : value,
                           gap: nil, seconds: 0, solves: 0, provenOptimal: false)
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

    /// Nodes for a model with this many candidate pairs: `MatchingLimits.searchWork` shared out, at least 50.
    static func nodes(columns: Int) -> Int { max(50, MatchingLimits.searchWork / max(columns, 1)) }

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
