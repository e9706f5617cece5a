/// The application form as the coordinator built it: the column headers (with aliases) and the
/// options of each choice question. Defaults are the form in docs/form.md; coordinators who rename a
/// question or add an option change only this table (`[form]` in the scheme's TOML file).
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

    /// The header of each question in the export, `[form.columns]`. Each field takes a list of
    /// headers in priority order; the first one present in the file is used.
    public var columns = FormColumns()

    /// The answers of "I would like to join the scheme as", `[form.roles]`.
    public var roles = RoleAnswers()

    /// The answers of "How many junior partners could you support at once?": the n-th option
    /// means n juniors. A plain number within the options' range is accepted too.
    public var capacityOptions = ["1", "2", "3"]

    /// The answers of "Preferred way to meet", `[form.meeting]`.
    public var meeting = MeetingAnswers()

    /// The answers of the consent question, `[form.consent]`.
    public var consent = ConsentAnswers()

    /// The options of "Nearest city or region". An answer outside this list is a warning and is kept as typed.
    public var regions = [
        "London", "South East", "South West", "Midlands", "North West", "North East", "Yorkshire",
        "Scotland", "Wales", "Northern Ireland", "Republic of Ireland", "Europe (outside UK and Ireland)",
        "North America", "Australia and New Zealand", "Other",
    ]

    /// The time zones the form offers. When absent, any IANA time-zone identifier is accepted
    /// (such as `Europe/London`); when set, only these are.
    public var timeZones: [String]? = nil

    /// How to read dates such as `03/10/2026`: `"day-first"` or `"month-first"`. When absent, the
    /// Timestamp column decides (a value such as `13/10/2026` proves day-first); when the whole
    /// column is ambiguous, the run stops with an error asking to set this.
    public var dateOrder: DateOrder? = nil

    /// Columns that exports carry but Tandem does not need, left out of the "extra columns" note
    /// (Microsoft Forms' `ID`, `Start time`, `Last modified time`).
    public var ignoredColumns = ["ID", "Start time", "Last modified time"]

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case areas, availability, columns, roles, meeting, consent, regions
        case capacityOptions = "capacity_options"
        case timeZones = "time_zones"
        case dateOrder = "date_order"
        case ignoredColumns = "ignored_columns"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        areas = try c.decodeIfPresent([String].self, forKey: .areas) ?? areas
        availability = try c.decodeIfPresent([AvailabilityOption].self, forKey: .availability) ?? availability
        columns = try c.decodeIfPresent(FormColumns.self, forKey: .columns) ?? columns
        roles = try c.decodeIfPresent(RoleAnswers.self, forKey: .roles) ?? roles
        capacityOptions = try c.decodeIfPresent([String].self, forKey: .capacityOptions) ?? capacityOptions
        meeting = try c.decodeIfPresent(MeetingAnswers.self, forKey: .meeting) ?? meeting
        consent = try c.decodeIfPresent(ConsentAnswers.self, forKey: .consent) ?? consent
        regions = try c.decodeIfPresent([String].self, forKey: .regions) ?? regions
        timeZones = try c.decodeIfPresent([String].self, forKey: .timeZones) ?? timeZones
        dateOrder = try c.decodeIfPresent(DateOrder.self, forKey: .dateOrder) ?? dateOrder
        ignoredColumns = try c.decodeIfPresent([String].self, forKey: .ignoredColumns) ?? ignoredColumns
    }
}

/// How an export writes numeric dates whose day and month could be swapped.
public enum DateOrder: String, Sendable, Hashable, Decodable, CaseIterable {
    /// `03/10/2026` is 3 October (UK, Ireland, most of Europe).
    case dayFirst = "day-first"
    /// `10/3/2026` is 3 October (United States; Microsoft Forms' default export).
    case monthFirst = "month-first"
}

/// The header of each question. Every entry is a list of accepted headers in priority order,
/// matched ignoring case and surrounding spaces; a single string is accepted too.
public struct FormColumns: Sendable, Hashable, Decodable {
    /// When the response was submitted (Google `Timestamp`, Microsoft `Completion time`). Required.
    public var timestamp = ["Timestamp", "Completion time"]
    /// The applicant's e-mail, their identity (Google `Email Address`, Microsoft `Email`). Required.
    public var email = ["Email Address", "Email", "E-mail address", "E-mail"]
    /// Full name; the form's own question wins over Microsoft's account `Name` column.
    public var name = ["Full name", "Name"]
    /// Employer, free text.
    public var organisation = ["Organisation", "Organization"]
    public var jobTitle = ["Job title"]
    /// Years of professional experience, a number. Required.
    public var experience = ["Years of professional experience"]
    /// Junior, senior or either. Required.
    public var role = ["I would like to join the scheme as"]
    /// How many juniors a senior could support at once; optional (1 when empty).
    public var capacity = ["How many junior partners could you support at once?"]
    /// Checkboxes over `areas`.
    public var expertise = ["My areas of expertise"]
    /// Checkboxes over `areas`.
    public var development = ["Areas I would like to develop"]
    /// Paragraph answer, kept as typed.
    public var goals = ["What do you hope to get out of the mentorship?"]
    public var meeting = ["Preferred way to meet"]
    public var region = ["Nearest city or region"]
    /// IANA time-zone identifier. Required.
    public var timeZone = ["Your time zone"]
    /// Checkboxes over `availability`.
    public var availability = ["When are you usually free for a one-hour session? (your local time)"]
    public var preferredPartner = ["Preferred partner (e-mail, optional)"]
    /// E-mails or names separated by commas, semicolons or spaces.
    public var conflicts = ["People you should not be paired with (e-mails, optional)"]
    /// Yes or No. Required.
    public var consent = [
        "I agree that my name, e-mail and answers may be shared with my mentoring partner and the scheme coordinator",
    ]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case timestamp, email, name, organisation, experience, role, capacity, expertise, development, goals
        case meeting, region, availability, conflicts, consent
        case jobTitle = "job_title"
        case timeZone = "time_zone"
        case preferredPartner = "preferred_partner"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read(_ key: CodingKeys, _ current: [String]) throws -> [String] {
            try c.decodeAliases(forKey: key) ?? current
        }
        timestamp = try read(.timestamp, timestamp)
        email = try read(.email, email)
        name = try read(.name, name)
        organisation = try read(.organisation, organisation)
        jobTitle = try read(.jobTitle, jobTitle)
        experience = try read(.experience, experience)
        role = try read(.role, role)
        capacity = try read(.capacity, capacity)
        expertise = try read(.expertise, expertise)
        development = try read(.development, development)
        goals = try read(.goals, goals)
        meeting = try read(.meeting, meeting)
        region = try read(.region, region)
        timeZone = try read(.timeZone, timeZone)
        availability = try read(.availability, availability)
        preferredPartner = try read(.preferredPartner, preferredPartner)
        conflicts = try read(.conflicts, conflicts)
        consent = try read(.consent, consent)
    }
}

/// The answers that mean each role; matched ignoring case and surrounding spaces.
public struct RoleAnswers: Sendable, Hashable, Decodable {
    public var junior = ["Junior partner (mentee)", "Junior"]
    public var senior = ["Senior partner (mentor)", "Senior"]
    public var either = ["Either - pair me where I can help most", "Either"]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case junior, senior, either }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        junior = try c.decodeAliases(forKey: .junior) ?? junior
        senior = try c.decodeAliases(forKey: .senior) ?? senior
        either = try c.decodeAliases(forKey: .either) ?? either
    }
}

/// The answers that mean each way to meet; an empty answer means no preference.
public struct MeetingAnswers: Sendable, Hashable, Decodable {
    public var online = ["Online (video call)", "Online"]
    public var inPerson = ["In person"]
    public var noPreference = ["No preference"]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case online
        case inPerson = "in_person"
        case noPreference = "no_preference"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        online = try c.decodeAliases(forKey: .online) ?? online
        inPerson = try c.decodeAliases(forKey: .inPerson) ?? inPerson
        noPreference = try c.decodeAliases(forKey: .noPreference) ?? noPreference
    }
}

/// The answers that give or refuse consent; anything else (or nothing) is an error.
public struct ConsentAnswers: Sendable, Hashable, Decodable {
    public var yes = ["Yes"]
    public var no = ["No"]

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case yes, no }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        yes = try c.decodeAliases(forKey: .yes) ?? yes
        no = try c.decodeAliases(forKey: .no) ?? no
    }
}

extension KeyedDecodingContainer {
    /// A list of accepted texts, or one text.
    func decodeAliases(forKey key: Key) throws -> [String]? {
        guard contains(key) else { return nil }
        if let one = try? decode(String.self, forKey: key) { return [one] }
        return try decode([String].self, forKey: key)
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
