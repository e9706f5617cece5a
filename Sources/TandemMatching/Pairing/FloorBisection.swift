/// The bisection over score floors that every floor search shares: the network's minimum-score
/// stage (`NetworkStages.scores`), the floors tried with scored roles (`improveScores`), the floor's
/// bounds (`floorBound(ruling:)`, `floorBound(reaching:)`) and GLPK's probes (`ClosingSearch`).
///
/// The floors are the distinct pair scores, ascending (`PairingModel.floorThresholds`); a floor
/// that is ruled out rules out every higher one (fewer pairs are left above it), so the highest
/// floor that keeps is found by bisection over their indices.
enum FloorBisection {
    /// What a probe at one floor found.
    enum Probe {
        /// The floor keeps; the search goes on from index `from` (above the floor probed: a
        /// pairing found there may have its weakest pair higher than asked).
        case keeps(from: Int)
        /// No pairing keeps at this floor (nor, then, at any above it).
        case ruledOut
        /// Neither: the search stops, the range left open.
        case stop
    }

    /// The range of floor indices still open after searching `low...high`: every index below
    /// `low` is known to keep (or was never in question), every index above `high` is ruled out.
    struct Range {
        var low: Int
        var high: Int
        var probes = 0
        var stopped = false
    }

    /// Probes the indices `low...high` until the highest that keeps is known, `limit` probes are
    /// spent, or a probe stops. `first`: indices probed before the middle ones, each when still in
    /// the open range (a likely floor, so that one probe often settles it).
    static func search<E: Error>(low: Int, high: Int, first: [Int] = [], limit: Int = .max,
                                 _ probe: (Int) throws(E) -> Probe) throws(E) -> Range {
        var range = Range(low: low, high: high)
        var guesses = first[...]
        while range.low <= range.high && range.probes < limit {
            var mid = (range.low + range.high) / 2
            while let guess = guesses.popFirst() {
                if guess >= range.low && guess <= range.high { mid = guess; break }
            }
            range.probes += 1
            switch try probe(mid) {
            case let .keeps(from): range.low = max(mid + 1, from)
            case .ruledOut: range.high = mid - 1
            case .stop:
                range.stopped = true
                return range
            }
        }
        return range
    }
}
