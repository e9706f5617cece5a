/// The scheme's six-session structure and how sessions appear in calendars and e-mails.
///
/// In TOML this is the `[sessions]` table; the plan is a list of `[[sessions.plan]]` tables:
/// ```toml
/// [sessions]
/// duration_minutes = 60
/// alarm_minutes = [1440]
/// holiday_region = "england-and-wales"
/// blackout_dates = ["2026-12-24", "2026-12-31"]
///
/// [[sessions.plan]]
/// title = "Getting to know each other"
/// agenda = "…"
/// prepare = "…"
/// lead = ""          # "", "junior" or "senior"
/// ```
public struct SessionConfig: Sendable, Hashable, Decodable {
    /// Length of each session in minutes (15–240).
    public var durationMinutes = 60
    /// The sessions, one a month, in order. A pair gets one session per entry, starting in the run's
    /// first session month. The default is the scheme's six sessions (docs/form.md).
    public var plan: [SessionPlanEntry] = SessionConfig.defaultPlan
    /// Reminders before each session, in minutes (each becomes a `VALARM` with `TRIGGER:-PT<n>M`).
    /// The default is one day before, so there is time to prepare; an empty list means no reminder.
    public var alarmMinutes: [Int] = [1440]
    /// The `LOCATION` of online sessions: a meeting link, or a sentence saying who sends one.
    public var videoLink = "Online (video call) — link to follow from your partner"
    /// The `LOCATION` of sessions of pairs who both prefer to meet in person and share a region;
    /// `{region}` is replaced by that region.
    public var inPersonLocation = "In person, {region} — place to agree with your partner"
    /// Days with no sessions besides the bank holidays (`YYYY-MM-DD`), such as the office's closure days.
    public var blackoutDates: [String] = []
    /// Whose bank holidays sessions avoid. They are computed by rule for any year (`HolidayRules`),
    /// so no holiday file has to be found beside the configuration or the current folder.
    public var holidayRegion = HolidayRegion.englandAndWales
    /// Which weeks of the month sessions may fall in: 1 = the first such weekday of the month … 4 = the
    /// fourth, 5 = the last. Different weeks spread a senior partner's sessions over the month.
    public var weeks: [Int] = [1, 2, 3, 4]
    /// Session start times are tried on this grid of minutes inside the partners' windows (15, 20, 30 or 60).
    public var startStepMinutes = 30
    /// Subject of the e-mail that carries a participant's calendar.
    public var emailSubject = "Your mentoring sessions"

    /// The scheme's structure (docs/form.md): 1 getting to know each other, 2 setting objectives,
    /// 3–5 two-way discussions with the lead alternating (junior, senior, junior), 6 reflection.
    public static let defaultPlan: [SessionPlanEntry] = {
        let discussion = "Review what each of you has done since last time, where things are heading, "
            + "the plan of action, and the difficulties met. Learning goes both ways: "
            + "the partner leading opens with their own progress."
        let discussionPrepare = "Notes on your progress since the last session, one difficulty to talk "
            + "through, and what you would like to try before the next session."
        return [
            SessionPlanEntry(
                title: "Getting to know each other",
                agenda: "Introduce yourselves and your work. State, clarify and agree your expectations: "
                    + "how you will keep in touch between sessions, confidentiality, and how you would like "
                    + "to give each other feedback.",
                prepare: "A few lines about your background and what you hope to get out of the scheme, "
                    + "and anything your partner should know about how you like to work."),
            SessionPlanEntry(
                title: "Setting objectives",
                agenda: "What each of you wants out of the partnership, both ways. Break each goal into steps "
                    + "with a rough timeline and agree how you will know it is met.",
                prepare: "Two or three goals you would like to work on, and one area where you could help your partner."),
            SessionPlanEntry(title: "Two-way discussion", agenda: discussion, prepare: discussionPrepare, lead: .junior),
            SessionPlanEntry(title: "Two-way discussion", agenda: discussion, prepare: discussionPrepare, lead: .senior),
            SessionPlanEntry(title: "Two-way discussion", agenda: discussion, prepare: discussionPrepare, lead: .junior),
            SessionPlanEntry(
                title: "Reflection",
                agenda: "Progress from the start to now, on-going support after the scheme, and a record "
                    + "of the partnership for each partner's CPD portfolio.",
                prepare: "Your goals from session 2 with notes on what changed, and your CPD record "
                    + "(or the template your professional body uses) to complete together."),
        ]
    }()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case durationMinutes = "duration_minutes"
        case plan
        case alarmMinutes = "alarm_minutes"
        case videoLink = "video_link"
        case inPersonLocation = "in_person_location"
        case blackoutDates = "blackout_dates"
        case holidayRegion = "holiday_region"
        // Read only to say what replaced them: a configuration written for an older Tandem fails
        // with the fix, not with "unknown setting".
        case holidayFile = "holiday_file"
        case holidayCountry = "holiday_country"
        case weeks
        case startStepMinutes = "start_step_minutes"
        case emailSubject = "email_subject"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        durationMinutes = try c.decodeIfPresent(Int.self, forKey: .durationMinutes) ?? durationMinutes
        plan = try c.decodeIfPresent([SessionPlanEntry].self, forKey: .plan) ?? plan
        alarmMinutes = try c.decodeIfPresent([Int].self, forKey: .alarmMinutes) ?? alarmMinutes
        videoLink = try c.decodeIfPresent(String.self, forKey: .videoLink) ?? videoLink
        inPersonLocation = try c.decodeIfPresent(String.self, forKey: .inPersonLocation) ?? inPersonLocation
        blackoutDates = try c.decodeIfPresent([String].self, forKey: .blackoutDates) ?? blackoutDates
        let regionText = try c.decodeIfPresent(String.self, forKey: .holidayRegion)
        weeks = try c.decodeIfPresent([Int].self, forKey: .weeks) ?? weeks
        startStepMinutes = try c.decodeIfPresent(Int.self, forKey: .startStepMinutes) ?? startStepMinutes
        emailSubject = try c.decodeIfPresent(String.self, forKey: .emailSubject) ?? emailSubject

        func invalid(_ key: CodingKeys, _ message: String) -> ConfigError {
            ConfigError(file: "", line: nil, message: "\((decoder.codingPath + [key]).dottedPath): \(message)")
        }
        guard (15...240).contains(durationMinutes) else { throw invalid(.durationMinutes, "must be 15 to 240 minutes") }
        guard (1...12).contains(plan.count) else { throw invalid(.plan, "must list 1 to 12 sessions") }
        guard alarmMinutes.allSatisfy({ (1...40_320).contains($0) }) else {
            throw invalid(.alarmMinutes, "each reminder must be 1 to 40320 minutes (four weeks) before")
        }
        if let bad = blackoutDates.first(where: { LocalDate(iso: $0) == nil }) {
            throw invalid(.blackoutDates, "'\(bad)' is not a date written YYYY-MM-DD")
        }
        guard !weeks.isEmpty, weeks.allSatisfy({ (1...5).contains($0) }) else {
            throw invalid(.weeks, "must list weeks 1 to 4, or 5 for the last")
        }
        guard [15, 20, 30, 60].contains(startStepMinutes) else { throw invalid(.startStepMinutes, "must be 15, 20, 30 or 60") }
        if let regionText {
            guard let region = HolidayRegion(setting: regionText) else {
                throw invalid(.holidayRegion, "'\(regionText)' is not a region Tandem knows; use \(HolidayRegion.allowedList)")
            }
            holidayRegion = region
        }
        for old in [CodingKeys.holidayFile, .holidayCountry] where c.contains(old) {
            throw invalid(old, "replaced by holiday_region: bank holidays are now computed by rule, with no file, for "
                + "\(HolidayRegion.allowedList). Write holiday_region = \"england-and-wales\" (or your region) instead, "
                + "and list any other closure days in blackout_dates")
        }
    }

    /// The configured blackout dates (already validated when decoded).
    public var blackoutLocalDates: [LocalDate] { blackoutDates.compactMap(LocalDate.init(iso:)) }

    /// Every day with no sessions: `holidays` (the bank holidays) and the configured blackout dates.
    /// The scheduler and the matching's monthly-slot rule both avoid exactly these.
    public func blackoutDays(besides holidays: some Sequence<LocalDate>) -> Set<LocalDate> {
        Set(holidays).union(blackoutLocalDates)
    }
}

/// Which partner leads a session (sessions 3–5 alternate).
public enum SessionLead: String, Sendable, Hashable, Codable, CaseIterable {
    case junior, senior
}

/// One session of the plan: what it is for and what to bring.
public struct SessionPlanEntry: Sendable, Hashable, Decodable {
    /// Shown in the event's title, such as "Setting objectives".
    public var title: String
    /// What the partners do in the session; goes in the event's description.
    public var agenda: String
    /// What each partner should prepare; goes in the event's description.
    public var prepare: String
    /// `junior` or `senior` when one partner leads this session; empty when neither does.
    public var lead: SessionLead?

    public init(title: String, agenda: String, prepare: String, lead: SessionLead? = nil) {
        self.title = title
        self.agenda = agenda
        self.prepare = prepare
        self.lead = lead
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case title, agenda, prepare, lead }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        agenda = try c.decodeIfPresent(String.self, forKey: .agenda) ?? ""
        prepare = try c.decodeIfPresent(String.self, forKey: .prepare) ?? ""
        let leadText = try c.decodeIfPresent(String.self, forKey: .lead)?.trimmingWhitespace().lowercased() ?? ""
        if leadText.isEmpty || leadText == "none" {
            lead = nil
        } else if let value = SessionLead(rawValue: leadText) {
            lead = value
        } else {
            throw ConfigError(file: "", line: nil, message:
                "\((decoder.codingPath + [CodingKeys.lead]).dottedPath): '\(leadText)' is not junior, senior or empty")
        }
    }
}
