import TandemModel

/// A pair's compatibility, part by part, so that a coordinator can see why a pair scored as it
/// did. Every part is already weighted (points); `total` is their sum rounded to hundredths.
public struct ScoreBreakdown: Sendable, Hashable {
    /// The junior's development areas covered by the senior's expertise, scarce areas counting more.
    public var development = 0.0
    /// The senior's development areas covered by the junior's expertise.
    public var reciprocal = 0.0
    /// Common free time over the six months.
    public var availability = 0.0
    /// Experience gap inside the preferred band.
    public var experience = 0.0
    /// Compatible ways to meet.
    public var meeting = 0.0
    /// Closeness of each partner's goals to the other's profile.
    public var goals = 0.0
    /// Named as preferred partner (by one or both).
    public var preferredPartner = 0.0
    /// Penalty for working in the same organisation (zero or negative).
    public var organisation = 0.0
    /// Average common free hours a week, in both partners' own time zones.
    public var commonHoursPerWeek = 0.0
    /// Areas the senior covers for the junior, and the reverse.
    public var areasForJunior: [String] = []
    public var areasForSenior: [String] = []

    public init() {}

    /// The score in hundredths of a point: integers keep the solver's objectives exact.
    public var points: Int {
        Int((development + reciprocal + availability + experience + meeting + goals + preferredPartner + organisation) * 100)
    }

    public var total: Double { Double(points) / 100 }

    /// The parts in a fixed order, for reports.
    public var parts: [(name: String, points: Double)] {
        [("development", development), ("reciprocal", reciprocal), ("availability", availability),
         ("experience", experience), ("meeting", meeting), ("goals", goals),
         ("preferred partner", preferredPartner), ("same organisation", organisation)]
    }

    public static let partNames = ["development", "reciprocal", "availability", "experience", "meeting", "goals",
                                   "preferred partner", "same organisation"]
}

/// A hard rule that forbids a pair. The first that applies is reported.
public enum PairRule: Sendable, Hashable, CustomStringConvertible {
    case samePerson
    case cannotBeSenior(String)
    case cannotBeJunior(String)
    case conflict(namedBy: String)
    case sameOrganisationForbidden
    case noCommonTime
    case neverPairOverride
    case pairedBefore
    case noCapacityLeft
    case noMonthlySlot(String)

    public var description: String {
        switch self {
        case .samePerson: return "the same person"
        case let .cannotBeSenior(why): return "cannot be the senior partner: \(why)"
        case let .cannotBeJunior(why): return "cannot be the junior partner: \(why)"
        case let .conflict(name): return "\(name) named the other as someone they should not be paired with"
        case .sameOrganisationForbidden: return "same organisation, and the configuration forbids that"
        case .noCommonTime: return "no monthly slot (the same week, weekday and time each month) inside both partners' hours on every session date"
        case .neverPairOverride: return "the coordinator's overrides say never to pair them"
        case .pairedBefore: return "they were paired before (a pair is never proposed twice)"
        case .noCapacityLeft: return "the senior has no capacity left"
        case let .noMonthlySlot(why): return "no monthly slot fits both: \(why)"
        }
    }
}

/// A pair that passes every hard rule, with its score. Indices point into the pool's applicants.
public struct Candidate: Sendable, Hashable {
    public var senior: Int
    public var junior: Int
    public var score: ScoreBreakdown
}
