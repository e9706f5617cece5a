/// Every size limit the matcher works within, each with its reason, in one place: a change to
/// one is then read beside the others. None changes which pairs are allowed; each bounds the work
/// spent on a step, and the summary says when one was reached.
enum MatchingLimits {
    /// Pairs are given back to people left unpaired by pruning only while (people concerned) ×
    /// (applicants) stays under this: each of them has every allowed pair scored, about a minute or
    /// two of scoring on two cores at the limit (`GivingBack.skipped` says when).
    static let restoreWork = 200_000_000

    /// Overdue applicants left unpaired get all their allowed pairs back while that keeps the model
    /// within this many times its size; beyond it each person gets their best pairs only, as many
    /// as this many times `candidates_per_person` (`GivingBack.perPerson`).
    static let restoreGrowth = 3

    /// The closing search's whole budget in branch-and-bound nodes × (candidate pairs)^1.5, shared
    /// by its solves: a node of GLPK's search costs more than its model's size (6 ms at 3,035 pairs,
    /// 17 ms at 6,085 on this project's 2-core machine), so this allows about 490 nodes at 3,000
    /// pairs, 170 at 6,000 and 60 at 12,000 — two to three seconds at any size. Counted in nodes,
    /// not seconds, so that the same export gives the same pairs on any machine. (The 1,000-
    /// applicant benchmark pool's total score takes 295 nodes at 3,035 pairs.)
    static let searchWork = 80_000_000

    /// No model GLPK searches has more candidate pairs: building GLPK's copy and solving its root
    /// LP alone would take longer than the network's whole solve (2.4 s at 11,751 columns for the
    /// 1,000-applicant total-score stage; GLPK's simplex grows faster than linearly). An open
    /// priority stage is searched only on models up to this size; the total-score stage at any
    /// size, on models priced down to it (`ClosingSearch.totalScore`). What is not searched keeps
    /// the network's pairs and reports the gap to the bound.
    static let searchCandidates = 20_000

    /// The closing search rounds the LP solutions of up to 10 nodes of each search by the network
    /// (`ClosingSearch.roundedByNetwork`), fewer on larger models: calls × candidate pairs stays
    /// within this (a call takes about 3 ms at 1,900 pairs, 50 ms at 6,000).
    static let heuristicWork = 20_000

    /// Pairs left free by the closing search's first priced-down model of the total-score stage
    /// (`ClosingSearch.totalScore`): GLPK's branch-and-bound settles a model this size in a fraction
    /// of a second, and its best pairing and root basis start the next model, with twice as many.
    /// (At 1,000 applicants 1,636 pairs found a pairing 0.06 % from the optimum in 0.13 s, and the
    /// next model proved the optimum in 0.69 s: solve 1.1 s, against 2.2 s starting at 3,000.)
    static let pricedPairs = 1_500

    /// The largest priced-down model searched: GLPK's root LP alone grows faster than the pairs
    /// (0.26 s at 3,314 pairs, 5.3 s at 12,023 for a 2,058-applicant month); beyond it the stage
    /// keeps the best pairing found and reports its gap to the bound the targets left.
    static let pricedPairsLimit = 7_000

    /// Rounds of `NetworkStages.repairRoles`, each one more solve of the priority stages, started
    /// from the last round's pairs (a few hundredths of a second at 10,000 applicants, 1 to 3 s at
    /// 100,000); the repair stops at the first round that does not
    /// improve them. On the 10,000-applicant benchmark pool the rounds paired 86, 26 and 5 more of
    /// the people the rule's roles left out; at 100,000 the second round was the last kept (overdue
    /// paired 58,280 → 60,104, the third undone).
    static let roleRepairRounds = 5

    /// Floors `NetworkStages.improveScores` probes with scored roles, each most of a pass (3.5 s
    /// at 10,000 applicants, nearly all of it the bound's 60 flows). The first is the
    /// floor's count bound, which held at 2,000 and 10,000 applicants; on the small pools of
    /// `BruteForceTests` (the network alone, no closing search) the scored roles reached the
    /// optimum in 75 of the 88 pools that needed roles, the rule alone in 43.
    static let scoredFloorProbes = 4

    /// Solves of the total-score bound's multiplier loop (`NetworkStages.totalScoreBound`), each a
    /// min-cost flow from the last tree: 0.17 s at 2,000 applicants and 2.9 s at 10,000, where 30
    /// solves left the bound 0.2 % higher and 90 only 0.015 % lower.
    static let scoreBoundSolves = 60

    /// Solves of its second run (`improveScores`), from the first run's best multipliers and aiming
    /// at the pairing they gave: warm solves only, 0.07 s at 2,000 applicants.
    static let scoreRefineSolves = 20
}
