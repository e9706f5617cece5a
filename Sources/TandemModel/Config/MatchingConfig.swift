/// The matching's rules and weights.
public struct MatchingConfig: Sendable, Hashable, Decodable {
    /// Fewer years than this and an applicant can only be a junior partner.
    public var minimumSeniorYears = 2.0
    /// The scheme's promise: everyone paired within this many months of applying.
    public var waitingTargetMonths = 3

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case minimumSeniorYears = "minimum_senior_years"
        case waitingTargetMonths = "waiting_target_months"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        minimumSeniorYears = try c.decodeIfPresent(Double.self, forKey: .minimumSeniorYears) ?? minimumSeniorYears
        waitingTargetMonths = try c.decodeIfPresent(Int.self, forKey: .waitingTargetMonths) ?? waitingTargetMonths
    }
}
