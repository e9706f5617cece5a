import GLPK

extension ClosingSearch {
    /// The total-score stage's outcome with the LP bound (`lpBound`) where the stage is still further
    /// than `MatchingLimits.lpBoundGap` (or the configured `mip_gap`, if larger) from its bound and
    /// the LP is computed; proven optimal when the pairs in hand reach it.
    func withLPBound(_ outcome: StageOutcome, floor: Int?, floors: [Stage: Double]) throws(MatchingError) -> StageOutcome {
        // A gap the coordinator accepts (`mip_gap`) needs no sharper bound.
        if let gap = outcome.gap, gap <= max(MatchingLimits.lpBoundGap, config.mipGap) { return outcome }
        let began = instruments.now()
        guard let lp = try lpBound(floor: floor, floors: floors) else { return outcome }
        var tightened = outcome
        tightened.bound = min(outcome.bound ?? .infinity, Double(lp))
        tightened.solves += 1
        tightened.seconds += instruments.seconds(since: began)
        if tightened.value >= Double(lp) { tightened.ending = .optimal }
        return tightened
    }

    /// The total-score stage's bound from the role model's LP relaxation: roles free, the earlier
    /// stages held at the pairs' values and the floor kept, every variable continuous. Every pairing
    /// as good in the earlier stages is a point of that LP, so its optimum bounds theirs.
    ///
    /// Why it is needed: the Lagrangian bound (`NetworkStages.ScoreBound`) relaxes the same model,
    /// and its best value is this LP's, but its subgradient method stalls short of that where
    /// seniors are scarce (0.3–0.6 % above the pairings found, against the LP's 0.02–0.05 %:
    /// docs/method.md, "A bound for every stage"). The simplex reaches the LP's value exactly, at a
    /// cost of seconds, so it runs only where the stage's gap calls for it (`withLPBound`), on models
    /// of at most `MatchingLimits.lpBoundCandidates` pairs, within `MatchingLimits.lpBoundIterations`.
    /// Returns the bound in whole hundredths of a point, or nil when not computed.
    func lpBound(floor: Int?, floors: [Stage: Double]) throws(MatchingError) -> Int? {
        guard model.candidates.count <= MatchingLimits.lpBoundCandidates, !model.candidates.isEmpty else { return nil }
        let relaxation = model.build(stage: .totalScore, floors: floors, minimumPoints: floor).model.relaxed()
        var options = SolveOptions(timeLimit: nil)
        options.iterationLimit = MatchingLimits.lpBoundIterations
        let began = instruments.now()
        let solution: Solution
        do { solution = try Solver.solve(relaxation, options: options) } catch { throw .solver(error.description) }
        instruments.debug("search total-score: LP bound \(solution.objective ?? .nan) (\(solution.status)) in \(instruments.seconds(since: began))s, "
            + "\(relaxation.columns.count) columns")
        guard solution.isProvenOptimal, let objective = solution.objective else { return nil }
        // GLPK's optimum is exact up to its tolerances (10⁻⁷ relative): widened by that much before
        // rounding down to the objective's unit, so the bound stays valid.
        return Self.wholeBound(objective + 1e-7 * abs(objective))
    }
}
