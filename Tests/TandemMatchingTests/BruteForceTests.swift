import TandemTestSupport
import Testing
@testable import TandemMatching
import TandemModel

/// The lexicographic optimum of small random pools with "either" applicants, found by enumerating
/// every feasible set of pairs, must equal what the matcher finds — stage by stage — and every
/// bound the network method proves stages with must hold.
@Suite struct BruteForceTests {
    typealias Objectives = [Int] // overdue, coverage, waiting, minimum score, total score

    static func objectives(_ chosen: [Candidate], pool: Pool, target: Int) -> Objectives {
        var people = Set<Int>()
        for c in chosen { people.insert(c.senior); people.insert(c.junior) }
        let overdue = people.filter { pool.isOverdue($0, targetMonths: target) }.count
        let waiting = people.reduce(0) { $0 + max(0, pool.waitingDays($1)) }
        let points = chosen.map(\.score.points)
        return [overdue, people.count, waiting, points.min() ?? 0, points.reduce(0, +)]
    }

    /// Every feasible set of pairs: each junior-capable person picks a senior or nobody.
    static func bruteForce(_ candidates: [Candidate], pool: Pool, target: Int) -> Objectives {
        bestPairing(candidates, pool: pool, target: target).objectives
    }

    /// The lexicographic optimum and one pairing that reaches it.
    static func bestPairing(_ candidates: [Candidate], pool: Pool, target: Int) -> (objectives: Objectives, pairs: [Candidate]) {
        var best: Objectives = [-1]
        var bestPairs: [Candidate] = []
        forEachPairing(candidates, pool: pool) { chosen in
            let value = objectives(chosen, pool: pool, target: target)
            if value.lexicographicallyPrecedes(best) == false && value != best { (best, bestPairs) = (value, chosen) }
        }
        return (best, bestPairs)
    }

    /// The objectives of every feasible set of pairs.
    static func everyPairing(_ candidates: [Candidate], pool: Pool, target: Int) -> [Objectives] {
        var all: [Objectives] = []
        forEachPairing(candidates, pool: pool) { all.append(objectives($0, pool: pool, target: target)) }
        return all
    }

    /// Calls `body` with every feasible set of pairs: each junior-capable person picks a senior or nobody.
    static func forEachPairing(_ candidates: [Candidate], pool: Pool, body: ([Candidate]) -> Void) {
        let byJunior = Dictionary(grouping: candidates, by: \.junior)
        let juniors = byJunior.keys.sorted()
        var chosen: [Candidate] = []
        var load: [Int: Int] = [:]
        func remaining(_ s: Int) -> Int { pool.applicants[s].capacity - (pool.capacityInUse[pool.applicants[s].email.key] ?? 0) }
        func visit(_ k: Int) {
            if k == juniors.count {
                body(chosen)
                return
            }
            let j = juniors[k]
            visit(k + 1) // j not paired as a junior
            if load[j, default: 0] > 0 { return } // j is a senior already
            for c in byJunior[j]! {
                let s = c.senior
                guard load[s, default: 0] < remaining(s) else { continue }
                // s may not be a junior in `chosen`.
                if chosen.contains(where: { $0.junior == s }) { continue }
                chosen.append(c); load[s, default: 0] += 1
                visit(k + 1)
                chosen.removeLast(); load[s]! -= 1
            }
        }
        visit(0)
    }

    /// A random pool of `sizes` applicants with every allowed pair kept (`config` keeps them all),
    /// as the pairing model sees it; nil when it has no allowed pair.
    static func randomModel(_ sizes: ClosedRange<Int>, rng: inout SeededGenerator,
                            config: SchemeConfig) throws -> (scorer: Scorer, candidates: [Candidate], model: PairingModel)? {
        let pool = Pool(applicants: RandomPools.applicants(Int.random(in: sizes, using: &rng), rng: &rng),
                        firstMonth: YearMonth(year: 2026, month: 12))
        let scorer = try Scorer(pool: pool, config: config)
        let candidates = scorer.candidates().candidates
        guard !candidates.isEmpty else { return nil }
        return (scorer, candidates, PairingModel(pool: pool, candidates: candidates, mustPairs: [],
                                                 overdue: Matcher.overdueApplicants(pool, config: config)))
    }

    @Test(arguments: 0..<150)
    func matchesBruteForce(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) &* 7919 &+ 17)
        let count = Int.random(in: 3...7, using: &rng)
        var config = SchemeConfig()
        config.matching.candidatesPerPerson = 1000 // no pruning: the brute force sees every allowed pair
        let pool = Pool(applicants: RandomPools.applicants(count, rng: &rng), firstMonth: YearMonth(year: 2026, month: 12))
        let result = try Matcher.match(pool, config: config, models: .never)
        let scorer = try Scorer(pool: pool, config: config)
        let candidates = scorer.candidates().candidates
        let expected = Self.bruteForce(candidates, pool: pool, target: config.matching.waitingTargetMonths)
        let index = Dictionary(pool.applicants.enumerated().map { ($0.element.email.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let chosen = result.pairs.map { p in candidates.first { $0.senior == index[p.senior.email.key]! && $0.junior == index[p.junior.email.key]! }! }
        let found = Self.objectives(chosen, pool: pool, target: config.matching.waitingTargetMonths)
        #expect(found == expected, "seed \(seed): GLPK \(found) vs brute force \(expected)")
        #expect(result.allProvenOptimal)

        // The network's bounds hold, and a stage it calls reached is at the optimum.
        let model = PairingModel(pool: pool, candidates: candidates, mustPairs: [], overdue: Matcher.overdueApplicants(pool, config: config))
        guard !candidates.isEmpty else { return }
        let stages = NetworkStages(model: model, instruments: .system)
        var (final, relaxation, _, _) = stages.solve()
        let bounds = stages.bounds(final: &final, relaxation: &relaxation)
        let order: [PairingModel.Stage] = [.overdue, .coverage, .waiting, .minimumScore, .totalScore]
        var reached = true
        for (k, stage) in order.enumerated() {
            guard let bound = bounds[stage] else { continue }
            if reached { #expect(bound >= expected[k], "seed \(seed): \(stage.rawValue) bound \(bound) below the optimum \(expected[k])") }
            if reached && final.values[stage] == bound {
                #expect(bound == expected[k], "seed \(seed): \(stage.rawValue) reached its bound \(bound) but the optimum is \(expected[k])")
            }
            reached = reached && final.values[stage] == bound
        }
    }

    /// Every bound the network gives (`NetworkStages.bounds`) holds over the pairings at least as good
    /// as the network's in the stages before it — found here by enumerating every pairing — on
    /// pools where the network's roles fall short; and the Lagrangian bounds of the priority stages
    /// and the floor (`priorityBound`, `floorBound(ruling:)`) prove some stages the counts and the
    /// relaxation leave open.
    @Test func boundsHoldOverPairingsAsGood() throws {
        var config = SchemeConfig()
        config.matching.candidatesPerPerson = 1000
        var (short, laterBounded, provenByLagrangian) = (0, 0, 0)
        let order: [PairingModel.Stage] = [.overdue, .coverage, .waiting, .minimumScore, .totalScore]
        for seed in 0..<150 {
            var rng = SeededGenerator(seed: UInt64(seed) &* 15_485_863 &+ 29)
            guard let (_, candidates, model) = try Self.randomModel(6...10, rng: &rng, config: config), !model.eitherRole.isEmpty else { continue }
            let target = config.matching.waitingTargetMonths
            let stages = NetworkStages(model: model, instruments: .system, scoresRoles: false)
            var (final, relaxation, _, _) = stages.solve()
            let bounds = stages.bounds(final: &final, relaxation: &relaxation)
            let mine = Self.objectives(final.chosen.map { candidates[$0] }, pool: model.pool, target: target)
            let all = Self.everyPairing(candidates, pool: model.pool, target: target)
            var earlierReached = true
            for (k, stage) in order.enumerated() {
                guard let bound = bounds[stage] else { continue }
                let asGood = all.filter { o in (0..<k).allSatisfy { o[$0] >= mine[$0] } }.map { $0[k] }.max() ?? Int.min
                #expect(bound >= asGood, "seed \(seed): \(stage.rawValue) bound \(bound) below \(asGood), reached by a pairing as good before it")
                if !earlierReached { laterBounded += 1 }
                if bound != mine[k] {
                    if earlierReached { short += 1 }
                    earlierReached = false
                }
            }
            var relaxedOnly = final, relaxedAgain = relaxation
            let counted = Self.countAndRelaxationBounds(stages, final: &relaxedOnly, relaxation: &relaxedAgain)
            for stage in [PairingModel.Stage.overdue, .coverage, .waiting, .minimumScore] where counted[stage].map({ $0 > final.values[stage]! }) ?? true {
                if bounds[stage] == final.values[stage] { provenByLagrangian += 1 }
            }
        }
        #expect(short >= 5 && laterBounded >= 5 && provenByLagrangian >= 1,
                "\(short) pools short of a bound, \(laterBounded) later stages bounded, \(provenByLagrangian) stages proven by the Lagrangian bounds")
        print("bounds over pairings as good: \(short) pools short of a bound, \(laterBounded) later stages bounded, \(provenByLagrangian) proven by the Lagrangian bounds")
    }

    /// The bounds by counting and by the relaxation alone, as before the Lagrangian ones.
    static func countAndRelaxationBounds(_ stages: NetworkStages, final: inout NetworkStages.Pass,
                                         relaxation: inout NetworkStages.Pass) -> [PairingModel.Stage: Int] {
        var result: [PairingModel.Stage: Int] = [:]
        let model = stages.model
        let waiting = model.people.filter { model.isWaiting[$0] }
        let counts: [PairingModel.Stage: Int?] = [.overdue: model.overdue.count, .coverage: waiting.count,
                                                  .waiting: waiting.reduce(0) { $0 + model.waitingOf[$1] },
                                                  .minimumScore: stages.floorCountBound(coverage: final.values[.coverage])]
        var valid = true
        for stage in [PairingModel.Stage.overdue, .coverage, .waiting, .minimumScore] {
            let relaxed = valid ? relaxation.values[stage] : nil
            let count = counts[stage] ?? nil
            result[stage] = [relaxed, count].compactMap { $0 }.min()
            valid = valid && relaxation.values[stage] == final.values[stage]
        }
        return result
    }

    /// The network's own answer (no closing search): roles chosen with the scores in view
    /// (`NetworkStages.improveScores`) against roles by rule alone, on pools larger than the
    /// matcher test's. Both must be valid pairings, neither above brute force; the scored roles
    /// never worse than the rule's (stages compared in order), and at the optimum more often.
    @Test func scoredRolesAgainstRuleAndBruteForce() throws {
        var config = SchemeConfig()
        config.matching.candidatesPerPerson = 1000
        var (withRoles, atOptimumScored, atOptimumRule, scoredBetter) = (0, 0, 0, 0)
        for seed in 0..<120 {
            var rng = SeededGenerator(seed: UInt64(seed) &* 104_729 &+ 3)
            guard let (scorer, candidates, model) = try Self.randomModel(6...9, rng: &rng, config: config) else { continue }
            let pool = model.pool
            let scored = NetworkStages(model: model, instruments: .system).solve()
            guard scored.passes > 1 else { continue } // the relaxation was the optimum: no roles to choose
            withRoles += 1
            let rule = NetworkStages(model: model, instruments: .system, scoresRoles: false).solve()
            let target = config.matching.waitingTargetMonths
            let optimum = Self.bruteForce(candidates, pool: pool, target: target)
            var values: [Objectives] = []
            for pass in [scored.final, rule.final] {
                #expect(throws: Never.self, "seed \(seed)") { try Matcher.verify(pairs: pass.chosen, model: model, scorer: scorer) }
                let value = Self.objectives(pass.chosen.map { candidates[$0] }, pool: pool, target: target)
                #expect(!optimum.lexicographicallyPrecedes(value), "seed \(seed): \(value) above brute force \(optimum)")
                values.append(value)
            }
            #expect(!values[0].lexicographicallyPrecedes(values[1]), "seed \(seed): scored roles \(values[0]) below the rule's \(values[1])")
            if values[0] == optimum { atOptimumScored += 1 }
            if values[1] == optimum { atOptimumRule += 1 }
            if values[1].lexicographicallyPrecedes(values[0]) { scoredBetter += 1 }
        }
        #expect(withRoles >= 20, "only \(withRoles) pools needed roles chosen")
        #expect(atOptimumScored > atOptimumRule, "scored roles at the optimum in \(atOptimumScored) pools, the rule's in \(atOptimumRule)")
        print("scored roles: \(withRoles) pools needed roles; at the optimum: scored \(atOptimumScored), rule \(atOptimumRule); scored better in \(scoredBetter)")
    }

    /// Weak duality, checked: the total-score bound (`NetworkStages.stageBound`) at the
    /// optimum's floor is never below brute force's total score, whatever multipliers it ends on
    /// or starts from (random ones, one solve), and the multiplier loop's bound is never above the
    /// bound with no prices at all (everyone free on both sides, which it starts from).
    @Test func totalScoreBoundHoldsAgainstBruteForce() throws {
        var config = SchemeConfig()
        config.matching.candidatesPerPerson = 1000
        var checked = 0, tight = 0
        for seed in 0..<120 {
            var rng = SeededGenerator(seed: UInt64(seed) &* 7_561 &+ 11)
            guard let (_, candidates, model) = try Self.randomModel(5...9, rng: &rng, config: config), !model.eitherRole.isEmpty else { continue }
            let optimum = Self.bruteForce(candidates, pool: model.pool, target: config.matching.waitingTargetMonths)
            let stages = NetworkStages(model: model, instruments: .system)
            let bound = stages.stageBound(floor: optimum[3], reached: 0)
            #expect(bound.bound >= optimum[4], "seed \(seed): bound \(bound.bound) below the optimum \(optimum[4])")
            let unpriced = stages.stageBound(floor: optimum[3], reached: 0, solves: 1)
            #expect(bound.bound <= unpriced.bound, "seed \(seed): \(bound.bound) above the unpriced bound \(unpriced.bound)")
            var random = unpriced
            random.prices = Dictionary(uniqueKeysWithValues: model.eitherRole.map { ($0, Int.random(in: 0...20_000, using: &rng)) })
            let priced = stages.stageBound(floor: optimum[3], reached: 0, from: random, solves: 1)
            #expect(priced.bound >= optimum[4], "seed \(seed): bound \(priced.bound) at random prices below the optimum \(optimum[4])")
            checked += 1
            if bound.bound == optimum[4] { tight += 1 }
        }
        #expect(checked >= 40, "only \(checked) pools had either applicants")
        print("total-score bound: \(checked) pools, equal to the optimum in \(tight)")
    }

    /// The bound that also prices the priority stages' rows (`PriorityRows`: everyone waiting
    /// paired where the optimum pairs them all, else the overdue and the coverage counted) still
    /// holds, at its own multipliers and at random ones; and its reduced-cost fixing
    /// (`ScoreBound.fixedPairs`) at the optimum's score keeps the optimal pairing: every pair it
    /// makes is in it, none it leaves out is — the rule the closing search's priced-down models rest on.
    @Test func priorityRowsBoundAndFixingHoldAgainstBruteForce() throws {
        var config = SchemeConfig()
        config.matching.candidatesPerPerson = 1000
        var checked = 0, tighter = 0, fixedSome = 0, withEveryone = 0, withGroups = 0
        for seed in 0..<200 {
            var rng = SeededGenerator(seed: UInt64(seed) &* 6_007 &+ 5)
            guard let (_, candidates, model) = try Self.randomModel(5...9, rng: &rng, config: config), !model.eitherRole.isEmpty else { continue }
            let (optimum, best) = Self.bestPairing(candidates, pool: model.pool, target: config.matching.waitingTargetMonths)
            let chosen = Set(best.map { c in candidates.firstIndex(of: c)! })
            let stages = NetworkStages(model: model, instruments: .system)
            var values: [PairingModel.Stage: Int] = [:]
            for stage in [PairingModel.Stage.overdue, .coverage] { values[stage] = Int(model.objectiveValue(stage, chosen: Array(chosen))) }
            let rows = stages.priorityRows(values)
            guard !rows.paired.isEmpty || !rows.atLeast.isEmpty else { continue }
            checked += 1
            if rows.paired.count == model.people.count { withEveryone += 1 }
            if !rows.atLeast.isEmpty { withGroups += 1 }
            let plain = stages.stageBound(floor: optimum[3], reached: optimum[4])
            let bound = stages.stageBound(floor: optimum[3], reached: optimum[4], rows: rows)
            #expect(bound.bound >= optimum[4], "seed \(seed): bound \(bound.bound) below the optimum \(optimum[4])")
            if bound.bound < plain.bound { tighter += 1 }
            var random = bound
            random.prices = Dictionary(uniqueKeysWithValues: model.eitherRole.map { ($0, Int.random(in: 0...20_000, using: &rng)) })
            random.rewards = Dictionary(uniqueKeysWithValues: model.people.map { ($0, Int.random(in: -20_000...20_000, using: &rng)) })
            random.groupRewards = rows.atLeast.map { _ in Int.random(in: 0...20_000, using: &rng) }
            let priced = stages.stageBound(floor: optimum[3], reached: optimum[4], from: random, solves: 1, rows: rows)
            #expect(priced.bound >= optimum[4], "seed \(seed): bound \(priced.bound) at random multipliers below the optimum \(optimum[4])")
            for result in [plain, bound, priced] {
                let fixed = result.fixedPairs(reaching: optimum[4])
                #expect(fixed.count == candidates.count, "seed \(seed)")
                for (e, value) in fixed.enumerated() {
                    if value == true { #expect(chosen.contains(e), "seed \(seed): pair \(e) made by the fixing, not in the optimum") }
                    if value == false { #expect(!chosen.contains(e), "seed \(seed): pair \(e) of the optimum left out by the fixing") }
                }
                if fixed.contains(where: { $0 != nil }) { fixedSome += 1 }
            }
        }
        #expect(checked >= 60 && withEveryone >= 20 && withGroups >= 10, "\(checked) pools, \(withEveryone) pairing everyone, \(withGroups) with group rows")
        #expect(tighter > 0 && fixedSome > 0, "never tighter (\(tighter)) or never fixing (\(fixedSome))")
        print("priority-rows bound: \(checked) pools (\(withEveryone) pairing everyone, \(withGroups) with group rows), tighter than without in \(tighter); fixings made in \(fixedSome) of \(3 * checked) bounds")
    }
}

extension BruteForceTests {
    /// A network started from a pairing (`PairingNetwork.init(start:)`) begins with a valid flow
    /// (each junior once, each senior within their places, the pairs below a floor left out) and a
    /// consistent tree, and reaches the same value at every stage as one started from nothing,
    /// whatever the start: the optimal pairing, a random order of every pair, or the greedy pairs;
    /// with every "either" applicant free on both sides, and with the rule's roles above a floor.
    @Test func networksStartedFromAPairingReachTheSameStages() throws {
        var config = SchemeConfig()
        config.matching.candidatesPerPerson = 1000
        var checked = 0
        for seed in 0..<60 {
            var rng = SeededGenerator(seed: UInt64(seed) &* 2_713 &+ 5)
            guard let (_, candidates, model) = try Self.randomModel(6...10, rng: &rng, config: config) else { continue }
            let stages = NetworkStages(model: model, instruments: .system)
            let best = Self.bestPairing(candidates, pool: model.pool, target: config.matching.waitingTargetMonths).pairs
            let index = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { (Scorer.orderedKey($1.senior, $1.junior), $0) })
            let optimal = best.compactMap { index[Scorer.orderedKey($0.senior, $0.junior)] }
            let floor = model.pointsOf.sorted()[model.pointsOf.count / 3]
            let starts = [optimal, model.pointsOf.indices.shuffled(using: &rng), stages.greedyPairing]
            var relaxation = PairingNetwork(model: model, roles: [:], floor: nil)
            _ = relaxation.solve(.overdue)
            for (roles, floor) in [([:], nil), (relaxation.settledRoles(), floor)] as [([Int: PairingNetwork.Role], Int?)] {
                var cold = PairingNetwork(model: model, roles: roles, floor: floor)
                let expected = model.stages.map { cold.solve($0) }
                for start in starts {
                    var warm = PairingNetwork(model: model, roles: roles, floor: floor, start: start)
                    #expect(warm.simplex.treeIsConsistent())
                    var asJunior = [Int](repeating: 0, count: model.pool.applicants.count), asSenior = asJunior
                    for e in warm.chosen {
                        asJunior[model.juniorOf[e]] += 1
                        asSenior[model.seniorOf[e]] += 1
                        #expect(floor == nil || model.pointsOf[e] >= floor!, "seed \(seed): a pair below the floor in the start")
                    }
                    #expect(asJunior.allSatisfy { $0 <= 1 })
                    #expect(asSenior.indices.allSatisfy { asSenior[$0] <= max(1, model.remainingCapacity($0)) })
                    let reached = model.stages.map { warm.solve($0) }
                    #expect(reached == expected, "seed \(seed): \(reached) from a start, \(expected) from nothing")
                    #expect(warm.simplex.treeIsConsistent())
                }
            }
            checked += 1
        }
        #expect(checked >= 40, "only \(checked) pools had a pair")
    }
}
