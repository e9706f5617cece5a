/// The scheme's six-session structure and how sessions appear in calendars.
public struct SessionConfig: Sendable, Hashable, Decodable {
    /// Length of each session in minutes.
    public var durationMinutes = 60

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case durationMinutes = "duration_minutes"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        durationMinutes = try c.decodeIfPresent(Int.self, forKey: .durationMinutes) ?? durationMinutes
    }
}
