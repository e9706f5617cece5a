/// How one lexicographic stage ended: the value the pairs in hand reach, the best valid upper bound
/// known for it, and why it stopped there. The one place where a stage's status and gap are
/// decided, for the network's stages (`Matcher`) and the closing search's (`ClosingSearch`) alike;
/// `StageSequence` adds the rule between stages.
struct StageOutcome {
    enum Ending: Equatable {
        case optimal
        /// A network stage before GLPK has re-solved it (`Matcher.confirm` has not run yet).
        case notYetChecked
        /// Short of its bound on the network, whose "either" roles a rule chose.
        case heuristicRoles
        /// GLPK's search stopped at its node or time limit (with GLPK's status), in one probe of the
        /// floor's bisection when `inProbe`.
        case searchStopped(String, inProbe: Bool = false)
        /// Too many pairs could still improve it for the search's budget.
        case tooManyPairs
        /// An earlier stage is not proven: the bound is over the pairings as good in the earlier
        /// stages, not the stage's own optimum (`StageSequence`).
        case afterUnproven
    }

    let stage: PairingModel.Stage
    /// In the objective's unit: people, days, or hundredths of a point for the two score stages.
    var value: Double
    /// A valid upper bound on the stage's value (over the pairings as good in the earlier stages).
    var bound: Double?
    var ending: Ending
    var seconds: Double = 0
    /// Solves in the stage, by the network simplex or GLPK (each probe of a bisection counts).
    var solves: Int = 0
    var lpText: String?
    var printedSolution: String?

    var provenOptimal: Bool { ending == .optimal }

    /// The relative gap to the bound: 0 when proven or at the bound, nil when there is no bound or
    /// the bound is not positive (a relative gap to it means nothing).
    var gap: Double? { provenOptimal ? 0 : Self.gap(value, bound: bound) }

    static func gap(_ value: Double, bound: Double?) -> Double? {
        guard let bound else { return nil }
        if value >= bound { return 0 }
        return bound > 0 ? (bound - value) / bound : nil
    }

    var status: String {
        switch ending {
        case .optimal: "optimal"
        case .notYetChecked: "not yet checked by GLPK"
        case .heuristicRoles: "not proven: \"either\" applicants' roles were chosen by a heuristic"
        case .searchStopped(let status, let inProbe): "not proven: GLPK's search stopped (\(status))\(inProbe ? " in a probe" : "")"
        case .tooManyPairs: "not proven: too many pairs could still improve it to search them"
        case .afterUnproven: "not proven: an earlier stage is not; the gap is to the best any pairing as good in the earlier stages could reach"
        }
    }

    /// What the summary and the report show: the score stages in points.
    var report: StageReport {
        let objective = stage == .minimumScore || stage == .totalScore ? value / 100 : value
        return StageReport(name: stage.rawValue, status: status, objective: objective, gap: gap, seconds: seconds,
                           solves: solves, lpText: lpText, printedSolution: printedSolution, provenOptimal: provenOptimal)
    }
}

/// The lexicographic rule over the stages in order, as MultiObjectiveAlgorithms.jl's
/// `Lexicographic` applies it: each stage is optimised with the earlier ones held at their values,
/// so a stage's optimum is defined only once theirs is proven. After a stage not proven, every
/// later one is reported `afterUnproven`, its gap to a bound over the pairings as good in the
/// earlier stages (docs/method.md, "A bound for every stage").
struct StageSequence {
    private(set) var outcomes: [StageOutcome] = []
    /// Every stage so far proven optimal.
    private(set) var allProven = true

    init(earlierProven: Bool = true) { allProven = earlierProven }

    mutating func append(_ outcome: StageOutcome) {
        var outcome = outcome
        if !allProven && outcome.ending != .notYetChecked { outcome.ending = .afterUnproven }
        allProven = allProven && outcome.provenOptimal
        outcomes.append(outcome)
    }

    var reports: [StageReport] { outcomes.map(\.report) }
}
