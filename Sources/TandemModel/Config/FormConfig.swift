/// The application form as the coordinator built it: the column headers (with aliases) and the
/// options of each choice question. Defaults are the form in FORM.md.
public struct FormConfig: Sendable, Hashable, Decodable {
    /// The areas offered by both "expertise" and "develop" checkbox questions.
    public var areas: [String] = [
        "Management and leadership", "Interpersonal and communication skills", "Career progression",
        "Team dynamics", "Clinical photography", "Medical illustration", "3D imaging, scanning and printing",
        "Video and animation", "Ophthalmic imaging", "Forensic photography", "Teaching and education",
        "Research and publishing", "Digital asset management", "Patient consent, ethics and confidentiality",
        "Business and freelancing", "CPD and reflective practice",
    ]

    /// The availability checkbox options and the weekly windows each stands for.
    public var availability: [AvailabilityOption] = FormConfig.defaultAvailability

    public static let defaultAvailability: [AvailabilityOption] = {
        let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
        let periods = [("morning", "09:00", "12:00"), ("lunchtime", "12:00", "14:00"),
                       ("afternoon", "14:00", "17:00"), ("evening", "18:00", "20:00")]
        var options: [AvailabilityOption] = []
        for day in days {
            for (name, start, end) in periods {
                options.append(AvailabilityOption(label: "\(day) \(name) (\(start)-\(end))", day: day, start: start, end: end))
            }
        }
        options.append(AvailabilityOption(label: "Saturday morning (09:00-12:00)", day: "Saturday", start: "09:00", end: "12:00"))
        return options
    }()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case areas, availability }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        areas = try c.decodeIfPresent([String].self, forKey: .areas) ?? areas
        availability = try c.decodeIfPresent([AvailabilityOption].self, forKey: .availability) ?? availability
    }
}

/// One availability checkbox: its label on the form and the weekly window it means.
public struct AvailabilityOption: Sendable, Hashable, Decodable {
    public var label: String
    /// English day name, `Monday` … `Sunday`.
    public var day: String
    /// Local `HH:MM`.
    public var start: String
    public var end: String

    public init(label: String, day: String, start: String, end: String) {
        self.label = label
        self.day = day
        self.start = start
        self.end = end
    }

    /// The window, or nil when the day or times are not valid.
    public var window: WeeklyWindow? {
        guard let weekday = WeeklyWindow.dayNames.firstIndex(where: { $0.lowercased() == day.lowercased() }),
              let s = Self.minutes(start), let e = Self.minutes(end), s < e else { return nil }
        return WeeklyWindow(weekday: weekday + 1, startMinute: s, endMinute: e)
    }

    static func minutes(_ hhmm: String) -> Int? {
        let p = hhmm.split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0..<60).contains(m),
              h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }
}
