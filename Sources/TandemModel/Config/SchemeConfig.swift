import TOMLKit

/// Everything a coordinator can change without a programmer: the form's wording, the matching's
/// weights and rules, and the sessions. Every value has a default equal to the scheme's form
/// (FORM.md), so a run needs no file; a TOML file overrides only what it names.
public struct SchemeConfig: Sendable, Hashable, Decodable {
    public var scheme = SchemeInfo()
    public var form = FormConfig()
    public var matching = MatchingConfig()
    public var sessions = SessionConfig()

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable { case scheme, form, matching, sessions }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scheme = try c.decodeIfPresent(SchemeInfo.self, forKey: .scheme) ?? scheme
        form = try c.decodeIfPresent(FormConfig.self, forKey: .form) ?? form
        matching = try c.decodeIfPresent(MatchingConfig.self, forKey: .matching) ?? matching
        sessions = try c.decodeIfPresent(SessionConfig.self, forKey: .sessions) ?? sessions
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
            throw ConfigError(file: file, line: nil,
                              message: "\(context.codingPath.dottedPath): expected \(type) (\(context.debugDescription))")
        } catch let DecodingError.dataCorrupted(context) {
            throw ConfigError(file: file, line: nil,
                              message: "\(context.codingPath.dottedPath): \(context.debugDescription)")
        } catch {
            throw ConfigError(file: file, line: nil, message: "\(error)")
        }
    }
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
