import GLPK

/// The pairing as a flow network, solved stage by stage with `NetworkSimplex`.
///
/// Why a network: with every applicant's role known, pairing is a transportation problem —
/// source → junior → (pair) → senior place → sink, one unit of flow per pair — and its LP has
/// integral optima, so a combinatorial method settles it exactly and fast. "Either" applicants
/// whose role is not fixed appear on both sides; a solution that uses both of their copies is
/// not a valid pairing, so the matcher fixes their roles and solves again (see `Matcher`), and the
/// network with every either-applicant free on both sides is the bound that shows the gap.
///
/// Nodes: 0 source, 1 sink, then one node per person per role. Arcs, in this order: the return
/// arc sink → source ("pairs"); source → junior ("junior(p)", 1 if p is paired as a junior);
/// junior → senior ("x(s,j)", the pair); senior → sink, one per place ("senior(p)" is the first
/// place: p is paired as a senior; "senior_place_k(p)" the others).
struct PairingNetwork {
    enum Role: Sendable { case senior, junior }

    let model: PairingModel
    /// Pair arcs and their candidate indices.
    private(set) var pairArcs: [(arc: Int, candidate: Int)] = []
    /// Per person (pool index): their arc from the source as a junior, their first place's arc
    /// as a senior, and their nodes; -1 when they have none.
    private(set) var juniorArc: [Int]
    private(set) var seniorFirstArc: [Int]
    private(set) var juniorNode: [Int]
    private(set) var seniorNode: [Int]
    private(set) var arcs: [(source: Int, target: Int, capacity: Int)] = []
    /// What each arc and node stands for; names are made only for GLPK's model.
    private enum Label {
        case pairs, source, sink
        case junior(Int), senior(Int), seniorPlace(Int, Int), pair(Int)
    }
    private var arcLabels: [Label] = []
    private var nodeLabels: [Label] = []
    var simplex: NetworkSimplex

    /// - Parameters:
    ///   - roles: the fixed role of some either-applicants (the others get both copies);
    ///   - floor: pairs scoring below it are left out (must-pairs never are: the matcher keeps floors at or below them).
    ///   - disabledBelow: pairs scoring below it are in the network but frozen at zero, so that
    ///     `enablePairs` can lower the floor later and the simplex continue from its tree.
    ///   - start: a pairing (candidate indices) the flow starts from instead of from nothing: each of
    ///     its pairs that this network holds, in order, while its junior is free and its senior has a
    ///     place left. A solution of a neighbouring problem (other roles, another floor or objective)
    ///     saves about half of a solve's pivots, often more.
    init(model: PairingModel, roles: [Int: Role], floor: Int?, disabledBelow: Int? = nil, start: [Int] = []) {
        self.model = model
        let n = model.pool.applicants.count
        simplex = NetworkSimplex(nodeCount: 0, arcs: []) // replaced once the arcs are known
        juniorArc = [Int](repeating: -1, count: n)
        seniorFirstArc = [Int](repeating: -1, count: n)
        juniorNode = [Int](repeating: -1, count: n)
        seniorNode = [Int](repeating: -1, count: n)
        nodeLabels = [.source, .sink]
        let fixedSenior = roles.filter { $0.value == .senior }.keys, fixedJunior = roles.filter { $0.value == .junior }.keys
        var canBeSenior = [Bool](repeating: true, count: n), canBeJunior = [Bool](repeating: true, count: n)
        for p in fixedSenior { canBeJunior[p] = false }
        for p in fixedJunior { canBeSenior[p] = false }
        var asJunior = [Bool](repeating: false, count: n), asSenior = [Bool](repeating: false, count: n)
        let kept = model.pointsOf.indices.filter { floor == nil || model.pointsOf[$0] >= floor! || model.isMust[$0] }
        for e in kept {
            if canBeSenior[model.seniorOf[e]] { asSenior[model.seniorOf[e]] = true }
            if canBeJunior[model.juniorOf[e]] { asJunior[model.juniorOf[e]] = true }
        }
        for p in 0..<n where asJunior[p] {
            juniorNode[p] = nodeLabels.count
            nodeLabels.append(.junior(p))
        }
        for p in 0..<n where asSenior[p] {
            seniorNode[p] = nodeLabels.count
            nodeLabels.append(.senior(p))
        }
        arcs.reserveCapacity(kept.count + 3 * n + 1)
        arcLabels.reserveCapacity(kept.count + 3 * n + 1)
        func add(_ s: Int, _ t: Int, _ capacity: Int, _ label: Label) -> Int {
            arcs.append((s, t, capacity))
            arcLabels.append(label)
            return arcs.count - 1
        }
        _ = add(1, 0, NetworkSimplex.unbounded, .pairs)
        for p in 0..<n where asJunior[p] { juniorArc[p] = add(0, juniorNode[p], 1, .junior(p)) }
        // Must-pairs start with their flow in place and are frozen there.
        var mustCount: [Int: Int] = [:]
        var mustJuniors: [Int] = []
        var mustArcs: [Int] = []
        pairArcs.reserveCapacity(kept.count)
        for e in kept {
            let j = juniorNode[model.juniorOf[e]], s = seniorNode[model.seniorOf[e]]
            guard j >= 0, s >= 0 else { continue }
            let arc = add(j, s, 1, .pair(e))
            pairArcs.append((arc, e))
            if model.isMust[e] {
                mustArcs.append(arc)
                mustCount[model.seniorOf[e], default: 0] += 1
                mustJuniors.append(model.juniorOf[e])
            }
        }
        var placeArcs: [Int: [Int]] = [:]
        for p in 0..<n where asSenior[p] {
            let places = max(1, model.remainingCapacity(p))
            seniorFirstArc[p] = add(seniorNode[p], 1, 1, .senior(p))
            if mustCount[p] != nil { placeArcs[p] = [seniorFirstArc[p]] }
            for k in stride(from: 2, through: places, by: 1) {
                let arc = add(seniorNode[p], 1, 1, .seniorPlace(p, k))
                if mustCount[p] != nil { placeArcs[p]!.append(arc) }
            }
        }
        var flow: [Int]? = nil
        if !mustArcs.isEmpty {
            var f = [Int](repeating: 0, count: arcs.count)
            for arc in mustArcs { f[arc] = 1 }
            for j in mustJuniors { f[juniorArc[j]] = 1 }
            for (s, count) in mustCount { for arc in placeArcs[s]!.prefix(count) { f[arc] = 1 } }
            f[0] = mustArcs.count
            flow = f
        }
        if !start.isEmpty { flow = startingFlow(start, over: flow, mustCount: mustCount, disabledBelow: disabledBelow) }
        simplex = NetworkSimplex(nodeCount: nodeLabels.count, arcs: arcs, initialFlow: flow,
                                 treeArc: flow == nil ? nil : (node: 1, arc: 0, parentNode: 0))
        for arc in mustArcs { simplex.freeze(arc) }
        if let disabledBelow {
            for (arc, e) in pairArcs where model.pointsOf[e] < disabledBelow && !model.isMust[e] { simplex.freeze(arc) }
        }
    }

    /// The flow of the must-pairs (`base`) with the pairs of `start` added: each pair taken is one unit
    /// around source → junior → senior place → sink → source, a circulation, every arc on it at its
    /// bound of 1 except the return arc, which `treeArc` puts in the tree (as for must-pairs). A pair
    /// is taken while its junior is free and its senior has a place left. Nil when none is.
    private func startingFlow(_ start: [Int], over base: [Int]?, mustCount: [Int: Int], disabledBelow: Int?) -> [Int]? {
        var f = base ?? [Int](repeating: 0, count: arcs.count)
        var arcOf = [Int](repeating: -1, count: model.candidates.count)
        for (arc, e) in pairArcs { arcOf[e] = arc }
        var used = [Int](repeating: 0, count: model.pool.applicants.count) // places used per senior
        for (s, count) in mustCount { used[s] = count }
        for e in start where !model.isMust[e] && (disabledBelow == nil || model.pointsOf[e] >= disabledBelow!) {
            let (s, j) = (model.seniorOf[e], model.juniorOf[e])
            let places = seniorPlaceArcs(s)
            guard arcOf[e] >= 0, f[juniorArc[j]] == 0, used[s] < places.count else { continue }
            f[arcOf[e]] = 1
            f[juniorArc[j]] = 1
            f[places.lowerBound + used[s]] = 1
            used[s] += 1
            f[0] += 1
        }
        return f[0] > 0 ? f : nil
    }

    /// What each unit of flow on an arc is worth at `stage` (the network minimises −gain).
    func gains(_ stage: PairingModel.Stage) -> [Int] {
        var gain = [Int](repeating: 0, count: arcs.count)
        guard stage.isPriority else {
            for (arc, e) in pairArcs { gain[arc] = model.pointsOf[e] }
            return gain
        }
        // A person's weight on their arc from the source and on their first place: paired once either way.
        for p in juniorArc.indices where juniorArc[p] >= 0 || seniorFirstArc[p] >= 0 {
            let weight = model.weight(stage, of: p)
            if juniorArc[p] >= 0 { gain[juniorArc[p]] = weight }
            if seniorFirstArc[p] >= 0 { gain[seniorFirstArc[p]] = weight }
        }
        return gain
    }

    /// Sets the simplex's costs to the folded priority stages (see `foldedGains`), for a solve of all three at once.
    mutating func useFoldedCosts(_ weights: (overdue: Int, coverage: Int)) {
        simplex.setCosts(foldedGains(weights).map { -$0 })
    }

    /// The three priority stages' gains in one: overdue × `weights.overdue` + coverage ×
    /// `weights.coverage` + waiting (see `NetworkStages.foldWeights`).
    func foldedGains(_ weights: (overdue: Int, coverage: Int)) -> [Int] {
        let overdue = gains(.overdue), coverage = gains(.coverage), waiting = gains(.waiting)
        return overdue.indices.map { weights.overdue * overdue[$0] + weights.coverage * coverage[$0] + waiting[$0] }
    }

    /// Solves `stage` from the current tree and keeps only its optimal flows for what follows.
    /// Returns the network's objective (Σ gain · flow).
    mutating func solve(_ stage: PairingModel.Stage) -> Int {
        let gain = gains(stage)
        simplex.setCosts(gain.map { -$0 })
        simplex.minimize()
        simplex.freezeNonOptimalArcs()
        return -simplex.totalCost
    }

    /// Lets pairs scoring from `floor` up to (not including) `limit` back in: they were frozen at
    /// zero, so the current tree stays valid and the simplex continues from it.
    mutating func enablePairs(from floor: Int, below limit: Int) {
        for (arc, e) in pairArcs where model.pointsOf[e] >= floor && model.pointsOf[e] < limit && !model.isMust[e] {
            simplex.unfreeze(arc)
        }
    }

    /// Takes the unused pairs scoring below `floor` out of use (must-pairs excepted), so that a
    /// network solved at a lower floor serves as one at `floor`: in GLPK's model they become columns
    /// fixed at 0 or bounded by 0.
    mutating func closePairs(below floor: Int) {
        for (arc, e) in pairArcs where model.pointsOf[e] < floor && !model.isMust[e] && !simplex.frozen[arc] {
            simplex.close(arc)
        }
    }

    /// The candidate pairs with flow.
    var chosen: [Int] {
        pairArcs.filter { simplex.flow[$0.arc] > 0 }.map(\.candidate).sorted()
    }

    /// The arcs of `p`'s places as a senior (the first place first); empty when p has no senior copy.
    func seniorPlaceArcs(_ p: Int) -> Range<Int> {
        seniorFirstArc[p] < 0 ? 0..<0 : seniorFirstArc[p]..<(seniorFirstArc[p] + max(1, model.remainingCapacity(p)))
    }

    /// Either-applicants with flow on both of their copies: not a valid pairing.
    var bothRoles: [Int] {
        juniorArc.indices.filter { p in
            juniorArc[p] >= 0 && seniorFirstArc[p] >= 0 && simplex.flow[juniorArc[p]] > 0 && simplex.flow[seniorFirstArc[p]] > 0
        }
    }

    /// A role for every applicant still free on both sides, from the current flow: senior when
    /// used as a senior (also when used both ways: places as a senior are the scarcer kind),
    /// junior when used only as a junior; someone unused takes the side with more candidate pairs.
    func settledRoles() -> [Int: Role] {
        var pairsAsSenior = [Int](repeating: 0, count: juniorArc.count)
        var pairsAsJunior = [Int](repeating: 0, count: juniorArc.count)
        for (_, e) in pairArcs {
            pairsAsSenior[model.seniorOf[e]] += 1
            pairsAsJunior[model.juniorOf[e]] += 1
        }
        var roles: [Int: Role] = [:]
        for p in juniorArc.indices where juniorArc[p] >= 0 && seniorFirstArc[p] >= 0 {
            if simplex.flow[seniorFirstArc[p]] > 0 {
                roles[p] = .senior
            } else if simplex.flow[juniorArc[p]] > 0 {
                roles[p] = .junior
            } else {
                roles[p] = pairsAsSenior[p] >= pairsAsJunior[p] ? .senior : .junior
            }
        }
        return roles
    }

    /// The network's LP for `stage` as a GLPK model with the current tree as its starting basis:
    /// node rows (flow out − flow in = 0), arc columns (frozen ones fixed at their flow).
    /// - Parameter named: name rows and columns after the people (for the LP file); unnamed
    ///   otherwise, which is much faster on large models.
    func glpkModel(_ stage: PairingModel.Stage, named: Bool) -> (Model, StartingBasis) {
        let key = { (i: Int) in model.pool.applicants[i].email.key }
        func name(_ label: Label) -> String {
            switch label {
            case .pairs: return "pairs"
            case .source: return "source"
            case .sink: return "sink"
            case let .junior(p): return "junior(\(key(p)))"
            case let .senior(p): return "senior(\(key(p)))"
            case let .seniorPlace(p, k): return "senior_place_\(k)(\(key(p)))"
            case let .pair(e): return "x(\(key(model.candidates[e].senior)),\(key(model.candidates[e].junior)))"
            }
        }
        func nodeName(_ label: Label) -> String {
            switch label {
            case let .junior(p): return "as_junior(\(key(p)))"
            case let .senior(p): return "as_senior(\(key(p)))"
            default: return name(label)
            }
        }
        var lp = Model(name: "tandem-\(stage.rawValue)", sense: .maximize)
        let gain = gains(stage)
        let basis = simplex.basis()
        var columns: [Model.Variable] = []
        columns.reserveCapacity(arcs.count)
        for e in arcs.indices {
            let fixed = basis.columns[e] == .fixed
            let flow = Double(simplex.flow[e])
            let capacity = simplex.capacity[e] // `closePairs` may have lowered it
            let upper: Double? = capacity >= NetworkSimplex.unbounded ? nil : Double(capacity)
            // Continuous: with the roles fixed the LP's basic solutions are integral (a network).
            columns.append(lp.addVariable(named ? name(arcLabels[e]) : "", kind: .continuous, lower: fixed ? flow : 0,
                                          upper: fixed ? flow : upper, objective: Double(gain[e])))
        }
        var terms = [[(Model.Variable, Double)]](repeating: [], count: nodeLabels.count)
        for (e, arc) in arcs.enumerated() {
            terms[arc.source].append((columns[e], 1))
            terms[arc.target].append((columns[e], -1))
        }
        for (u, label) in nodeLabels.enumerated() { lp.addConstraint(named ? nodeName(label) : "", terms[u], lower: 0, upper: 0) }
        return (lp, basis)
    }
}
