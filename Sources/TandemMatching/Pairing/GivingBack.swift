import TandemModel

/// Pruning must not cost people their pair: whoever the priority stages leave unpaired while they
/// have allowed partners gets pairs back before the stages are solved (`Matcher.match`). Overdue
/// applicants get all their allowed pairs while that keeps the model within
/// `MatchingLimits.restoreGrowth` times its size; otherwise, and for everyone else, each gets
/// their best allowed pairs. Pairs are given back at most once per run (or found too much work
/// once): a later round keeps them and gives back no more. This value carries what was done from
/// round to round, for the summary.
public struct GivingBack: Sendable {
    /// Overdue applicants left unpaired on the pruned candidates got their allowed pairs back.
    public private(set) var restoredOverdue = false
    /// Some overdue applicants stayed unpaired on the pruned pairs and restoring all their allowed
    /// pairs was too large to solve: stage 1 is then optimal only for the pairs given.
    public private(set) var overdueUnchecked = false
    /// When restoring every allowed pair was too large: how many of their best allowed pairs each
    /// overdue applicant left unpaired got back (`MatchingLimits.restoreGrowth`).
    public private(set) var perPerson: Int?
    /// Applicants not yet overdue but left unpaired got their best allowed pairs back.
    public private(set) var restoredOthers = false
    /// How many were left unpaired while they had allowed partners, when giving them pairs back was
    /// too much work (`MatchingLimits.restoreWork`).
    public private(set) var skipped: Int?

    /// Whether pairs were given back already (or found too much work) in an earlier round.
    var done: Bool { restoredOverdue || restoredOthers || skipped != nil }

    /// What the earlier round (if any) gave back: a later round keeps it.
    init(after previous: MatchingResult?) {
        if let previous { self = previous.givingBack }
    }

    /// The pairs to add for the people `chosen` leaves unpaired (`overdue`: the pool's overdue
    /// applicants, `Matcher.overdueApplicants`), or nil when nobody needs any (or it is too much
    /// work: then `skipped` says how many were left so).
    mutating func pairs(for chosen: [Int], in model: PairingModel, candidates: CandidateSet, scorer: Scorer,
                        overdue: Set<Int>, config: SchemeConfig) -> [(Int, Int)]? {
        let paired = model.pairedFlags(chosen)
        let unpaired = candidates.hasAllowedPartner.indices.filter { candidates.hasAllowedPartner[$0] && !paired[$0] }
        let unpairedOverdue = unpaired.filter { overdue.contains($0) }
        let unpairedOthers = unpaired.filter { !overdue.contains($0) }
        if unpaired.isEmpty { return nil }
        // Giving pairs back scores every allowed pair of each person concerned: on a large pool
        // with many people unpaired that would take longer than everything else, so it is
        // skipped and the summary says so.
        if unpaired.count * model.pool.applicants.count > MatchingLimits.restoreWork {
            skipped = unpaired.count
            if !unpairedOverdue.isEmpty { overdueUnchecked = true }
            return nil
        }
        let size = max(candidates.candidates.count, 1)
        // Each person's pairs are found and scored on all cores, and joined in order.
        let perPersonPairs = unpairedOverdue.concurrentMap { scorer.allowedPairs(of: $0) }
        var extra = perPersonPairs.flatMap { $0 }
        let best: @Sendable ([(Int, Int)], Int) -> [(Int, Int)] = { pairs, count in
            pairs.map { (pair: $0, points: scorer.score(senior: $0.0, junior: $0.1, withAreaNames: false).points) }
                .sorted { ($0.points, $1.pair.0, $1.pair.1) > ($1.points, $0.pair.0, $0.pair.1) }
                .prefix(count).map(\.pair)
        }
        let share = max(MatchingLimits.restoreGrowth * config.matching.candidatesPerPerson, size / unpaired.count)
        if extra.count > MatchingLimits.restoreGrowth * size {
            extra = perPersonPairs.concurrentMap { best($0, share) }.flatMap { $0 }
            overdueUnchecked = true
            perPerson = share
        }
        extra += unpairedOthers.concurrentMap { best(scorer.allowedPairs(of: $0), share) }.flatMap { $0 }
        restoredOthers = restoredOthers || !unpairedOthers.isEmpty
        restoredOverdue = restoredOverdue || !unpairedOverdue.isEmpty
        return extra
    }
}
