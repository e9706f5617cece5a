/// `[acceptance]`: whether a run's new pairs are proposals that the mentor (or both partners) accept
/// before they stand, as in the clinical-mentoring scheme ("the mentor accepts the mentorship").
/// Without the table, `none`: pairs stand as soon as they are made, as before.
public struct AcceptanceConfig: Sendable, Hashable, Decodable {
    public enum Required: String, Sendable, Hashable, CaseIterable {
        case none, senior, both
    }

    public var required = Required.none
    /// Days a proposal waits for its answers (1–60); a run on a later day dissolves it as expired.
    public var replyDays = 14
    /// The mailbox replies go to ("Name <address>"); empty: the scheme's coordinator.
    public var organizer = ""

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case required
        case replyDays = "reply_days"
        case organizer
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try c.decodeIfPresent(String.self, forKey: .required) {
            guard let value = Required(rawValue: text) else {
                throw ConfigError(file: "", line: nil, message: "acceptance.required: '\(text)' is not one of senior (the mentor accepts), both, or none")
            }
            required = value
        }
        replyDays = try c.decodeIfPresent(Int.self, forKey: .replyDays) ?? replyDays
        organizer = try c.decodeIfPresent(String.self, forKey: .organizer) ?? organizer
        guard (1...60).contains(replyDays) else {
            throw ConfigError(file: "", line: nil, message: "acceptance.reply_days: must be 1 to 60 days, not \(replyDays)")
        }
    }
}
