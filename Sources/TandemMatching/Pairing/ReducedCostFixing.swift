/// Lagrangian reduced-cost fixing: the pairs the total-score bound's best multipliers settle.
/// The bound's loop records, at its best flow, each pair's use and slack (`NetworkStages.slacks`);
/// a pairing that is to score at least a target leaves every pair whose slack exceeds the bound's
/// margin over the target as the flow has it (`ScoreBound.fixedPairs`), so the closing search
/// solves only the part of the model left free (`ClosingSearch.part`). The mathematics:
/// docs/method.md, "The method in detail", step 3.
extension NetworkStages.ScoreBound {
    /// The same bound for another model of the pool with fewer pairs (a later round): still a
    /// bound there, but its per-pair slacks belong to this model's pairs.
    var carried: Self {
        var bound = self
        (bound.scaled, bound.pairUsed, bound.pairSlack, bound.lastFlow) = (Int.max, [], [], nil)
        return bound
    }

    /// Lagrangian reduced-cost fixing: the pairs that every pairing at this floor scoring at
    /// least `reached` makes (true) or leaves out (false), nil for the rest.
    ///
    /// Why it holds: at the best multipliers' optimal flow x* (tree potentials π), any other
    /// circulation x costs Σ_a cost_a x_a = Σ_a cost_a x*_a + Σ_a rc_a (x_a − x*_a), and at
    /// optimality every term rc_a (x_a − x*_a) is ≥ 0 (rc ≥ 0 at a lower bound, ≤ 0 at an upper
    /// one). A valid pairing pays no price on its relaxed rows, so its scaled value is at most
    /// L − Σ_a |rc_a| |x_a − x*_a|; one scoring at least `reached` therefore moves no arc whose
    /// |rc| exceeds L − boundScale · reached. An unused pair also needs its junior's arc from the
    /// source if unused, and one of its senior's places if none is used: its slack adds theirs.
    /// The pairing in hand scores `reached`, so it keeps every fixing: a search started from it
    /// over the pairs left free finds the stage's optimum.
    func fixedPairs(reaching reached: Int) -> [Bool?] {
        guard scaled != Int.max else { return [] }
        let margin = scaled - scale * reached
        return pairSlack.indices.map { e in
            pairSlack[e] < 0 ? false : pairSlack[e] > margin ? pairUsed[e] : nil
        }
    }
}

extension NetworkStages {
    /// Per candidate pair, whether the optimal flow on `network` uses it, and its slack: |reduced
    /// cost|, plus for an unused pair its junior's unused source arc and, when its senior uses no
    /// place, the cheapest of their places (see `ScoreBound.fixedPairs`); -1 for pairs not in it.
    func slacks(_ network: PairingNetwork) -> (used: [Bool], slack: [Int]) {
        let simplex = network.simplex
        func moving(_ arc: Int) -> Int { simplex.state[arc] == 0 || simplex.frozen[arc] ? 0 : abs(simplex.reducedCost(arc)) }
        let n = model.pool.applicants.count
        var asJunior = [Int](repeating: 0, count: n), asSenior = [Int](repeating: 0, count: n)
        for p in 0..<n {
            if network.juniorArc[p] >= 0, simplex.flow[network.juniorArc[p]] == 0 { asJunior[p] = moving(network.juniorArc[p]) }
            let places = network.seniorPlaceArcs(p)
            if !places.isEmpty, places.allSatisfy({ simplex.flow[$0] == 0 }) { asSenior[p] = places.map(moving).min()! }
        }
        var used = [Bool](repeating: false, count: model.candidates.count)
        var slack = [Int](repeating: -1, count: model.candidates.count)
        for (arc, e) in network.pairArcs {
            if simplex.flow[arc] > 0 {
                used[e] = true
                slack[e] = moving(arc)
            } else {
                slack[e] = moving(arc) + asJunior[model.juniorOf[e]] + asSenior[model.seniorOf[e]]
            }
        }
        return (used, slack)
    }
}

extension ClosingSearch {
    /// A part of the model: the pairs kept, and each kept pair's index in the part by its index in the whole.
    struct Part {
        var model: PairingModel
        var kept: [Int]
        var index: [Int: Int]
    }

    /// The part of the model with the pairs `fixed` does not leave out, those it makes made as must-pairs.
    func part(_ fixed: [Bool?]) -> Part {
        let kept = fixed.indices.filter { fixed[$0] != false || model.isMust[$0] }
        let index = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($0.element, $0.offset) })
        let made = Set(kept.indices.filter { fixed[kept[$0]] == true || model.isMust[kept[$0]] })
        let restricted = PairingModel(pool: model.pool, candidates: kept.map { model.candidates[$0] }, mustPairs: made,
                                      overdue: model.overdue)
        return Part(model: restricted, kept: kept, index: index)
    }
}
