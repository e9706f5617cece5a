import GLPK
import TandemModel

/// The lexicographic stages solved on `PairingNetwork`s, then proven by GLPK.
///
/// 1. A *pass* solves every stage on one network: overdue, coverage and waiting in turn (each
///    keeping the earlier ones optimal), the minimum score by bisection over the distinct pair
///    scores (each probe a fresh network without the pairs below the floor), and the total score.
/// 2. The first pass leaves every "either" applicant free on both sides. That network is a
///    relaxation: its optimum bounds the true one, stage by stage. If its solution uses nobody in
///    both roles, it is the true optimum. Otherwise every either-applicant is given a role by
///    rule (`PairingNetwork.settledRoles`, then `repairRoles`) and the stages are solved once
///    more; then again with roles chosen with the scores in view (`improveScores`, by the
///    Lagrangian relaxation of `ScoreBound.swift`), kept when they give better stages.
/// 3. Each stage's value is measured against a valid bound (`bounds`): counts of the people who
///    could be paired, the relaxation's values, and for the total score the Lagrangian bound.
///    Stages up to the first short of its bound are proven; `ClosingSearch` takes the rest.
/// 4. GLPK re-solves each stage's LP of the final pass — and of the relaxation, where its value is
///    the bound — starting from the network simplex's final tree as its basis: GLPK, not our code,
///    says "optimal" for the network's stages.
struct NetworkStages {
    typealias Stage = PairingModel.Stage

    struct Pass {
        var values: [Stage: Int] = [:]
        /// The network at the end of each stage, for GLPK.
        var networks: [Stage: PairingNetwork] = [:]
        var floor: Int?
        var chosen: [Int] = []
        var probes = 0
        var seconds: [Stage: Double] = [:]
        /// The total-score bound computed at this pass's floor, if one was (`stageBound`).
        var scoreBound: ScoreBound?
        /// The Lagrangian bounds of the priority stages it fell short of elsewhere (`priorityBound`):
        /// their multipliers price pairs out of the closing search's model (`ScoreBound.fixedPairs`).
        var priorityBounds: [Stage: ScoreBound] = [:]

        /// Whether this pass is better than `other` over `stages`, compared in order: the first
        /// stage where they differ decides.
        func isBetter(than other: Pass, over stages: [Stage]) -> Bool {
            stages.first { values[$0] != other.values[$0] }.map { values[$0]! > other.values[$0]! } ?? false
        }
    }

    let model: PairingModel
    /// The run's clock and debug lines.
    let instruments: Instruments
    /// Whether "either" applicants' roles are also chosen with the pair scores in view
    /// (`improveScores`); off only in tests, which compare the roles by rule alone.
    var scoresRoles = true
    var tiers: [Stage] { model.overdue.isEmpty ? [.coverage, .waiting] : [.overdue, .coverage, .waiting] }

    /// Overdue, coverage and waiting in turn on the network with `roles` fixed, above `floor`.
    /// The three are first solved as one folded objective (`foldWeights`): one solve from `start`,
    /// after which each stage in turn starts from a tree that is already optimal for it, which
    /// takes about half the time of three solves from the same start.
    /// `start`: a pairing to start the flow from (as much of it as these roles and floor allow): a
    /// good one saves about half the pivots of a solve from nothing.
    func priorities(roles: [Int: PairingNetwork.Role], floor: Int?, into pass: inout Pass, start: [Int] = []) -> PairingNetwork {
        var network = PairingNetwork(model: model, roles: roles, floor: floor, start: start)
        var began = instruments.now()
        if let weights = foldWeights(network) {
            network.useFoldedCosts(weights)
            network.simplex.minimize()
        }
        for stage in tiers {
            defer { began = instruments.now() }
            pass.values[stage] = network.solve(stage)
            pass.networks[stage] = network
            pass.seconds[stage, default: 0] += instruments.now() - began
        }
        return network
    }

    /// Weights that fold the three priority stages into one objective whose integer value orders
    /// results exactly as the stages do — when that fits comfortably in 64 bits (nil otherwise).
    func foldWeights(_ network: PairingNetwork) -> (overdue: Int, coverage: Int)? {
        let (maxWaiting, o1) = network.gains(.waiting).reduce(0, +).addingReportingOverflow(1)
        let (maxCoverage, o2) = network.gains(.coverage).reduce(0, +).addingReportingOverflow(1)
        let (overdueWeight, o3) = maxWaiting.multipliedReportingOverflow(by: maxCoverage)
        let (top, o4) = overdueWeight.multipliedReportingOverflow(by: network.gains(.overdue).reduce(0, +) + 1)
        guard !(o1 || o2 || o3 || o4), top < Int.max / 64 else { return nil }
        return (overdueWeight, maxWaiting)
    }

    /// A probe network kept for warm starts: the highest floor found not to keep the priorities.
    /// Every later probe lies below it, so it only lets more pairs in and continues from its tree.
    struct ProbeStart {
        var floor: Int
        var network: PairingNetwork
    }

    /// Whether the network above `floor` keeps every priority stage at its value in `target`;
    /// with the pairs it found, and (when the stages were folded) the network that keeps them.
    func keepsPriorities(roles: [Int: PairingNetwork.Role], floor: Int, target: Pass, weights: (overdue: Int, coverage: Int)?,
                         start: inout ProbeStart?, pairing: [Int] = []) -> (keeps: Bool, chosen: [Int], network: PairingNetwork?) {
        let began = instruments.now()
        guard let weights else {
            var probe = PairingNetwork(model: model, roles: roles, floor: floor, start: pairing)
            // Compared in the stages' order: the first stage that differs decides.
            for stage in tiers {
                let value = probe.solve(stage)
                if value != target.values[stage]! { return (value > target.values[stage]!, probe.chosen, nil) }
            }
            return (true, probe.chosen, nil)
        }
        // One solve of the three stages folded into one objective, warm when possible.
        var probe: PairingNetwork
        if let saved = start, floor <= saved.floor {
            probe = saved.network
            probe.enablePairs(from: floor, below: saved.floor)
        } else {
            probe = PairingNetwork(model: model, roles: roles, floor: nil, disabledBelow: floor, start: pairing)
            probe.useFoldedCosts(weights)
        }
        let pivotsBefore = probe.simplex.pivots
        probe.simplex.minimize()
        let goal = weights.overdue * (target.values[.overdue] ?? 0) + weights.coverage * target.values[.coverage]!
            + target.values[.waiting]!
        let keeps = -probe.simplex.totalCost >= goal
        instruments.debug("probe floor \(floor): \(keeps ? "keeps" : "loses"), \(probe.simplex.pivots - pivotsBefore) pivots, \(instruments.now() - began)s")
        if !keeps { start = ProbeStart(floor: floor, network: probe) }
        return (keeps, probe.chosen, keeps ? probe : nil)
    }

    /// The minimum-score and total-score stages on the network with `roles` fixed. `hint` (the floor
    /// an earlier round found) is probed first, then the next score above it: when the floor has
    /// not moved, two probes settle it instead of a dozen.
    func scores(roles: [Int: PairingNetwork.Role], into pass: inout Pass, hint: Int? = nil) -> PairingNetwork {
        let began = instruments.now()
        let points = { (chosen: [Int]) in chosen.map { model.pointsOf[$0] }.min() }
        let unfloored = pass.networks[tiers.last!]!
        var lowest = points(unfloored.chosen)
        let weights = foldWeights(unfloored)
        var start: ProbeStart?
        // The network of the probe that found the floor, when it was folded (see below).
        var keeper: PairingNetwork?
        if let found = lowest {
            let thresholds = model.floorThresholds
            // The score above the hint first: when it loses, the hint's probe continues from its tree.
            let guesses = hint.flatMap { h in thresholds.firstIndex(of: h).map { [$0 + 1, $0] } } ?? []
            _ = FloorBisection.search(low: thresholds.firstIndex { $0 > found } ?? thresholds.count, high: thresholds.count - 1,
                                      first: guesses) { mid in
                pass.probes += 1
                let (keeps, chosen, network) = keepsPriorities(roles: roles, floor: thresholds[mid], target: pass,
                                                               weights: weights, start: &start, pairing: unfloored.chosen)
                guard keeps, let reached = points(chosen) else { return .ruledOut }
                lowest = reached
                keeper = network
                return .keeps(from: thresholds.firstIndex { $0 > reached } ?? thresholds.count)
            }
        }
        // The stages once more at the floor found, for GLPK's check of each. The network that found
        // the floor (or, when no probe raised it, the unfloored one) already holds an optimum there:
        // with the unused pairs below the floor closed, each stage starts from an optimal tree.
        let network: PairingNetwork
        if let floor = lowest, weights != nil, var found = keeper ?? (points(unfloored.chosen) == floor ? unfloored : nil) {
            found.closePairs(below: floor)
            for stage in tiers { _ = found.solve(stage) }
            network = found
        } else {
            var scratch = Pass()
            network = priorities(roles: roles, floor: lowest, into: &scratch, start: unfloored.chosen)
        }
        return settle(&pass, floor: lowest, network: network, since: began)
    }

    /// Records the floor and its network (the priority stages solved at it) in `pass`, then solves
    /// the total score on that network and records it: the end of both ways to the floor.
    private func settle(_ pass: inout Pass, floor: Int?, network: PairingNetwork,
                        since began: Double) -> PairingNetwork {
        var network = network
        pass.floor = floor
        pass.values[.minimumScore] = floor ?? 0
        pass.networks[.minimumScore] = network
        pass.seconds[.minimumScore] = instruments.now() - began
        let total = instruments.now()
        pass.values[.totalScore] = network.solve(.totalScore)
        pass.networks[.totalScore] = network
        pass.seconds[.totalScore] = instruments.now() - total
        pass.chosen = network.chosen
        return network
    }

    /// A later round's score stages when its floor is likely the earlier round's `hint` (the round
    /// only lost the few pairs the scheduler turned away). One network is solved from `start` with
    /// only the pairs from the next score above the hint, then pairs are let back in — from the
    /// hint, then all — each solve continuing from the last tree (`enablePairs`): the two probes
    /// and the unfloored priority stages for the price of about one solve. nil when the floor has
    /// moved (the caller then bisects as usual) or the stages cannot be folded into one objective.
    func scoresAtHint(_ hint: Int, roles: [Int: PairingNetwork.Role], start: [Int] = []) -> Pass? {
        let began = instruments.now()
        let thresholds = model.floorThresholds
        guard let i = thresholds.firstIndex(of: hint) else { return nil }
        let above: Int? = i + 1 < thresholds.count ? thresholds[i + 1] : nil
        var network = PairingNetwork(model: model, roles: roles, floor: nil, disabledBelow: above ?? hint, start: start)
        guard let weights = foldWeights(network) else { return nil }
        network.useFoldedCosts(weights)
        network.simplex.minimize()
        let valueAbove = -network.simplex.totalCost
        if let above {
            network.enablePairs(from: hint, below: above)
            network.simplex.minimize()
        }
        let valueAtHint = -network.simplex.totalCost
        let atHint = network
        network.enablePairs(from: Int.min, below: hint)
        network.simplex.minimize()
        let target = -network.simplex.totalCost
        let probes = above == nil ? 1 : 2
        instruments.debug("network: floor \(hint) of the earlier round \(valueAtHint == target ? "keeps" : "loses"), "
            + "\(above.map { "\($0) \(valueAbove < target ? "loses" : "keeps")" } ?? "no score above"), "
            + "\(instruments.now() - began)s")
        guard valueAtHint == target, above == nil || valueAbove < target else { return nil }

        // The unfloored stages (for GLPK's checks), each from a tree already optimal for it.
        var pass = Pass()
        for stage in tiers {
            pass.values[stage] = network.solve(stage)
            pass.networks[stage] = network
        }
        // The stages at the floor, then the total score. Pairs below the floor stay in this network
        // frozen at zero: in GLPK's model they are columns fixed at 0.
        var floored = atHint
        for stage in tiers { _ = floored.solve(stage) }
        pass.probes = probes
        _ = settle(&pass, floor: hint, network: floored, since: began)
        return pass
    }

    /// Every stage with the roles of `kept` (must-pairs' roles first), any other "either" applicant
    /// settled by rule as `solve` does: how `tandem explain` weighs a what-if against the run's
    /// result, and how the closing search turns roles GLPK chose into a whole pairing.
    func solve(keeping kept: [Int: PairingNetwork.Role]) -> Pass {
        var roles = mustPairRoles.merging(kept, uniquingKeysWith: { must, _ in must })
        var pass = Pass()
        var network = priorities(roles: roles, floor: nil, into: &pass, start: greedyPairing)
        if network.bothRoles.isEmpty { network = scores(roles: roles, into: &pass) }
        if !network.bothRoles.isEmpty {
            roles.merge(network.settledRoles(), uniquingKeysWith: { fixed, _ in fixed })
            pass = Pass()
            _ = priorities(roles: roles, floor: nil, into: &pass, start: network.chosen)
            _ = scores(roles: roles, into: &pass)
        }
        return pass
    }

    /// Every candidate pair, best score first: as a network's `start`, the pairs taken greedily. A
    /// first solve starts from it, which about halves its pivots.
    var greedyPairing: [Int] {
        model.pointsOf.indices.sorted { (model.pointsOf[$0], $1) > (model.pointsOf[$1], $0) }
    }

    /// Must-pairs fix their people's roles.
    var mustPairRoles: [Int: PairingNetwork.Role] {
        var roles: [Int: PairingNetwork.Role] = [:]
        for e in model.mustPairs {
            roles[model.candidates[e].senior] = .senior
            roles[model.candidates[e].junior] = .junior
        }
        return roles
    }

    /// The pairs of the priority stages alone, with roles settled as `solve` settles them, and what
    /// `solve(reusing:)` can then start from (nil when the relaxation needed no roles).
    /// `relaxation`: the relaxation's pairs (`pairKeys`), where a solve of a model with more pairs
    /// (pairs given back) starts its relaxation.
    func priorityPairs() -> (chosen: [Int], settled: Settled?, relaxation: [Int64]) {
        var roles = mustPairRoles
        var relaxation = Pass()
        let network = priorities(roles: roles, floor: nil, into: &relaxation, start: greedyPairing)
        guard !network.bothRoles.isEmpty else { return (network.chosen, nil, pairKeys(network.chosen)) }
        roles.merge(network.settledRoles(), uniquingKeysWith: { fixed, _ in fixed })
        var pass = Pass()
        let settled = priorities(roles: roles, floor: nil, into: &pass, start: network.chosen)
        instruments.debug("network: priority stages only, \(roles.count) roles fixed, relaxation from the greedy pairs in \(network.simplex.pivots) pivots")
        return (settled.chosen, Settled(roles: roles, relaxation: relaxation, floor: nil, priorities: pass, pairing: pairKeys(settled.chosen)),
                pairKeys(network.chosen))
    }

    /// What a solve settled that a later solve of the same pool, with some pairs ruled out, can
    /// start from: the roles given by rule, and the relaxation (still a bound: it allowed more).
    struct Settled: Sendable {
        var roles: [Int: PairingNetwork.Role]
        var relaxation: Pass
        /// The minimum score's floor found with them, if the score stages ran.
        var floor: Int?
        /// The priority stages already solved with them on this very model (`priorityPairs`).
        var priorities: Pass?
        /// The total-score bound found with them: it still bounds a model with fewer pairs at its floor.
        var scoreBound: ScoreBound? = nil
        /// The pairs found with them, as senior and junior pool indices (`pairKeys`): where a later
        /// solve's flows start (that model's candidate indices differ).
        var pairing: [Int64] = []
    }

    /// `chosen`'s pairs by their people, which stay the same from one model of the pool to the next.
    func pairKeys(_ chosen: [Int]) -> [Int64] { chosen.map(pairKey) }

    private func pairKey(_ e: Int) -> Int64 { Scorer.orderedKey(model.seniorOf[e], model.juniorOf[e]) }

    /// The candidate pairs of this model that `keys` (`pairKeys`) name.
    func candidates(_ keys: [Int64]) -> [Int] {
        guard !keys.isEmpty else { return [] }
        var index: [Int64: Int] = [:]
        index.reserveCapacity(model.candidates.count)
        for e in model.candidates.indices { index[pairKey(e)] = e }
        return keys.compactMap { index[$0] }
    }

    /// The final pass (nobody in both roles), the relaxation's priority stages it is measured
    /// against, the number of passes, and what a later solve can reuse (nil when the relaxation
    /// needed no roles: it was the optimum itself).
    /// `start` (`pairKeys`, without `earlier`): where the relaxation's flow starts, instead of the
    /// greedy pairs (the relaxation of the model before pairs were given back: a few times faster).
    func solve(reusing earlier: Settled? = nil, start: [Int64] = []) -> (final: Pass, relaxation: Pass, passes: Int, settled: Settled?) {
        if let earlier {
            let began = instruments.now()
            var roles = earlier.roles
            defer { instruments.debug("network: later round in \(instruments.now() - began)s") }
            var final = Pass()
            let earlierPairs = candidates(earlier.pairing)
            if earlier.priorities == nil, let hint = earlier.floor, let pass = scoresAtHint(hint, roles: earlier.roles, start: earlierPairs) {
                final = pass
            } else {
                if var solved = earlier.priorities {
                    // The first solve of this model (after `priorityPairs`): its roles are the rule's,
                    // repaired here rather than there, since giving back pairs would make that work moot.
                    var network = solved.networks[tiers.last!]!
                    repairRoles(&roles, pass: &solved, network: &network)
                    final = solved
                } else {
                    _ = priorities(roles: roles, floor: nil, into: &final, start: earlierPairs)
                }
                var network = scores(roles: roles, into: &final, hint: earlier.floor)
                if earlier.priorities != nil, scoresRoles { improveScores(&roles, current: &final, network: &network) }
            }
            instruments.debug("network: roles and bound of the earlier round, \(final.probes) probes, values \(final.values.map { "\($0.key.rawValue)=\($0.value)" }.sorted())")
            if final.scoreBound == nil { final.scoreBound = earlier.scoreBound?.carried }
            var settled = earlier
            settled.roles = roles
            settled.floor = final.floor
            settled.priorities = nil
            settled.scoreBound = final.scoreBound
            settled.pairing = pairKeys(final.chosen)
            return (final, earlier.relaxation, 2, settled)
        }
        var roles = mustPairRoles
        var began = instruments.now()
        func lap(_ what: String) {
            instruments.debug("network: \(what) in \(instruments.now() - began)s")
            began = instruments.now()
        }
        var relaxation = Pass()
        var network = priorities(roles: roles, floor: nil, into: &relaxation, start: start.isEmpty ? greedyPairing : candidates(start))
        lap("relaxation's priorities (\(network.arcs.count) arcs, \(network.simplex.pivots) pivots)")
        var current = relaxation
        var passes = 1
        if network.bothRoles.isEmpty {
            // The relaxation's priorities are a valid pairing, so they are optimal; the score stages
            // may still use someone both ways.
            network = scores(roles: roles, into: &current)
            lap("scores, \(current.probes) probes")
        }
        if !network.bothRoles.isEmpty {
            // Every "either" applicant gets the role this solution gave them, and the stages are
            // solved once more: one extra pass, where fixing only the people in both roles
            // needed several at the largest sizes.
            roles.merge(network.settledRoles(), uniquingKeysWith: { fixed, _ in fixed })
            current = Pass()
            network = priorities(roles: roles, floor: nil, into: &current, start: network.chosen)
            repairRoles(&roles, pass: &current, network: &network)
            passes += 1
            lap("priorities with \(roles.count) roles fixed")
            network = scores(roles: roles, into: &current)
            lap("scores, \(current.probes) probes")
            if scoresRoles { improveScores(&roles, current: &current, network: &network) }
        }
        if passes == 1 { relaxation = current }
        let settled = passes == 1 ? nil : Settled(roles: roles, relaxation: relaxation, floor: current.floor, priorities: nil,
                                                    scoreBound: current.scoreBound, pairing: pairKeys(current.chosen))
        instruments.debug("network: \(passes) passes, \(roles.count) roles fixed, values \(current.values.map { "\($0.key.rawValue)=\($0.value)" }.sorted()), bound \(relaxation.values.map { "\($0.key.rawValue)=\($0.value)" }.sorted()), probes \(current.probes)")
        return (current, relaxation, passes, settled)
    }

    /// GLPK's check of one stage's network LP, from the network's tree.
    static func prove(_ network: PairingNetwork, stage: Stage, keep: Bool, timeLimit: Double,
                      instruments: Instruments) throws(MatchingError) -> Solution {
        let began = instruments.now()
        let (lp, basis) = network.glpkModel(stage == .minimumScore ? .waiting : stage, named: keep)
        let built = instruments.now()
        do {
            var solution = try Solver.solve(lp, options: SolveOptions(timeLimit: timeLimit, startingBasis: basis,
                                                                      keepLPText: keep, keepPrintedSolution: keep))
            solution.seconds = instruments.seconds(since: built) // on the run's clock, like every other stage
            instruments.debug("GLPK check \(stage.rawValue): build \(built - began)s, solve \(solution.seconds)s, \(lp.columns.count) columns, \(solution.status)")
            return solution
        } catch {
            throw .solver(error.description)
        }
    }
}

extension NetworkStages {
    /// Valid upper bounds on each stage, over the pairings at least as good as `final` in the stages
    /// before it (with "either" roles free). While every earlier stage is proven, that is a bound on
    /// the stage's optimum, and one it reaches proves it; after a stage short of its bound, it still
    /// says how far any pairing as good in the earlier stages could go. Each bound is the smallest of:
    /// - counts (every person is paired at most once): overdue ≤ |O ∩ people with a candidate
    ///   pair|, coverage ≤ |W ∩ those|, waiting ≤ Σ of their waits; and once coverage pairs
    ///   all of W, the floor ≤ the lowest of their best pair scores (each must be paired);
    /// - the relaxation's value (everyone "either" on both sides, so it allows every valid
    ///   pairing and more), while its values of the earlier stages equal `final`'s: then its
    ///   optimal face holds every pairing as good as `final` in them, and its optimum over that
    ///   face bounds ours. The relaxation's score stages are solved here when they can still bound;
    /// - where those leave a gap: for a priority stage, the Lagrangian bound with one role per
    ///   person and the earlier stages' rows priced (`priorityBound`); for the floor, the lowest
    ///   floor that bound rules out (`floorBound(ruling:)`); for the total score, the same kind of
    ///   bound at `final`'s floor (`stageBound`), kept in `final`.
    /// (The floor the relaxation reaches at the proven values, `floorBound(reaching:)`, is left to
    /// the closing search, on the models it takes: on the largest it costs seconds per probe.)
    func bounds(final: inout Pass, relaxation: inout Pass) -> [Stage: Int] {
        var bounds: [Stage: Int] = [:]
        var relaxationValid = true
        var budget = BoundBudget(candidatePairs: model.candidates.count)
        for stage in model.stages {
            if relaxationValid && relaxation.values[stage] == nil, stage == .minimumScore, relaxation.networks[tiers.last!] != nil {
                _ = scores(roles: mustPairRoles, into: &relaxation)
            }
            guard let value = final.values[stage] else { break }
            var bound = relaxationValid ? relaxation.values[stage] : nil
            if let count = countBound(stage, final: &final) { bound = min(bound ?? count, count) }
            if bound.map({ value < $0 }) ?? true {
                switch stage {
                case .overdue, .coverage, .waiting:
                    if let priced = priorityBound(stage, values: final.values, pairing: final.chosen, budget: &budget) {
                        bound = min(bound ?? .max, priced.bound)
                        final.priorityBounds[stage] = priced
                    }
                case .minimumScore:
                    bound = floorBound(ruling: final.values, above: value, below: bound, pairing: final.chosen, budget: &budget)
                case .totalScore:
                    break
                }
            }
            guard let bound else { break }
            bounds[stage] = bound
            relaxationValid = relaxationValid && relaxation.values[stage] == value
        }
        return bounds
    }

    /// The bound of `stage` by counting (for the total score, the Lagrangian bound at `final`'s
    /// floor, computed here when `final` has none there).
    private func countBound(_ stage: Stage, final: inout Pass) -> Int? {
        switch stage {
        case .overdue, .coverage, .waiting: return model.people.reduce(0) { $0 + model.weight(stage, of: $1) }
        case .minimumScore: return floorCountBound(coverage: final.values[.coverage])
        case .totalScore:
            guard let reached = final.values[.totalScore] else { return nil }
            // With the waiting stage's row too, from the multipliers the roles were chosen with, when
            // the coverage leaves some waiting unpaired (the row is then not implied by the others)
            // and the bound without it leaves a gap over `MatchingLimits.sharpenedGap`.
            let rows = priorityRows(final.values, weighingWaits: true)
            let earlier = final.scoreBound.flatMap { $0.floor == final.floor ? $0 : nil }
            let wide = earlier.map { Double($0.bound - reached) > MatchingLimits.sharpenedGap * Double(max(1, $0.bound)) } ?? true
            if earlier == nil || (wide && earlier!.groupRewards.count != rows.atLeast.count) {
                var priced = stageBound(floor: final.floor, reached: reached, from: earlier,
                                        solves: MatchingLimits.boundSolves(candidatePairs: model.candidates.count), patient: true,
                                        rows: rows, pairing: final.chosen)
                priced.lastFlow = nil
                if let earlier, earlier.bound < priced.bound { priced = earlier }
                final.scoreBound = priced
            }
            return final.scoreBound?.bound
        }
    }

    /// The Lagrangian bound (`stageBound`) on the priority stage `stage`, no floor, over pairings at
    /// least as good as `values` in the priority stages before it (their rows priced, `priorityRows`).
    /// nil when `budget` is spent.
    func priorityBound(_ stage: Stage, values: [Stage: Int], pairing: [Int], budget: inout BoundBudget) -> ScoreBound? {
        guard let solves = budget.nextLoop() else { return nil }
        var bound = stageBound(of: stage, floor: nil, reached: values[stage] ?? 0, solves: solves,
                               rows: priorityRows(valuesBefore(stage, in: values)), pairing: pairing)
        budget.spend(bound.solves)
        bound.lastFlow = nil // not reused: kept only for its multipliers and slacks
        return bound
    }

    /// The values of the priority stages before `stage` in `values`.
    private func valuesBefore(_ stage: Stage, in values: [Stage: Int]) -> [Stage: Int] {
        let earlier = tiers.prefix(tiers.firstIndex(of: stage) ?? 0)
        return values.filter { earlier.contains($0.key) }
    }

    /// The solves the Lagrangian bounds of one `bounds` call may take together
    /// (`MatchingLimits.boundWork`); each loop is given half of what is left.
    struct BoundBudget {
        private(set) var left: Int
        init(candidatePairs: Int) { left = MatchingLimits.boundSolves(candidatePairs: candidatePairs) }
        /// The solves the next loop may take, or nil when too few are left to be worth a loop.
        func nextLoop() -> Int? { left >= MatchingLimits.boundLoopMinimum ? max(MatchingLimits.boundLoopMinimum, left / 2) : nil }
        mutating func spend(_ solves: Int) { left -= solves }
    }

    /// A bound on the floor of pairings as good as `values` in the priority stages: the floor just
    /// below the lowest one ruled out. A floor is ruled out when the Lagrangian bound on the waiting
    /// stage there, the overdue and coverage rows priced, is below `values`' waiting: then no pairing
    /// with every pair at that floor or above keeps the priority stages, nor at any higher floor.
    /// Probed: the next floor above `above` (the pairing's), then a bisection up to `limit` (a bound
    /// already known), `MatchingLimits.floorBoundProbes` in all.
    func floorBound(ruling values: [Stage: Int], above floor: Int, below limit: Int?, pairing: [Int], budget: inout BoundBudget) -> Int? {
        guard let waiting = values[.waiting] else { return limit }
        let thresholds = model.floorThresholds.filter { $0 > floor && $0 <= (limit ?? .max) }
        let rows = priorityRows(valuesBefore(.waiting, in: values))
        // The next floor first: often the pairing's floor is the stage's, and that one probe shows it.
        let searched = FloorBisection.search(low: 0, high: thresholds.count - 1, first: [0], limit: MatchingLimits.floorBoundProbes) { probe in
            guard let solves = budget.nextLoop() else { return .stop }
            let bound = stageBound(of: .waiting, floor: thresholds[probe], reached: waiting - 1, solves: solves, rows: rows, pairing: pairing)
            budget.spend(bound.solves)
            return bound.bound < waiting ? .ruledOut : .keeps(from: probe + 1)
        }
        // Every floor above `searched.high` is ruled out (past the end: above the limit, or above every pair's score).
        return searched.high < 0 ? floor : thresholds[searched.high]
    }

    /// The floor's bound by counting, when coverage (`coverage`, the stage's proven value) pairs
    /// everyone waiting: each of them must then be paired, so no floor is above the lowest of their
    /// best pair scores. nil otherwise.
    func floorCountBound(coverage: Int?) -> Int? {
        let waiting = model.people.filter { model.isWaiting[$0] }
        guard coverage == waiting.count, !waiting.isEmpty else { return nil }
        var best = [Int](repeating: Int.min, count: model.pool.applicants.count)
        for e in model.pointsOf.indices {
            best[model.seniorOf[e]] = max(best[model.seniorOf[e]], model.pointsOf[e])
            best[model.juniorOf[e]] = max(best[model.juniorOf[e]], model.pointsOf[e])
        }
        return waiting.map { best[$0] }.min()
    }

    /// The highest score floor at which the relaxation still reaches `targets` (the proven values of
    /// the priority stages), searched from `from` up to `below`: a valid bound on the minimum-score
    /// stage even where the relaxation's own priority values are higher than the proven ones, since
    /// no pairing the relaxation cannot reach is possible.
    func floorBound(reaching targets: [Stage: Int], from: Int, below limit: Int?) -> Int {
        var target = Pass()
        for stage in tiers { target.values[stage] = targets[stage] }
        var relaxed = Pass()
        let unfloored = priorities(roles: mustPairRoles, floor: nil, into: &relaxed, start: greedyPairing)
        let weights = foldWeights(unfloored)
        let thresholds = model.floorThresholds.filter { $0 <= (limit ?? Int.max) }
        var best = from
        var start: ProbeStart?
        _ = FloorBisection.search(low: thresholds.firstIndex { $0 > from } ?? thresholds.count, high: thresholds.count - 1) { mid in
            guard keepsPriorities(roles: mustPairRoles, floor: thresholds[mid], target: target, weights: weights, start: &start).keeps
            else { return .ruledOut }
            best = thresholds[mid]
            return .keeps(from: mid + 1)
        }
        return best
    }

    /// Roles chosen with the pair scores in view, and the total-score bound at `floor` that chose
    /// them (`stageBound`; `reached`: the total score of the pairing in hand there). The rule
    /// (`PairingNetwork.settledRoles`) reads roles off the priority stages' flow, which is blind to
    /// scores, and makes too many "either" applicants seniors, its score stages far below the
    /// optimum (docs/method.md, "Measured choices"). Here each takes the side the bound's best flow used them
    /// on; anyone with pairs above the floor in one role only, that role; anyone else (unused, or
    /// used both ways) the role of most of their pairs, as the rule does.
    func scoredRoles(floor: Int?, reached: Int, rows: PriorityRows = PriorityRows(), pairing: [Int] = []) -> (roles: [Int: PairingNetwork.Role], bound: ScoreBound) {
        let bound = stageBound(floor: floor, reached: reached, rows: rows, pairing: pairing)
        var roles = mustPairRoles.merging(bound.roles, uniquingKeysWith: { must, _ in must })
        let n = model.pool.applicants.count
        var pairsAsSenior = [Int](repeating: 0, count: n), pairsAsJunior = [Int](repeating: 0, count: n)
        var aboveAsSenior = [Bool](repeating: false, count: n), aboveAsJunior = [Bool](repeating: false, count: n)
        for e in model.pointsOf.indices {
            pairsAsSenior[model.seniorOf[e]] += 1
            pairsAsJunior[model.juniorOf[e]] += 1
            if floor == nil || model.pointsOf[e] >= floor! || model.isMust[e] {
                aboveAsSenior[model.seniorOf[e]] = true
                aboveAsJunior[model.juniorOf[e]] = true
            }
        }
        for p in model.eitherRole where roles[p] == nil {
            let senior = aboveAsSenior[p] != aboveAsJunior[p] ? aboveAsSenior[p] : pairsAsSenior[p] >= pairsAsJunior[p]
            roles[p] = senior ? .senior : .junior
        }
        return (roles, bound)
    }

    /// The score stages again with `scoredRoles` in place of the rule's `roles`, kept (in `roles`,
    /// `current` and `network`) when the stages come out better, compared in order, than `current`,
    /// the rule's pass. Each probe scores the roles at a floor, repairs them there (`repairRoles`)
    /// and must keep every priority stage's value: first at the floor's count bound, then a short
    /// bisection down to the rule's floor; without a count bound, the rule's floor alone. The
    /// stages are then solved with the roles of the highest floor that held, and once more with the
    /// roles of the bound's refinement (at the floor found), the better kept. Its cost and gain
    /// at 10,000 and 100,000 applicants: docs/method.md, "Measured choices".
    func improveScores(_ roles: inout [Int: PairingNetwork.Role], current: inout Pass, network: inout PairingNetwork) {
        // Where everyone waiting who has a partner is paired, the floor has a count bound to aim at.
        let bound = floorCountBound(coverage: current.values[.coverage])
        let began = instruments.now()
        var probes = 0
        // Without a count bound not everyone waiting can be paired: the roles must pair as many
        // as they can first, so the flow weighs each waiting person above any pair's score.
        // The priority stages' values as rows the bound prices (`priorityRows`): everyone waiting
        // paired where they all are, else at least as many overdue and waiting people as the rule's
        // roles pair (no more than the optimum does, so still a bound). Pricing coverage instead with
        // a fixed weight above any score kept coverage too, but scored far worse (docs/method.md).
        let rows = priorityRows(current.values)
        var scoreBounds: [ScoreBound] = [] // each bounds the stage at its floor
        // Roles scored at `floor` and repaired there, when they keep every priority stage.
        func rolesKeeping(_ floor: Int?) -> [Int: PairingNetwork.Role]? {
            probes += 1
            var probe = Pass()
            var (probeRoles, bound) = scoredRoles(floor: floor, reached: current.values[.totalScore] ?? 0, rows: rows, pairing: current.chosen)
            scoreBounds.append(bound)
            var probeNetwork = priorities(roles: probeRoles, floor: floor, into: &probe, start: current.chosen)
            repairRoles(&probeRoles, pass: &probe, network: &probeNetwork, floor: floor)
            lastScored = probeRoles
            return tiers.allSatisfy({ probe.values[$0]! >= current.values[$0]! }) ? probeRoles : nil
        }
        var lastScored: [Int: PairingNetwork.Role] = [:]
        // The bound first: where it is reached, that one probe proves the floor. Otherwise a short
        // bisection down to the rule's floor (each probe costs about a third of a pass).
        let thresholds = model.floorThresholds
        // Without a count bound, only the rule's floor.
        let high = bound.map { b in thresholds.lastIndex { $0 <= b } ?? -1 } ?? -1
        var best = current.floor
        var bestRoles: [Int: PairingNetwork.Role]?
        _ = FloorBisection.search(low: thresholds.firstIndex { $0 > current.floor ?? Int.min } ?? thresholds.count, high: high,
                                  first: [high], limit: MatchingLimits.scoredFloorProbes) { mid in
            guard let found = rolesKeeping(thresholds[mid]) else { return .ruledOut }
            (best, bestRoles) = (thresholds[mid], found)
            return .keeps(from: mid + 1)
        }
        guard var trialRoles = bestRoles ?? rolesKeeping(current.floor) ?? agreedRoles(roles, scored: lastScored, keeping: current) else {
            instruments.debug("network: scored roles lose a priority stage, \(probes) probes, \(instruments.now() - began)s")
            return
        }
        var (trial, trialNetwork) = scoreStages(trialRoles, hint: best, start: current.chosen)
        trial.scoreBound = scoreBounds.last { $0.floor == trial.floor }
        refine(&trial, roles: &trialRoles, network: &trialNetwork, hint: best, rows: rows)
        trial.scoreBound?.lastFlow = nil // its use is over: no need to hold a network through the search
        let better = trial.isBetter(than: current, over: model.stages)
        instruments.debug("network: scored roles \(better ? "kept" : "not kept"), floor \(best ?? -1) after \(probes) probes, "
            + model.stages.map { "\($0.rawValue) \(current.values[$0] ?? -1)→\(trial.values[$0] ?? -1)" }.joined(separator: ", ")
            + " in \(instruments.now() - began)s")
        guard better else {
            // The bound holds at the floor whatever the roles: the closing search prices with it.
            if current.scoreBound == nil, trial.floor == current.floor { current.scoreBound = trial.scoreBound }
            return
        }
        roles = trialRoles
        current = trial
        network = trialNetwork
    }

    /// Where the scored roles lose a priority stage even repaired, the roles they agree on with
    /// the rule's (which keep every stage) are fixed, and the others left free on both sides for
    /// the network to choose with the stages, scores included, in view (`solve(keeping:)`): far
    /// better than the rule's roles where it was needed (docs/method.md, "Measured choices").
    /// Nil when that loses a priority stage too.
    private func agreedRoles(_ roles: [Int: PairingNetwork.Role], scored: [Int: PairingNetwork.Role],
                             keeping current: Pass) -> [Int: PairingNetwork.Role]? {
        let agreed = roles.filter { scored[$0.key] == $0.value }
        let pass = solve(keeping: agreed)
        guard tiers.allSatisfy({ pass.values[$0]! >= current.values[$0]! }) else { return nil }
        var chosenRoles = roles.merging(agreed, uniquingKeysWith: { _, agreed in agreed })
        for e in pass.chosen {
            chosenRoles[model.seniorOf[e]] = .senior
            chosenRoles[model.juniorOf[e]] = .junior
        }
        instruments.debug("network: scored roles kept where the rule's agree (\(agreed.count) of \(roles.count))")
        return chosenRoles.filter { model.eitherRole.contains($0.key) || roles[$0.key] != nil }
    }

    /// A second look from the best multipliers, aiming at the pairing just found: a tighter bound,
    /// and roles that often score higher still (kept when they do).
    private func refine(_ trial: inout Pass, roles trialRoles: inout [Int: PairingNetwork.Role], network trialNetwork: inout PairingNetwork,
                        hint best: Int?, rows: PriorityRows) {
        guard let first = trial.scoreBound, let reached = trial.values[.totalScore] else { return }
        let refined = stageBound(floor: trial.floor, reached: reached, from: first, solves: MatchingLimits.scoreRefineSolves,
                                 rows: rows)
        let refinedRoles = trialRoles.merging(refined.roles, uniquingKeysWith: { _, refined in refined })
        // Tried at the floor found only (one warm solve): refined roles that do not keep it are
        // left, as is a floor above it (rare: it mostly sits at its count bound already). A full
        // bisection for them cost seconds and never won.
        if refinedRoles != trialRoles, let hint = best ?? trial.floor, let alt = scoresAtHint(hint, roles: refinedRoles, start: trial.chosen),
           alt.isBetter(than: trial, over: model.stages) {
            (trial, trialRoles, trialNetwork) = (alt, refinedRoles, alt.networks[.totalScore]!)
        }
        trial.scoreBound = [refined, first].filter { $0.floor == trial.floor }.min { $0.bound < $1.bound }
    }

    /// Every stage with `roles`, the floor probed at `hint` first. Most often the floor holds
    /// without the floor's pairs closed too: one warm solve says so (`scoresAtHint`).
    private func scoreStages(_ roles: [Int: PairingNetwork.Role], hint: Int?, start: [Int]) -> (Pass, PairingNetwork) {
        if let hint, let atHint = scoresAtHint(hint, roles: roles, start: start) { return (atHint, atHint.networks[.totalScore]!) }
        var pass = Pass()
        _ = priorities(roles: roles, floor: nil, into: &pass, start: start)
        let network = scores(roles: roles, into: &pass, hint: hint)
        return (pass, network)
    }

    /// Roles by rule can leave people unpaired who had an "either" partner able to pair them in the
    /// other role: where seniors outnumber juniors, "senior when used as a senior" makes too many
    /// "either" applicants seniors. Each round gives every such person's best-scoring such partner
    /// the role that pairs them, solves the priority stages again, and keeps the new roles when the
    /// stages come out better (compared in order); it stops at the first round that does not help,
    /// or after `MatchingLimits.roleRepairRounds`.
    func repairRoles(_ roles: inout [Int: PairingNetwork.Role], pass: inout Pass, network: inout PairingNetwork, floor: Int? = nil) {
        let must = mustPairRoles
        for round in 1...MatchingLimits.roleRepairRounds {
            let paired = model.pairedFlags(network.chosen)
            // Per unpaired waiting person, the best partner whose role stands in the way.
            var best: [Int: (partner: Int, role: PairingNetwork.Role, points: Int)] = [:]
            func consider(_ person: Int, _ partner: Int, _ role: PairingNetwork.Role, _ points: Int) {
                guard model.isWaiting[person], !paired[person], must[partner] == nil, roles[partner] != nil, roles[partner] != role else { return }
                if let current = best[person], (current.points, -current.partner) >= (points, -partner) { return }
                best[person] = (partner, role, points)
            }
            for e in model.pointsOf.indices where floor == nil || model.pointsOf[e] >= floor! {
                let s = model.seniorOf[e], j = model.juniorOf[e]
                if roles[s] != .junior { consider(s, j, .junior, model.pointsOf[e]) }
                if roles[j] != .senior { consider(j, s, .senior, model.pointsOf[e]) }
            }
            guard !best.isEmpty else { return }
            var trialRoles = roles
            for (_, flip) in best.sorted(by: { $0.key < $1.key }) { trialRoles[flip.partner] = flip.role }
            var trial = Pass()
            let trialNetwork = priorities(roles: trialRoles, floor: floor, into: &trial, start: network.chosen)
            let better = trial.isBetter(than: pass, over: tiers)
            instruments.debug("network: role repair round \(round), \(best.count) people, \(better ? "kept" : "undone"): "
                + tiers.map { "\($0.rawValue) \(pass.values[$0]!)→\(trial.values[$0]!)" }.joined(separator: ", "))
            guard better else { return }
            roles = trialRoles
            pass = trial
            network = trialNetwork
        }
    }
}
