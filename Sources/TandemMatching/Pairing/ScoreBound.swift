/// The total-score stage with "either" roles free, by Lagrangian relaxation of "one role per
/// person": a valid upper bound at any size, and the roles that its multipliers favour.
///
/// The stage: max Σ_e c_e x_e over pairings that keep the priority stages at their proven values,
/// with every pair at or above the proven floor τ (must-pairs excepted). Relax it twice:
/// - drop the priority stages' rows (a maximum over more pairings can only be higher);
/// - give every "either" applicant p both copies in the flow network (`PairingNetwork`) and move
///   "one role per person" into the objective. In integers x_S(p) + k_p · x_J(p) ≤ k_p says it
///   exactly (x_S(p): juniors p takes as a senior, x_J(p) ∈ {0,1}: p paired as a junior, k_p the
///   places p offers); with a multiplier λ_p ≥ 0 per person,
///       L(λ) = max over flows of Σ_e c_e x_e − Σ_p λ_p (x_S(p) + k_p x_J(p) − k_p)
///   is at least the stage's optimum for *every* λ ≥ 0 (weak duality), and for a given λ it is one
///   min-cost flow: λ_p on each of p's place arcs, k_p λ_p on p's junior arc.
///
/// The bound is the lowest L(λ) met while λ follows the subgradient (each row's excess
/// x_S(p) + k_p x_J(p) − k_p) with Polyak's step towards the pairing in hand, every flow solved
/// from the last tree. Its limit is the LP optimum of this relaxation: at 2,000 applicants
/// 6,857,763 against HiGHS's integer optimum of 6,849,981 (0.11 % above); the loop's 60 solves
/// reach 6,859,029 in 0.35 s, and 20 more from the best multipliers, aiming at the pairing they
/// gave, 6,858,526 (the refinement in `improveScores`). Costs are the scores times `boundScale`,
/// so multipliers can be fractions of a hundredth of a point, and L is rounded up: exact integer
/// arithmetic throughout.
/// (Keeping the priority rows with multipliers of their own would tighten the limit to 6,850,652,
/// but the waiting stage's row, in days, made the loop's steps unstable: measured and left out.)
///
/// At multipliers near the best, most "either" applicants are used on one side only: that side is
/// the role this pass gives them (`ScoreBound.roles`), which scores far better than roles read off
/// the priority stages' flow (at 2,000 applicants 6,839,521 against the rule's 6,110,062; from the
/// refined multipliers 6,844,521, 0.08 % below the optimum).
extension NetworkStages {
    struct ScoreBound: Sendable {
        /// The floor it was computed at (it bounds the stage only there).
        var floor: Int?
        /// In hundredths of a point, like the stage's value.
        var bound: Int
        /// The side each "either" applicant was used on by the flow of the best multipliers (none
        /// for whoever was unused, or used both ways, there).
        var roles: [Int: PairingNetwork.Role]
        /// The multipliers of the best bound, per pool index: where a refinement starts.
        var prices: [Int: Int] = [:]
    }

    /// Costs are the scores times this, so that multipliers can be fractions of a hundredth of a point.
    static let boundScale = 16

    /// A weight per waiting person paired above any pair's score, so that a flow pairs everyone it
    /// can before it weighs scores (the `coverage:` of `totalScoreBound`).
    var coverageWeight: Int { 2 * max(1, model.pointsOf.max() ?? 1) + 1 }

    /// The bound at `floor`; `reached` is the total score of a valid pairing at that floor
    /// (Polyak's target, and where the loop may stop: a bound that meets it proves it optimal).
    ///
    /// `coverage`: a weight μ per waiting person paired and the coverage of the pairing in hand,
    /// C. The keep row coverage ≥ C* ≥ C then joins the relaxed rows at that fixed multiplier: the
    /// value is still a bound (each pairing the stage allows gains μ · (its coverage − C) ≥ 0), a
    /// loose one for large μ, but the flow pairs everyone it can first, so its roles keep the
    /// coverage stage where the floor has no count bound to aim at (not everyone can be paired).
    func totalScoreBound(floor: Int?, reached: Int, from start: ScoreBound? = nil,
                         solves limit: Int = MatchingLimits.scoreBoundSolves,
                         coverage: (weight: Int, reached: Int)? = nil) -> ScoreBound {
        let began = instruments.now()
        let scale = Self.boundScale
        var network = PairingNetwork(model: model, roles: mustPairRoles, floor: floor)
        var base = network.gains(.totalScore).map { -$0 * scale }
        var offset = 0 // the relaxed rows' constant terms, before the prices'
        if let coverage {
            let person = network.gains(.coverage)
            for arc in base.indices where person[arc] != 0 { base[arc] -= coverage.weight * person[arc] * scale }
            offset = -coverage.weight * coverage.reached * scale
        }
        let free = network.juniorArc.indices.filter { network.juniorArc[$0] >= 0 && network.seniorFirstArc[$0] >= 0 }
        let places = free.map { network.seniorPlaceArcs($0).count }
        var price = free.map { start?.prices[$0] ?? 0 }
        var best = Int.max, bestRoles: [Int: PairingNetwork.Role] = [:], bestPrices: [Int: Int] = [:]
        var theta = start == nil ? 1.0 : 0.5, sinceBetter = 0, solves = 0
        while solves < limit {
            var costs = base
            var constant = offset
            for (i, p) in free.enumerated() where price[i] > 0 {
                costs[network.juniorArc[p]] += price[i] * places[i]
                for arc in network.seniorPlaceArcs(p) { costs[arc] += price[i] }
                constant += price[i] * places[i]
            }
            network.simplex.setCosts(costs)
            network.simplex.minimize()
            solves += 1
            let scaled = constant - network.simplex.totalCost
            let value = (scaled + scale - 1) / scale // rounded up: still a bound
            // Each relaxed row's excess under this flow: the subgradient.
            var excess = [Int](repeating: 0, count: free.count)
            var norm = 0.0
            for (i, p) in free.enumerated() {
                let asSenior = network.seniorPlaceArcs(p).reduce(0) { $0 + network.simplex.flow[$1] }
                excess[i] = asSenior + places[i] * network.simplex.flow[network.juniorArc[p]] - places[i]
                if excess[i] > 0 || price[i] > 0 { norm += Double(excess[i] * excess[i]) }
            }
            if value < best {
                best = value
                sinceBetter = 0
                bestRoles = [:]
                bestPrices = Dictionary(uniqueKeysWithValues: zip(free, price))
                for p in free {
                    let senior = network.simplex.flow[network.seniorFirstArc[p]] > 0
                    let junior = network.simplex.flow[network.juniorArc[p]] > 0
                    if senior != junior { bestRoles[p] = senior ? .senior : .junior }
                }
            } else {
                sinceBetter += 1
                if sinceBetter == 3 { (theta, sinceBetter) = (theta / 2, 0) }
            }
            // Nothing left to move (the flow keeps every row and pays no price on slack ones: L(λ)
            // is its own value), or the bound meets the pairing in hand.
            if norm == 0 || best <= reached { break }
            let step = theta * Double(max(scale, scaled - reached * scale)) / norm
            for i in free.indices {
                price[i] = max(0, price[i] + Int((step * Double(excess[i])).rounded()))
            }
        }
        instruments.debug("network: total-score bound \(best) at floor \(floor ?? -1) (pairing in hand \(reached)) in \(solves) solves, \(instruments.now() - began)s")
        return ScoreBound(floor: floor, bound: best, roles: bestRoles, prices: bestPrices)
    }
}
