import TOMLKit

/// Everything a coordinator can change without a programmer: the form's wording, the matching's
/// weights and rules, and the sessions. Every value has a default equal to the scheme's form
/// (docs/form.md), so a run needs no file; a TOML file overrides only what it names.
public struct SchemeConfig: Sendable, Hashable, Decodable {
    public var scheme = SchemeInfo()
    public var form = FormConfig()
    public var matching = MatchingConfig()
    public var sessions = SessionConfig()
    /// Sending by e-mail: nil (no `[mail]` table) means nothing is queued or sent.
    public var mail: MailConfig?
    public var privacy = PrivacyConfig()
    public var acceptance = AcceptanceConfig()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case scheme, form, matching, sessions, mail, privacy, acceptance }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scheme = try c.decodeIfPresent(SchemeInfo.self, forKey: .scheme) ?? scheme
        form = try c.decodeIfPresent(FormConfig.self, forKey: .form) ?? form
        matching = try c.decodeIfPresent(MatchingConfig.self, forKey: .matching) ?? matching
        sessions = try c.decodeIfPresent(SessionConfig.self, forKey: .sessions) ?? sessions
        mail = try c.decodeIfPresent(MailConfig.self, forKey: .mail)
        privacy = try c.decodeIfPresent(PrivacyConfig.self, forKey: .privacy) ?? privacy
        acceptance = try c.decodeIfPresent(AcceptanceConfig.self, forKey: .acceptance) ?? acceptance
    }

    /// Reads a TOML configuration; a mistake is reported with the key path and what was expected.
    public static func load(toml text: String, file: String) throws(ConfigError) -> SchemeConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: Int(error.source.begin.line),
                              message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: nil, message: "not valid TOML: \(error)")
        }
        do {
            return try TOMLDecoder().decode(SchemeConfig.self, from: table)
        } catch let error as ConfigError {
            throw ConfigError(file: file, line: error.line, message: error.message)
        } catch let DecodingError.typeMismatch(type, context),
                let DecodingError.valueNotFound(type, context) {
            throw ConfigError(file: file, line: nil, message: mistyped(context.codingPath.map(\.stringValue), expected: "\(type)", in: table))
        } catch let DecodingError.keyNotFound(key, context) {
            // TOMLKit's word for a value of the wrong type ("A \"Double\" does not exist at …").
            let type = context.debugDescription.split(separator: "\"").dropFirst().first.map(String.init) ?? ""
            var path = context.codingPath.map(\.stringValue)
            if path.last != key.stringValue { path.append(key.stringValue) }
            throw ConfigError(file: file, line: nil, message: mistyped(path, expected: type, in: table))
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigError(file: file, line: nil,
                              message: "\(context.codingPath.dottedPath): \(context.debugDescription)")
        } catch {
            throw ConfigError(file: file, line: nil, message: "\(error)")
        }
    }
}

/// "matching.development_weight: expected a number, not "forty"": a setting of the wrong type,
/// in the coordinator's words rather than Swift's.
func mistyped(_ path: [String], expected type: String, in table: TOMLTable) -> String {
    let words = type.hasPrefix("Array") ? "a list, such as [1, 2]"
        : ["Double": "a number, such as 30 or 2.5", "Int": "a whole number, such as 3", "String": "text in quotes",
           "Bool": "true or false"][type] ?? "a value of type \(type)"
    var value: (any TOMLValueConvertible)? = table
    for key in path { value = value?.table?[key] }
    let found = value.map { " — not \(String(describing: $0).trimmingCharacters(in: .whitespacesAndNewlines))" } ?? ""
    return "\(path.joined(separator: ".")): expected \(words)\(found)"
}

/// Who runs the scheme: used in calendar UIDs, event text and the coordinator's calendar.
public struct SchemeInfo: Sendable, Hashable, Decodable {
    /// Shown in event titles and reports.
    public var name = "Reciprocal Mentoring Scheme"
    /// A domain the scheme controls, used to make calendar UIDs globally unique.
    public var domain = "mentoring.example.org"
    public var coordinatorName = "Scheme coordinator"
    public var coordinatorEmail = "coordinator@mentoring.example.org"
    /// The ledger and the reports' folder, relative to the scheme folder (the one holding
    /// scheme.toml, see `tandem init`); used when no --ledger or --out is given.
    public var ledger = "data/tandem.sqlite"
    public var reports = "reports"

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, domain, ledger, reports
        case coordinatorName = "coordinator_name"
        case coordinatorEmail = "coordinator_email"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? name
        domain = try c.decodeIfPresent(String.self, forKey: .domain) ?? domain
        coordinatorName = try c.decodeIfPresent(String.self, forKey: .coordinatorName) ?? coordinatorName
        coordinatorEmail = try c.decodeIfPresent(String.self, forKey: .coordinatorEmail) ?? coordinatorEmail
        ledger = try c.decodeIfPresent(String.self, forKey: .ledger) ?? ledger
        reports = try c.decodeIfPresent(String.self, forKey: .reports) ?? reports
        for (key, value) in [("ledger", ledger), ("reports", reports)] where value.trimmingWhitespace().isEmpty {
            throw ConfigError(file: "", line: nil, message: "scheme.\(key): give a path, such as \(key == "ledger" ? "data/tandem.sqlite" : "reports")")
        }
        // The domain goes into every calendar UID and Message-ID: a host name, or it is refused (never rewritten).
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.utf8.count <= 253, labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }) else {
            throw ConfigError(file: "", line: nil, message: "scheme.domain: '\(VisibleText.clean(domain))' is not a domain name; "
                + "give one the scheme controls, of letters, digits, hyphens and dots, such as mentoring.example.org")
        }
    }
}

/// A configuration file that cannot be used, with the place to fix.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)"
    }
}

struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// A misspelt key is an error, not a silently ignored setting.
    public func rejectUnknownKeys<K: CodingKey & CaseIterable>(_ keys: K.Type) throws {
        let known = Set(K.allCases.map(\.stringValue))
        let container = try self.container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !known.contains(key.stringValue) {
            let path = (codingPath + [key]).dottedPath
            throw ConfigError(file: "", line: nil, message:
                "unknown setting '\(path)'; known here: \(known.sorted().joined(separator: ", "))")
        }
    }
}

extension Array where Element == any CodingKey {
    var dottedPath: String {
        map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }
}
