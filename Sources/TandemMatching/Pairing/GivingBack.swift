import TandemModel

/// Pruning must not cost people their pair: whoever the priority stages leave unpaired while they
/// have allowed partners gets pairs back before the stages are solved (`Matcher.match`). Overdue
/// applicants get all their allowed pairs while that keeps the model within
/// `MatchingLimits.restoreGrowth` times its size; otherwise, and for everyone else, each gets
/// their best allowed pairs. Pairs are given back at most once per run (or found too much work
/// once): a later round keeps them and gives back no more. This value carries what was done from
/// round to round, for the summary.
struct GivingBack: Sendable {
    var restoredOverdue = false
    var overdueUnchecked = false
    var perPerson: Int?
    var restoredOthers = false
    var skipped: Int?

    /// Whether pairs were given back already (or found too much work) in an earlier round.
    var done: Bool { restoredOverdue || restoredOthers || skipped != nil }

    init(after previous: MatchingResult?) {
        guard let previous else { return }
        restoredOverdue = previous.restoredOverduePairs
        overdueUnchecked = previous.overduePruningUnchecked
        perPerson = previous.restoredPerPerson
        restoredOthers = previous.restoredOthers
        skipped = previous.restoreSkipped
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
