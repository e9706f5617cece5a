import Foundation
import GLPK

/// The lexicographic stages solved on `PairingNetwork`s, then proven by GLPK.
///
/// 1. A *pass* solves every stage on one network: overdue, coverage and waiting in turn (each
///    keeping the earlier ones optimal), the minimum score by bisection over the distinct pair
///    scores (each probe a fresh network without the pairs below the floor), and the total score.
/// 2. The first pass leaves every "either" applicant free on both sides. That network is a
///    relaxation: its optimum bounds the true one, stage by stage. If its solution uses nobody in
///    both roles, it is the true optimum. Otherwise those people are given the senior role and
///    the stages are solved again, until nobody is in both roles.
/// 3. GLPK re-solves each stage's LP of the final pass — and of the relaxation, when they differ —
///    starting from the network simplex's final tree as its basis: GLPK, not our code, says
///    "optimal". A stage whose value equals the relaxation's (and every stage before it did too)
///    is proven optimal; otherwise its gap against the bound is reported.
struct NetworkStages {
    typealias Stage = PairingModel.Stage

    struct Pass {
        var values: [Stage: Int] = [:]
        /// The network at the end of each stage, for GLPK.
        var networks: [Stage: PairingNetwork] = [:]
        var floor: Int?
        var chosen: [Int] = []
        var bothRoles: [Int] = []
        var probes = 0
        var seconds: [Stage: Double] = [:]
    }

    let model: PairingModel
    let debug = ProcessInfo.processInfo.environment["TANDEM_DEBUG"] != nil

    /// Runs every stage on the network with `roles` fixed.
    func pass(roles: [Int: PairingNetwork.Role]) -> Pass {
        let clock = ContinuousClock()
        var result = Pass()
        var network = PairingNetwork(model: model, roles: roles, floor: nil)
        let tiers: [Stage] = model.overdue.isEmpty ? [.coverage, .waiting] : [.overdue, .coverage, .waiting]
        for stage in tiers {
            let began = clock.now
            result.values[stage] = network.solve(stage)
            result.networks[stage] = network
            result.seconds[stage] = (clock.now - began).inSeconds
        }

        // Minimum score: the highest floor that keeps the tiers' values.
        let began = clock.now
        let points = { (chosen: [Int]) in chosen.map { model.candidates[$0].score.points }.min() }
        var lowest = points(network.chosen)
        if let found = lowest {
            let mustFloor = model.mustPairs.map { model.candidates[$0].score.points }.min() ?? Int.max
            let thresholds = Array(Set(model.candidates.map(\.score.points))).filter { $0 <= mustFloor }.sorted()
            var low = thresholds.firstIndex { $0 > found } ?? thresholds.count
            var high = thresholds.count - 1
            while low <= high {
                let mid = (low + high) / 2
                var probe = PairingNetwork(model: model, roles: roles, floor: thresholds[mid])
                result.probes += 1
                var keeps = true
                for stage in tiers where probe.solve(stage) < result.values[stage]! {
                    keeps = false
                    break
                }
                if keeps, let reached = points(probe.chosen) {
                    lowest = reached
                    low = max(mid + 1, thresholds.firstIndex { $0 > reached } ?? thresholds.count)
                } else {
                    high = mid - 1
                }
            }
            // The stages once more at the floor found (the last probe may have been another).
            network = PairingNetwork(model: model, roles: roles, floor: lowest)
            for stage in tiers { _ = network.solve(stage) }
        }
        result.floor = lowest
        result.values[.minimumScore] = lowest ?? 0
        result.networks[.minimumScore] = network
        result.seconds[.minimumScore] = (clock.now - began).inSeconds

        let total = clock.now
        result.values[.totalScore] = network.solve(.totalScore)
        result.networks[.totalScore] = network
        result.seconds[.totalScore] = (clock.now - total).inSeconds
        result.chosen = network.chosen
        result.bothRoles = network.bothRoles
        if debug {
            FileHandle.standardError.write(Data("network pass roles=\(roles.count) values=\(result.values.sorted { $0.key.rawValue < $1.key.rawValue }) probes=\(result.probes) bothRoles=\(result.bothRoles.count) pivots=\(network.simplex.pivots)\n".utf8))
        }
        return result
    }

    /// The final pass (nobody in both roles) and the relaxation it is measured against.
    func solve() -> (final: Pass, relaxation: Pass, passes: Int) {
        var roles: [Int: PairingNetwork.Role] = [:]
        // Must-pairs fix their people's roles.
        for e in model.mustPairs {
            roles[model.candidates[e].senior] = .senior
            roles[model.candidates[e].junior] = .junior
        }
        let relaxation = pass(roles: roles)
        var current = relaxation
        var passes = 1
        while !current.bothRoles.isEmpty {
            for p in current.bothRoles { roles[p] = .senior }
            current = pass(roles: roles)
            passes += 1
        }
        return (current, relaxation, passes)
    }

    /// GLPK's check of one stage's network LP, from the network's tree.
    static func prove(_ network: PairingNetwork, stage: Stage, keep: Bool, timeLimit: Double) throws(MatchingError) -> Solution {
        let (lp, basis) = network.glpkModel(stage == .minimumScore ? .waiting : stage)
        do {
            return try Solver.solve(lp, options: SolveOptions(timeLimit: timeLimit, startingBasis: basis,
                                                              keepLPText: keep, keepPrintedSolution: keep))
        } catch {
            throw .solver(error.description)
        }
    }
}
