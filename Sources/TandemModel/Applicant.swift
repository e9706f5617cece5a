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

    /// Whether the address passes `syntaxProblem`'s checks.
    public var isWellFormed: Bool { syntaxProblem == nil }

    /// Why this is not an address a mail system would accept, in words for the coordinator, or nil
    /// when it is one: exactly one `@`; a local part of 1 to 64 octets without spaces, quotes or
    /// brackets, not starting or ending with a dot nor holding two in a row; a domain of dot-separated
    /// labels of 1 to 63 letters, digits or hyphens (not at a label's ends), ending in a top-level
    /// name of two or more letters; at most 254 octets in all (RFC 5321 and 5322, with the
    /// internationalised letters of RFC 6531). No control character anywhere.
    public var syntaxProblem: String? {
        if VisibleText.needsCleaning(text) { return "it holds an invisible control character" }
        if text.contains(where: \.isWhitespace) { return "it holds a space" }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return parts.count == 1 ? "it has no @" : "it has more than one @" }
        let local = parts[0], domain = parts[1]
        if local.isEmpty { return "there is nothing before the @" }
        if domain.isEmpty { return "there is nothing after the @" }
        if local.utf8.count > 64 { return "the part before the @ is \(local.utf8.count) characters long; at most 64 are allowed" }
        if text.utf8.count > 254 { return "it is \(text.utf8.count) characters long; at most 254 are allowed" }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return "the part before the @ may not start or end with a dot, nor hold two dots in a row"
        }
        let specials: Set<Character> = ["!", "#", "$", "%", "&", "'", "*", "+", "-", "/", "=", "?", "^", "_", "`", "{", "|", "}", "~", "."]
        if let bad = local.first(where: { !($0.isLetter || $0.isNumber || specials.contains($0)) }) {
            return "the part before the @ holds '\(bad)', which an address cannot hold"
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return "the domain '\(domain)' needs a dot, as in nhs.net" }
        if labels.contains(where: \.isEmpty) { return "the domain '\(domain)' may not start or end with a dot, nor hold two dots in a row" }
        for label in labels {
            if label.utf8.count > 63 { return "a part of the domain is \(label.utf8.count) characters long; at most 63 are allowed" }
            if let bad = label.first(where: { !($0.isLetter || $0.isNumber || $0 == "-") }) {
                return "the domain holds '\(bad)', which a domain cannot hold"
            }
            if label.hasPrefix("-") || label.hasSuffix("-") { return "a part of the domain '\(domain)' starts or ends with a hyphen" }
        }
        if let top = labels.last, top.count < 2 || !(top.allSatisfy(\.isLetter) || top.lowercased().hasPrefix("xn--")) {
            return "the domain '\(domain)' does not end in a top-level name such as .net or .uk"
        }
        return nil
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

    /// Reads `description` back ("Tuesday 18:00-21:00"), as the ledger stores a person's hours.
    public init?(description text: String) {
        let parts = text.split(separator: " ")
        guard parts.count == 2, let day = Self.dayNames.firstIndex(of: String(parts[0])) else { return nil }
        let times = parts[1].split(separator: "-").map { $0.split(separator: ":").compactMap { Int($0) } }
        guard times.count == 2, times.allSatisfy({ $0.count == 2 }) else { return nil }
        self.init(weekday: day + 1, startMinute: times[0][0] * 60 + times[0][1], endMinute: times[1][0] * 60 + times[1][1])
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
