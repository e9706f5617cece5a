/// `[privacy]`: how long the ledger keeps people (UK GDPR's storage limitation).
public struct PrivacyConfig: Sendable, Hashable, Decodable {
    /// Months after a person's last response and last session after which a run replaces their name,
    /// address and answers by a pseudonym, as `tandem forget` does (6–240); nil (the default) keeps them.
    public var keepMonths: Int?

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case keepMonths = "keep_months"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        keepMonths = try c.decodeIfPresent(Int.self, forKey: .keepMonths)
        if let keepMonths, !(6...240).contains(keepMonths) {
            throw ConfigError(file: "", line: nil, message: "privacy.keep_months: must be 6 to 240 months, not \(keepMonths)")
        }
    }
}
