/// Every size limit the matcher works within, each with its meaning, unit and sensible range, in
/// one place: a change to one is then read beside the others. None changes which pairs are allowed;
/// each bounds the work spent on a step, and the summary says when one was reached. The
/// measurements behind each value: docs/method.md, "The limits and why".
enum MatchingLimits {
    /// Pairs are given back to people left unpaired by pruning only while (people concerned) ×
    /// (applicants) stays under this (`GivingBack.skipped` says when). Unit: pairs scored. Range:
    /// 10⁷–10⁹; at the limit, a minute or two of scoring.
    static let restoreWork = 200_000_000

    /// Overdue applicants left unpaired get all their allowed pairs back while that keeps the model
    /// within this many times its size; beyond it each gets their best pairs only, as many as this
    /// many times `candidates_per_person` (`GivingBack.perPerson`). Unit: a factor. Range: 2–10.
    static let restoreGrowth = 3

    /// The closing search's whole budget, shared by its solves. Unit: branch-and-bound nodes ×
    /// (candidate pairs)^1.5, so that the same export gives the same pairs on any machine (nodes,
    /// not seconds). Range: 10⁷–10⁹; this value is two to three seconds at any size.
    static let searchWork = 80_000_000

    /// No model GLPK searches has more candidate pairs (an open priority stage is searched only up
    /// to it; the total-score stage at any size, on models priced down to it). What is not searched
    /// keeps the network's pairs and reports the gap to the bound. Unit: candidate pairs. Range:
    /// 5,000–50,000.
    static let searchCandidates = 20_000

    /// The closing search rounds the LP solutions of up to 10 nodes of each search by the network
    /// (`ClosingSearch.roundedByNetwork`), fewer on larger models. Unit: calls × candidate pairs.
    /// Range: 5,000–100,000.
    static let heuristicWork = 20_000

    /// Pairs left free by the first priced-down model of the total-score stage
    /// (`ClosingSearch.totalScore`); each next model has twice as many. Unit: candidate pairs.
    /// Range: 500–5,000.
    static let pricedPairs = 1_500

    /// The largest priced-down model searched; beyond it the stage keeps the best pairing found and
    /// reports its gap to the bound the targets left. Unit: candidate pairs. Range: 3,000–20,000.
    static let pricedPairsLimit = 7_000

    /// Rounds of `NetworkStages.repairRoles`, each one more solve of the priority stages from the
    /// last round's pairs; the repair stops at the first round that does not improve them. Unit:
    /// rounds. Range: 1–10.
    static let roleRepairRounds = 5

    /// Floors `NetworkStages.improveScores` probes with scored roles, each most of a pass; the first
    /// is the floor's count bound. Unit: probes. Range: 1–8.
    static let scoredFloorProbes = 4

    /// Solves of the total-score bound's multiplier loop (`NetworkStages.totalScoreBound`), each a
    /// min-cost flow from the last tree. Unit: solves. Range: 20–200.
    static let scoreBoundSolves = 60

    /// Solves of its second run (`improveScores`), from the first run's best multipliers and aiming
    /// at the pairing they gave. Unit: solves. Range: 5–60.
    static let scoreRefineSolves = 20
}
