/// Which solver files a run keeps: each stage's model in CPLEX LP format and GLPK's printed
/// solution. They let anyone re-solve the pairing with another solver, but on a pool of
/// thousands they run to hundreds of megabytes that a coordinator never opens.
public enum ModelFiles: String, Sendable, CaseIterable {
    /// Kept for models up to `MatchingLimits.modelFilesCandidates` candidate pairs.
    case automatic
    case always
    case never

    public func keeps(candidatePairs: Int) -> Bool {
        switch self {
        case .automatic: return candidatePairs <= MatchingLimits.modelFilesCandidates
        case .always: return true
        case .never: return false
        }
    }
}
