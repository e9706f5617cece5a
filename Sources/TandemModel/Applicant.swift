/// An applicant's e-mail as typed, with the key that identifies them across responses and months.
public struct EmailAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// As the applicant typed it, trimmed.
    public var text: String
    /// Lower-cased and trimmed: two responses with the same key are the same person.
    public var key: String

    public init(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        self.text = trimmed
        self.key = trimmed.lowercased()
    }

    /// A plausible address: one `@`, something before it, a dot in the domain, no spaces.
    public var isWellFormed: Bool {
        let parts = key.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return !key.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" })
    }

    public static func < (a: EmailAddress, b: EmailAddress) -> Bool { a.key < b.key }
    public var description: String { text }
}

/// The role an applicant asked for. "Either" lets the matching choose.
public enum RolePreference: String, Sendable, Hashable, CaseIterable {
    case junior, senior, either
}

/// How the applicant would like to meet; in person needs the same region.
public enum MeetingPreference: String, Sendable, Hashable, CaseIterable {
    case online, inPerson, noPreference
}

/// One weekly window in the applicant's own time zone, such as Monday 18:00–20:00.
public struct WeeklyWindow: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int
    /// Minutes after local midnight.
    public var startMinute: Int
    public var endMinute: Int

    public init(weekday: Int, startMinute: Int, endMinute: Int) {
        self.weekday = weekday
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    public var minutes: Int { endMinute - startMinute }

    public static func < (a: WeeklyWindow, b: WeeklyWindow) -> Bool {
        (a.weekday, a.startMinute, a.endMinute) < (b.weekday, b.startMinute, b.endMinute)
    }

    public static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    public var description: String {
        func hm(_ m: Int) -> String { "\((m / 60).zeroPadded(2)):\((m % 60).zeroPadded(2))" }
        return "\(WeeklyWindow.dayNames[weekday - 1]) \(hm(startMinute))-\(hm(endMinute))"
    }
}

/// One usable application: the latest response of a person, with the date of their first.
public struct Applicant: Hashable, Sendable, Identifiable {
    public var email: EmailAddress
    public var name: String
    public var organisation: String
    public var jobTitle: String
    public var yearsOfExperience: Double
    public var role: RolePreference
    /// How many juniors they could support at once as a senior (1 when not answered).
    public var capacity: Int
    /// Area names exactly as in the configuration's area list, in that list's order.
    public var expertise: [String]
    public var development: [String]
    public var goals: String
    public var meeting: MeetingPreference
    public var region: String
    /// IANA time-zone identifier.
    public var timeZone: String
    /// Weekly windows in `timeZone`, sorted.
    public var availability: [WeeklyWindow]
    /// The preferred partner as typed (an e-mail, a name, or empty).
    public var preferredPartner: String
    /// Conflicts as typed, split into entries (e-mails or names).
    public var conflicts: [String]
    public var consent: Bool
    /// Date of the first response from this e-mail: waiting time counts from here.
    public var appliedOn: LocalDate
    /// When the response used (the latest) was submitted.
    public var submittedAt: LocalDateTime
    /// Physical line in the export where the used response starts.
    public var line: Int

    public var id: String { email.key }

    public init(
        email: EmailAddress, name: String, organisation: String = "", jobTitle: String = "",
        yearsOfExperience: Double, role: RolePreference, capacity: Int = 1,
        expertise: [String] = [], development: [String] = [], goals: String = "",
        meeting: MeetingPreference = .online, region: String = "", timeZone: String = "Europe/London",
        availability: [WeeklyWindow] = [], preferredPartner: String = "", conflicts: [String] = [],
        consent: Bool = true, appliedOn: LocalDate, submittedAt: LocalDateTime? = nil, line: Int = 0
    ) {
        self.email = email
        self.name = name
        self.organisation = organisation
        self.jobTitle = jobTitle
        self.yearsOfExperience = yearsOfExperience
        self.role = role
        self.capacity = capacity
        self.expertise = expertise
        self.development = development
        self.goals = goals
        self.meeting = meeting
        self.region = region
        self.timeZone = timeZone
        self.availability = availability
        self.preferredPartner = preferredPartner
        self.conflicts = conflicts
        self.consent = consent
        self.appliedOn = appliedOn
        self.submittedAt = submittedAt ?? LocalDateTime(date: appliedOn, secondsOfDay: 0)
        self.line = line
    }
}

extension String {
    /// Trims spaces, tabs, line breaks and no-break spaces from both ends.
    public func trimmingWhitespace() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }
}
