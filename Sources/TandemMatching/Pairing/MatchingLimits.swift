/// Every size limit the matcher works within, each with its meaning, unit and sensible range, in
/// one place: a change to one is then read beside the others. None changes which pairs are allowed;
/// each bounds the work spent on a step, and the summary says when one was reached. The
/// measurements behind each value: docs/method.md, "The limits and why".
public enum MatchingLimits {
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

    /// Solves of the total-score bound's multiplier loop (`NetworkStages.stageBound`), each a
    /// min-cost flow from the last tree. Unit: solves. Range: 20–200.
    static let scoreBoundSolves = 60

    /// Solves of its second run (`improveScores`), from the first run's best multipliers and aiming
    /// at the pairing they gave. Unit: solves. Range: 5–60.
    static let scoreRefineSolves = 20

    /// Work of the multiplier loops that bound the priority stages the network's pairs fall short of
    /// (`NetworkStages.priorityBound`) and probe the floor (`floorBound(ruling:)`), together, in one
    /// solve of the stages: this divided by the candidate pairs, in solves, at least 20 and at most
    /// 10,000; each loop takes at most half of what is left, and stops sooner once its bound proves
    /// the pairing in hand. The sharpened total-score bound (`sharpenedGap`) has as many solves of
    /// its own. Unit: solves × candidate pairs. Range: 10⁷–10⁹.
    static let boundWork = 60_000_000

    static func boundSolves(candidatePairs: Int) -> Int {
        min(10_000, max(20, boundWork / max(1, candidatePairs)))
    }

    /// The total-score bound is computed once more with the waiting stage's row priced too (a long
    /// loop: `boundSolves`, with a priority stage's patience and scale) when the one the roles were
    /// chosen with leaves a larger gap than this, as a share of the bound. Unit: a fraction. Range: 0.0001–0.01 (the summary's target is 0.001).
    static let sharpenedGap = 0.001

    /// A total-score stage still further than this from its bound after the closing search, as a
    /// share of the bound, is bounded once more by the role model's LP relaxation
    /// (`ClosingSearch.lpBound`): tighter than the Lagrangian bound where seniors are scarce, but
    /// seconds of simplex. Unit: a fraction. Range: 0.0001–0.01 (the summary's target is 0.001).
    static let lpBoundGap = 0.001

    /// That LP is solved only for models of at most this many candidate pairs: its simplex grows
    /// faster than the pairs (seconds at 2,000 applicants, minutes at 5,000). Unit: candidate
    /// pairs. Range: 10,000–100,000.
    static let lpBoundCandidates = 40_000

    /// And within this many simplex iterations (a limit that stops at the same point on every
    /// machine, unlike a clock); an LP stopped there leaves the stage its Lagrangian bound. Unit:
    /// simplex iterations. Range: 20,000–1,000,000.
    static let lpBoundIterations = 200_000

    /// No multiplier loop is started with fewer solves than this left. Unit: solves. Range: 5–50.
    static let boundLoopMinimum = 10

    /// Solves without a better bound after which that loop halves its step (the total score's
    /// halves after 3). Unit: solves. Range: 3–50.
    static let priorityBoundPatience = 20

    /// A priority stage's gains (one per person, or their days) are multiplied by this in its bound's
    /// flows, so that multipliers can be fractions of a person. Unit: a factor. Range: 16–4,096.
    static let priorityBoundScale = 4096

    /// Floors probed for a bound on the minimum score when neither counting nor the relaxation gives
    /// one: the next above the pairing's, then a bisection. Unit: probes. Range: 1–10.
    static let floorBoundProbes = 12

    /// The total-score bound's flows cost the scores times this, so that its multipliers can be
    /// fractions of a hundredth of a point (`NetworkStages.boundScale`). Unit: a factor. Range: 4–256.
    static let scoreBoundScale = 16

    /// Solves without a better total-score bound after which its loop halves its step (a priority
    /// stage's: `priorityBoundPatience`). Unit: solves. Range: 2–10.
    static let scoreBoundPatience = 3

    /// The multiplier loops' first step, as a share of Polyak's (the gap to the pairing in hand over
    /// the subgradient's squared norm); a loop continuing from earlier multipliers starts at
    /// `warmStep`. Unit: a factor. Range: 0.1–2.
    static let firstStep = 1.0
    static let warmStep = 0.5

    /// No multiplier exceeds this many times the largest arc cost times the most places anyone
    /// offers: it keeps the flows' costs far inside 64-bit integers. Unit: a factor. Range: 8–1,024.
    static let multiplierCap = 64

    /// The weight of the latest flow in the running count of the side each "either" applicant was
    /// used on (the role of whoever the best flow used both ways or not at all). Unit: a share.
    /// Range: 0.05–0.5.
    static let latestSideWeight = 0.15

    /// The closing search has the network round the LP solutions of at most this many nodes per
    /// search (`heuristicWork` lowers it on large models). Unit: nodes. Range: 1–50.
    static let roundedNodes = 10

    /// Rounds of pairing and scheduling: pairs the scheduler cannot fit are ruled out and the
    /// pairing solved again, at most this often (`MonthlyRun.pairAndSchedule`). Unit: rounds
    /// (each a whole solve). Range: 1–10.
    public static let scheduleRounds = 3

    /// Past `scheduleRounds`, the rounds go on while someone past the waiting target would be
    /// left "chosen, but not made" (the first rule of the scheme must not lose to a round limit),
    /// up to this many in all. Unit: rounds. Range: `scheduleRounds`–20.
    public static let overdueScheduleRounds = 10

    /// The exact goal-cosine tables of the candidate search are built while their total size stays
    /// under this (`CandidateSearch.goalTables`); beyond it each pair's cosines are computed when
    /// needed. Never changes the pairs, only the time. Unit: table entries (4 bytes each).
    /// Range: 10⁶–10⁸.
    static let goalTableEntries = 20_000_000

    /// `--models automatic` writes each stage's model and GLPK's solution up to this many candidate
    /// pairs (larger files take long to write and are rarely read). Unit: candidate pairs.
    /// Range: 1,000–100,000.
    public static let modelFilesCandidates = 20_000
}
