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
/// Where the proven coverage pairs everyone waiting, the stage also has y_p = 1 for each of them
/// (p's flow from the source plus their first place's): those rows are relaxed too, with free
/// multipliers μ_p, a reward on the two arcs. They carry most of what the priority stages' rows
/// say, and tighten the bound about tenfold.
///
/// The bound is the lowest L met while the multipliers follow the subgradient (each row's excess)
/// with Polyak's step towards the pairing in hand, every flow solved from the last tree; its
/// 60 solves come close to this relaxation's LP limit (docs/method.md, "Measured choices"). Costs
/// are the scores times `boundScale`, so multipliers can be fractions of a hundredth of a point,
/// and L is rounded: exact integer arithmetic throughout. The waiting stage's row, in days, is
/// priced too only where the bound without it leaves a wide gap (`priorityRows(weighingWaits:)`):
/// as the roles' guide it made the loop's steps unstable.
///
/// At multipliers near the best, most "either" applicants are used on one side only: that side is
/// the role this pass gives them (`ScoreBound.roles`; whoever is used both ways or not at all
/// there, the side the recent flows used them on more), which scores far better than roles read
/// off the priority stages' flow.
///
/// The best flow's reduced costs then price pairs out (`ScoreBound.fixedPairs`): the closing
/// search solves the total-score stage on the few pairs a better pairing could use.
extension NetworkStages {
    struct ScoreBound: Sendable {
        /// The stage it bounds: the total score, or a priority stage (`priorityBound`).
        var stage: Stage = .totalScore
        /// The floor it was computed at (it bounds the stage only there).
        var floor: Int?
        /// In the stage's unit: hundredths of a point for the total score.
        var bound: Int
        /// The flows the loop solved.
        var solves = 0
        /// What the stage's gains were multiplied by in the flows (multipliers are in these units).
        var scale = NetworkStages.boundScale
        /// The side each "either" applicant was used on by the flow of the best multipliers; for
        /// whoever it left unused or used both ways, the side recent flows used more (none if even).
        var roles: [Int: PairingNetwork.Role]
        /// The multipliers of the best bound, per pool index: where a refinement starts.
        var prices: [Int: Int] = [:]
        /// The multipliers of the priority rows (`PriorityRows`): per person paired exactly once
        /// (pool index), and per group paired at least so many (in `PriorityRows.atLeast`'s order).
        var rewards: [Int: Int] = [:]
        var groupRewards: [Int] = []
        /// L(λ) at the best multipliers before rounding up, in points × `boundScale`.
        var scaled = Int.max
        /// Per candidate pair of the model it was computed on: whether the best multipliers' flow
        /// used it, and by how much at least (scaled) L(λ) falls in any pairing that does otherwise
        /// (-1: the pair is below the floor). See `fixedPairs`.
        var pairUsed: [Bool] = []
        var pairSlack: [Int] = []
        /// The network of the loop's last flow: a second run on the same model at the same floor
        /// (`improveScores`' refinement) continues from its tree instead of solving from nothing.
        var lastFlow: PairingNetwork?
    }

    /// What the priority stages' proven values make every pairing of the later stages do, as rows
    /// the total-score bound can price (`stageBound(rows:)`, `priorityRows`).
    struct PriorityRows: Sendable {
        /// People of whom at least `count` are paired; with `weights` (one per person), people
        /// whose weights paired add up to at least `count` (the waiting stage's days).
        struct Group: Sendable {
            var people: [Int]
            var count: Int
            var weights: [Int] = []
            func weight(_ k: Int) -> Int { weights.isEmpty ? 1 : weights[k] }
            var totalWeight: Int { weights.isEmpty ? people.count : weights.reduce(0, +) }
            /// The group of those `keep` accepts, with their weights.
            func filter(_ keep: (Int) -> Bool) -> Group {
                let kept = people.indices.filter { keep(people[$0]) }
                return Group(people: kept.map { people[$0] }, count: count, weights: weights.isEmpty ? [] : kept.map { weights[$0] })
            }
        }
        /// People paired exactly once each.
        var paired: [Int] = []
        /// Groups of people of whom at least `count` are paired.
        var atLeast: [Group] = []
    }

    /// The rows the proven `values` of the priority stages give: everyone waiting paired when the
    /// coverage pairs them all; otherwise everyone overdue when the first stage pairs them all, or
    /// at least its value of them, and at least the coverage's value of those waiting; and, when
    /// `weighingWaits`, at least the waiting stage's value in their days (which sharpens the total
    /// score's bound where few seniors make long waits compete: see docs/method.md).
    func priorityRows(_ values: [Stage: Int], weighingWaits: Bool = false) -> PriorityRows {
        let waiting = model.people.filter { model.isWaiting[$0] }
        if let coverage = values[.coverage], coverage == waiting.count { return PriorityRows(paired: waiting) }
        var rows = PriorityRows()
        let overdue = model.people.filter { model.isOverdue[$0] }
        if let count = values[.overdue], !overdue.isEmpty {
            if count == overdue.count { rows.paired = overdue } else if count > 0 { rows.atLeast.append(.init(people: overdue, count: count)) }
        }
        if let count = values[.coverage], count > 0 { rows.atLeast.append(.init(people: waiting, count: count)) }
        if weighingWaits, let days = values[.waiting], days > 0 {
            rows.atLeast.append(.init(people: waiting, count: days, weights: waiting.map { model.waitingOf[$0] }))
        }
        return rows
    }

    /// Costs are the scores times this, so that multipliers can be fractions of a hundredth of a point.
    static let boundScale = MatchingLimits.scoreBoundScale

    /// The bound at `floor`; `reached` is the total score of a valid pairing at that floor
    /// (Polyak's target, and where the loop may stop: a bound that meets it proves it optimal).
    ///
    /// `rows`: what the priority stages' proven values make every pairing the stage allows do
    /// (`priorityRows`), y_p being p's flow from the source plus their first place's (places fill
    /// in order). A person paired exactly once, y_p = 1, joins the relaxed rows with a free
    /// multiplier μ_p (a reward on those two arcs, 1 − y_p its subgradient); a group paired at
    /// least K times, Σ y_p ≥ K, with one multiplier ≥ 0 (its subgradient divided by the group's
    /// weight, so that one row does not swamp the step). Where everyone waiting must be paired the
    /// bound then sees most of the priority stages' rows, and comes about ten times closer to the
    /// optimum.
    ///
    /// `pairing`: where the first flow starts (`PairingNetwork.init(start:)`), usually the pairing in
    /// hand, which more than halves the first solve's pivots.
    ///
    /// `stage`: the objective bounded, the total score or (`priorityBound`) a priority stage, whose
    /// gains sit on the people's arcs instead of the pairs'; the same rows are relaxed either way.
    /// `patient`: the step shrinks as slowly as a priority stage's, and the multipliers are as fine
    /// (`MatchingLimits.priorityBoundScale`), for a long loop.
    func stageBound(of stage: Stage = .totalScore, floor: Int?, reached: Int, from start: ScoreBound? = nil,
                    solves limit: Int = MatchingLimits.scoreBoundSolves, patient: Bool = false,
                    rows: PriorityRows = PriorityRows(), pairing: [Int] = []) -> ScoreBound {
        let began = instruments.now()
        let fine = patient || stage != .totalScore
        let scale = fine ? MatchingLimits.priorityBoundScale : Self.boundScale
        // `start`'s multipliers, in this loop's units.
        func carried(_ multiplier: Int) -> Int { Int((Double(multiplier) * Double(scale) / Double(start?.scale ?? scale)).rounded()) }
        // `start`'s last flow when it was on this model at this floor (its tree is as good a start as
        // any); a network of its own otherwise.
        var network = start.flatMap { $0.floor == floor && $0.stage == stage ? $0.lastFlow : nil }
            ?? PairingNetwork(model: model, roles: mustPairRoles, floor: floor, start: pairing)
        let base = network.gains(stage).map { -$0 * scale }
        let free = network.juniorArc.indices.filter { network.juniorArc[$0] >= 0 && network.seniorFirstArc[$0] >= 0 }
        let places = free.map { network.seniorPlaceArcs($0).count }
        var price = free.map { carried(start?.prices[$0] ?? 0) }
        func inNetwork(_ p: Int) -> Bool { network.juniorArc[p] >= 0 || network.seniorFirstArc[p] >= 0 }
        let waiting = rows.paired.filter(inNetwork)
        var reward = waiting.map { carried(start?.rewards[$0] ?? 0) }
        let groups = rows.atLeast.map { $0.filter(inNetwork) }
        var groupReward = start?.groupRewards.count == groups.count ? start!.groupRewards.map(carried) : [Int](repeating: 0, count: groups.count)
        var bestRewards: [Int: Int] = [:], bestGroupRewards: [Int] = []
        // How often each was used on each side lately (exponentially weighted): the side of whoever
        // the best flow uses both ways or not at all.
        var usedAsSenior = [Double](repeating: 0, count: free.count), usedAsJunior = [Double](repeating: 0, count: free.count)
        var best = Int.max, bestRoles: [Int: PairingNetwork.Role] = [:], bestPrices: [Int: Int] = [:]
        var bestScaled = Int.max, bestUsed: [Bool] = [], bestSlack: [Int] = []
        var theta = start == nil ? MatchingLimits.firstStep : MatchingLimits.warmStep, sinceBetter = 0, solves = 0
        // A priority stage's loop runs longer and must get within one person or day of the pairing
        // to prove it: its step shrinks more slowly (`MatchingLimits.priorityBoundPatience`).
        let patience = fine ? MatchingLimits.priorityBoundPatience : MatchingLimits.scoreBoundPatience
        // No multiplier needs to exceed the largest arc cost many times over; kept within that, the
        // flow's costs stay far inside Int (a step divided by a tiny norm could otherwise overflow).
        let cap = Double(MatchingLimits.multiplierCap * max(1, base.map(abs).max() ?? 1) * max(1, places.max() ?? 1))
        func moved(_ multiplier: Int, by change: Double) -> Int {
            Int(max(-cap, min(cap, Double(multiplier) + change.rounded())))
        }
        while solves < limit {
            let (costs, constant) = Self.pricedCosts(base, network: network, free: free, places: places, price: price,
                                                     waiting: waiting, reward: reward, groups: groups, groupReward: groupReward)
            network.simplex.setCosts(costs)
            network.simplex.minimize()
            solves += 1
            let scaled = constant - network.simplex.totalCost
            let value = Self.wholeBound(scaled, scale: scale, roundingDown: stage != .totalScore)
            let (excess, shortfall, groupShortfall, norm) = Self.subgradient(network: network, free: free, places: places, price: price,
                                                                             waiting: waiting, groups: groups, groupReward: groupReward)
            Self.recordSides(network, free: free, asSenior: &usedAsSenior, asJunior: &usedAsJunior)
            if value < best {
                best = value
                bestScaled = scaled
                (bestUsed, bestSlack) = slacks(network)
                sinceBetter = 0
                bestPrices = Dictionary(uniqueKeysWithValues: zip(free, price))
                bestRewards = Dictionary(uniqueKeysWithValues: zip(waiting, reward))
                bestGroupRewards = groupReward
                bestRoles = Self.oneSidedRoles(network, free: free)
            } else {
                sinceBetter += 1
                if sinceBetter == patience { (theta, sinceBetter) = (theta / 2, 0) }
            }
            // Nothing left to move (the flow keeps every row and pays no price on slack ones: L(λ)
            // is its own value), or the bound meets the pairing in hand.
            if norm == 0 || best <= reached { break }
            let step = theta * Double(max(scale, scaled - reached * scale)) / norm
            price = zip(price, excess).map { max(0, moved($0, by: step * Double($1))) }
            reward = zip(reward, shortfall).map { moved($0, by: step * Double($1)) }
            groupReward = zip(groupReward, groupShortfall).map { max(0, moved($0, by: step * $1)) }
        }
        for (i, p) in free.enumerated() where bestRoles[p] == nil && usedAsSenior[i] != usedAsJunior[i] {
            bestRoles[p] = usedAsSenior[i] > usedAsJunior[i] ? .senior : .junior
        }
        instruments.debug("network: \(stage.rawValue) bound \(best) at floor \(floor ?? -1) (pairing in hand \(reached)) in \(solves) solves, \(instruments.now() - began)s")
        return ScoreBound(stage: stage, floor: floor, bound: best, solves: solves, scale: scale, roles: bestRoles, prices: bestPrices, rewards: bestRewards, groupRewards: bestGroupRewards,
                          scaled: bestScaled, pairUsed: bestUsed, pairSlack: bestSlack, lastFlow: network)
    }

    /// The bound L = `scaled` / `scale` as a whole number. Every pairing's value is whole (people,
    /// days, hundredths of a point), so none exceeds ⌊L⌋; the total score keeps ⌈L⌉, the rounding
    /// its loop's stopping rule was tuned with.
    static func wholeBound(_ scaled: Int, scale: Int, roundingDown: Bool) -> Int {
        let quotient = scaled / scale, remainder = scaled % scale // truncated towards zero
        if roundingDown { return remainder < 0 ? quotient - 1 : quotient }
        return remainder > 0 ? quotient + 1 : quotient
    }

    /// How often each free person was used on each side lately, the latest flow weighing
    /// `MatchingLimits.latestSideWeight`.
    private static func recordSides(_ network: PairingNetwork, free: [Int], asSenior: inout [Double], asJunior: inout [Double]) {
        let latest = MatchingLimits.latestSideWeight
        for (i, p) in free.enumerated() {
            asSenior[i] = (1 - latest) * asSenior[i] + latest * Double(network.simplex.flow[network.seniorFirstArc[p]])
            asJunior[i] = (1 - latest) * asJunior[i] + latest * Double(network.simplex.flow[network.juniorArc[p]])
        }
    }

    /// The side the flow uses each free person on, for those it uses on one side only.
    private static func oneSidedRoles(_ network: PairingNetwork, free: [Int]) -> [Int: PairingNetwork.Role] {
        var roles: [Int: PairingNetwork.Role] = [:]
        for p in free {
            let senior = network.simplex.flow[network.seniorFirstArc[p]] > 0
            let junior = network.simplex.flow[network.juniorArc[p]] > 0
            if senior != junior { roles[p] = senior ? .senior : .junior }
        }
        return roles
    }

    /// The arc costs of one solve of the bound's loop: the stage's (`base`), plus each person's
    /// price on "one role per person" on their junior arc (× their places) and place arcs, minus the
    /// rewards on the priority rows; and the relaxed rows' constant terms.
    private static func pricedCosts(_ base: [Int], network: PairingNetwork, free: [Int], places: [Int], price: [Int], waiting: [Int],
                                    reward: [Int], groups: [PriorityRows.Group], groupReward: [Int]) -> (costs: [Int], constant: Int) {
        var costs = base
        var constant = 0
        for (i, p) in free.enumerated() where price[i] > 0 {
            costs[network.juniorArc[p]] += price[i] * places[i]
            for arc in network.seniorPlaceArcs(p) { costs[arc] += price[i] }
            constant += price[i] * places[i]
        }
        func rewardArcs(of p: Int, _ amount: Int) {
            if network.juniorArc[p] >= 0 { costs[network.juniorArc[p]] -= amount }
            if network.seniorFirstArc[p] >= 0 { costs[network.seniorFirstArc[p]] -= amount }
        }
        for (i, p) in waiting.enumerated() where reward[i] != 0 {
            rewardArcs(of: p, reward[i])
            constant -= reward[i]
        }
        for (g, group) in groups.enumerated() where groupReward[g] > 0 {
            for (k, p) in group.people.enumerated() { rewardArcs(of: p, groupReward[g] * group.weight(k)) }
            constant -= groupReward[g] * group.count
        }
        return (costs, constant)
    }

    /// The subgradient at the network's flow: each relaxed row's excess (one role per person), each
    /// equality row's shortfall 1 − y_p (its multiplier may take either sign), each group row's
    /// shortfall K − Σ w_p y_p per unit of the group's weight; and the squared norm of the rows that can move.
    private static func subgradient(network: PairingNetwork, free: [Int], places: [Int], price: [Int], waiting: [Int],
                                    groups: [PriorityRows.Group], groupReward: [Int])
        -> (excess: [Int], shortfall: [Int], groupShortfall: [Double], norm: Double) {
        // y_p under the current flow.
        func paired(_ p: Int) -> Int {
            (network.juniorArc[p] >= 0 ? network.simplex.flow[network.juniorArc[p]] : 0)
                + (network.seniorFirstArc[p] >= 0 ? network.simplex.flow[network.seniorFirstArc[p]] : 0)
        }
        var excess = [Int](repeating: 0, count: free.count)
        var norm = 0.0
        for (i, p) in free.enumerated() {
            let asSenior = network.seniorPlaceArcs(p).reduce(0) { $0 + network.simplex.flow[$1] }
            excess[i] = asSenior + places[i] * network.simplex.flow[network.juniorArc[p]] - places[i]
            if excess[i] > 0 || price[i] > 0 { norm += Double(excess[i] * excess[i]) }
        }
        var shortfall = [Int](repeating: 0, count: waiting.count)
        for (i, p) in waiting.enumerated() {
            shortfall[i] = 1 - paired(p)
            norm += Double(shortfall[i] * shortfall[i])
        }
        var groupShortfall = [Double](repeating: 0, count: groups.count)
        for (g, group) in groups.enumerated() {
            let reached = group.people.indices.reduce(0) { $0 + group.weight($1) * paired(group.people[$1]) }
            groupShortfall[g] = Double(group.count - reached) / Double(max(1, group.totalWeight))
            if groupShortfall[g] > 0 || groupReward[g] > 0 { norm += groupShortfall[g] * groupShortfall[g] * Double(group.totalWeight) }
        }
        return (excess, shortfall, groupShortfall, norm)
    }
}
