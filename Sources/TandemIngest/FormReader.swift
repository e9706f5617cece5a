import TandemModel

/// What reading one export produced: the applicants to pair, the responses that cannot be used,
/// and everything the coordinator should look at.
public struct IngestResult: Sendable {
    /// One per person (e-mail key): their latest usable response, sorted by `email.key`.
    public var applicants: [Applicant]
    /// Every unusable response, sorted by line.
    public var rejected: [RejectedRow]
    /// Errors, warnings and notes in line order, file-wide ones first.
    public var diagnostics: [Diagnostic]
    /// Data records read (not the header, not blank lines).
    public var recordCount: Int
    /// Responses replaced by a later one from the same e-mail.
    public var duplicateResponses: Int
    /// Why the file is not the form's export at all (empty, not text, none of the form's required
    /// columns, no responses, or no usable one), or nil when it is: `tandem run` refuses such a
    /// file rather than record a month with nobody in it.
    public var wrongFile: String?

    /// `recordCount == applicants.count + duplicateResponses + rejected.count` always holds.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var hasWarnings: Bool { diagnostics.contains { $0.severity == .warning } }

    public init(applicants: [Applicant] = [], rejected: [RejectedRow] = [], diagnostics: [Diagnostic] = [],
                recordCount: Int = 0, duplicateResponses: Int = 0) {
        self.applicants = applicants
        self.rejected = rejected
        self.diagnostics = diagnostics
        self.recordCount = recordCount
        self.duplicateResponses = duplicateResponses
    }
}

/// Reads a form export (any of the shapes in docs/form.md) into applicants.
///
/// Rules, in brief:
/// - A response is **usable** when it has a well-formed e-mail, a date, a number of years, a role,
///   a time zone and consent `Yes`. Anything missing or wrong there is an error and the row is
///   rejected with one reason per problem, each naming the column. Other problems are warnings and
///   the row is kept (unknown checkbox options are dropped, an odd capacity becomes 1, …).
/// - Consent `No` is a valid answer: the row is rejected with a warning, not an error.
/// - A time zone is any name the time-zone database resolves, current or backward (Asia/Kolkata and
///   Asia/Calcutta), in any case. A fixed offset (UTC, Etc/GMT-1, UTC+1) is kept with a warning naming
///   the applicant's regional zone: it ignores the clock changes their partner and hours follow.
/// - Responses from the same e-mail (ignoring case and spaces): the latest usable or declining
///   response decides, by timestamp then line; earlier ones are merged into it (a note each, their
///   own problems no longer reported), and the applicant's `appliedOn` is the date of the first
///   response. A later response that cannot be used is rejected and reported with a warning that
///   the earlier response is used until it is corrected. A later `No` to consent always wins.
public enum FormReader {
    /// Pure: bytes in, applicants and diagnostics out. Never crashes or hangs on any input.
    /// - Parameters:
    ///   - encoding: forces an encoding; by default UTF-8 when the bytes are valid UTF-8, else Windows-1252.
    ///   - minimumSeniorYears: fewer years than this and `Senior` is an error, `Either` a warning.
    public static func read(_ bytes: [UInt8], file: String, config: FormConfig, encoding: TextEncoding? = nil,
                            minimumSeniorYears: Double = 2) -> IngestResult {
        var reader = Reader(file: file, config: config, minimumSeniorYears: minimumSeniorYears)
        return reader.run(bytes, encoding: encoding)
    }
}

/// The questions Tandem reads.
enum Field: Int, CaseIterable {
    case timestamp, email, name, organisation, jobTitle, experience, role, capacity, expertise, development
    case goals, meeting, region, timeZone, availability, preferredPartner, conflicts, consent

    static let required: [Field] = [.timestamp, .email, .experience, .role, .timeZone, .consent]

    func aliases(_ c: FormColumns) -> [String] {
        switch self {
        case .timestamp: c.timestamp
        case .email: c.email
        case .name: c.name
        case .organisation: c.organisation
        case .jobTitle: c.jobTitle
        case .experience: c.experience
        case .role: c.role
        case .capacity: c.capacity
        case .expertise: c.expertise
        case .development: c.development
        case .goals: c.goals
        case .meeting: c.meeting
        case .region: c.region
        case .timeZone: c.timeZone
        case .availability: c.availability
        case .preferredPartner: c.preferredPartner
        case .conflicts: c.conflicts
        case .consent: c.consent
        }
    }

    /// The configuration key, for messages.
    var key: String {
        switch self {
        case .jobTitle: "job_title"
        case .timeZone: "time_zone"
        case .preferredPartner: "preferred_partner"
        default: "\(self)"
        }
    }

    /// What the column is, for messages.
    var meaning: String {
        switch self {
        case .timestamp: "the submission time"
        case .email: "the e-mail address"
        case .experience: "the years of experience"
        case .role: "the role"
        case .timeZone: "the time zone"
        case .consent: "the consent to share details"
        case .name: "the name"
        default: "'\(key)'"
        }
    }
}

/// How long an answer may be, in characters: longer ones are cut, with a warning. A name that runs to
/// megabytes would otherwise be copied into every calendar, report and e-mail of the month.
public enum AnswerLimits {
    /// A name, organisation, job title, e-mail, zone or number (200…1,000): a few times the longest real one.
    static let short = 300
    /// A paragraph (the hopes for the mentorship) or a list of ticked options (1,000…20,000).
    public static let long = 5_000
    /// The whole export, checked before it is read (100 MB…2 GB): 100,000 applicants come to about 100 MB.
    public static let exportBytes = 512 << 20

    static func characters(_ field: Field) -> Int {
        switch field {
        case .goals, .expertise, .development, .availability, .conflicts: long
        default: short
        }
    }
}

/// One record read into an applicant, or into the reasons it cannot be one.
struct Response {
    enum Status { case usable, declined, invalid }
    var record: Int
    var line: Int
    var emailText = ""
    var name = ""
    var key: String?
    var raw: RawTimestamp?
    var submittedAt: LocalDateTime?
    var applicant: Applicant?
    var declined = false
    var diagnostics: [Diagnostic] = []
    var reasons: [String] = []

    var status: Status {
        if declined { return .declined }
        return reasons.isEmpty && applicant != nil && submittedAt != nil ? .usable : .invalid
    }
}

struct Reader {
    let file: String
    let config: FormConfig
    let minimumSeniorYears: Double
    var fileDiagnostics: [Diagnostic] = []
    var column: [Field: Int] = [:]
    var header: [Field: String] = [:]

    let roles: ChoiceMatcher<RolePreference>
    let meetings: ChoiceMatcher<MeetingPreference>
    let consents: ChoiceMatcher<Bool>
    let capacities: ChoiceMatcher<Int>
    let regions: ChoiceMatcher<String>
    let areas: CheckboxSplitter
    let slots: CheckboxSplitter
    let slotWindows: [WeeklyWindow?]
    let zones: TimeZoneCatalog

    init(file: String, config: FormConfig, minimumSeniorYears: Double) {
        self.file = file
        self.config = config
        self.minimumSeniorYears = minimumSeniorYears
        roles = ChoiceMatcher([(config.roles.junior, .junior), (config.roles.senior, .senior), (config.roles.either, .either)])
        meetings = ChoiceMatcher([(config.meeting.online, .online), (config.meeting.inPerson, .inPerson),
                                  (config.meeting.noPreference, .noPreference)])
        consents = ChoiceMatcher([(config.consent.yes, true), (config.consent.no, false)])
        capacities = ChoiceMatcher(config.capacityOptions.enumerated().map { ([$0.element, String($0.offset + 1)], $0.offset + 1) })
        regions = ChoiceMatcher(config.regions.map { ([$0], $0) })
        areas = CheckboxSplitter(options: config.areas)
        slots = CheckboxSplitter(options: config.availability.map(\.label))
        slotWindows = config.availability.map(\.window)
        zones = TimeZoneCatalog(configured: config.timeZones)
    }

    mutating func fileWide(_ severity: Severity, column: String? = nil, _ message: String) {
        fileDiagnostics.append(Diagnostic(severity, file: file, line: nil, column: column, message: message))
    }

    mutating func run(_ input: [UInt8], encoding: TextEncoding?) -> IngestResult {
        var result = read(input, encoding: encoding)
        result.wrongFile = Self.wrongFile(input, result, missing: Field.required.filter { column[$0] == nil })
        return result
    }

    /// See `IngestResult.wrongFile`.
    static func wrongFile(_ bytes: [UInt8], _ result: IngestResult, missing: [Field]) -> String? {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return "the file is empty" }
        if let kind = TextDecoding.binaryKind(bytes) { return "the file is not a CSV export but \(kind)" }
        if !missing.isEmpty {
            return missing.count == Field.required.count ? "the file has none of the form's columns (is it the right sheet or file?)"
                : "the file lacks the form's columns for \(missing.map(\.meaning).joined(separator: ", "))"
        }
        if result.recordCount == 0 { return "the file has a header but no responses" }
        if result.applicants.isEmpty { return "none of the file's \(result.recordCount) responses can be used" }
        return nil
    }

    mutating func read(_ input: [UInt8], encoding: TextEncoding?) -> IngestResult {
        let decoded = TextDecoding.utf8Bytes(input, override: encoding)
        if decoded.encoding == .windows1252 && encoding == nil {
            fileWide(.note, "the file is not UTF-8; it was read as Windows-1252 (Excel's \"CSV (Comma delimited)\")")
        }
        if let line = decoded.mixedLine {
            fileWide(.warning, "the file is UTF-8 but line \(line) (and maybe others) holds bytes that are not; they were read as "
                + "Windows-1252 (as older Excel files write), the rest as UTF-8. Check the names on that line, and save the file as \"CSV UTF-8\"")
        }
        if decoded.repaired {
            fileWide(.warning, "the file holds bytes that are not UTF-8; they were replaced by \u{FFFD}. Save the file as \"CSV UTF-8\"")
        }
        let table = CSVTable.parse(decoded.bytes)
        guard table.count > 0 else {
            fileWide(.error, "the file is empty; download the form's responses again")
            return IngestResult(diagnostics: fileDiagnostics)
        }
        let headers = Array(table.record(0))
        mapColumns(headers)
        for (index, slot) in config.availability.enumerated() where slotWindows[index] == nil {
            fileWide(.error, "configuration: availability option '\(slot.label)' has an invalid day or times (\(slot.day) \(slot.start)-\(slot.end))")
        }

        var responses: [Response] = []
        responses.reserveCapacity(table.count - 1)
        let missing = Field.required.filter { column[$0] == nil }
        // Trailing empty header cells (a trailing delimiter) do not make short rows suspicious.
        let headerWidth = (headers.lastIndex { !$0.isEmpty } ?? -1) + 1
        for r in 1 ..< table.count {
            var response = Response(record: r, line: table.lines[r])
            let cells = table.record(r)
            if !missing.isEmpty {
                response.emailText = String(cell(cells, .email).prefix(AnswerLimits.short))
                response.name = String(cell(cells, .name).prefix(AnswerLimits.short))
                response.reasons = missing.map { "no column for \($0.meaning) (\($0.aliases(config.columns).first ?? $0.key))" }
            } else {
                readRow(cells, headerCount: headerWidth, unclosedQuote: table.unclosedQuoteRecords.contains(r), into: &response)
            }
            responses.append(response)
        }
        if table.count == 1 { fileWide(.note, "the file has a header but no responses") }
        if missing.isEmpty { resolveTimestamps(&responses) }
        return merge(responses, recordCount: table.count - 1)
    }

    // MARK: Columns

    mutating func mapColumns(_ headers: [String]) {
        let folded = headers.map(fold)
        var known = Set(config.ignoredColumns.map(fold))
        for field in Field.allCases {
            let aliases = field.aliases(config.columns)
            known.formUnion(aliases.map(fold))
            for alias in aliases {
                if let index = folded.firstIndex(of: fold(alias)) {
                    column[field] = index
                    header[field] = headers[index]
                    break
                }
            }
            // Two columns for one answer (a column copied in a sheet): which holds the real answers is a guess.
            if let index = column[field] {
                let others = folded.indices.filter { $0 != index && aliases.map(fold).contains(folded[$0]) }
                if let other = others.first {
                    fileWide(.warning, column: headers[index], "two columns are for \(field.meaning): '\(clip(headers[index]))' (column \(index + 1)) "
                        + "and '\(clip(headers[other]))' (column \(other + 1)); the first is used and the other ignored. Delete or rename the one that is wrong")
                }
            }
        }
        for field in Field.allCases where column[field] == nil {
            let aliases = field.aliases(config.columns)
            let expected = aliases.map { "'\($0)'" }.joined(separator: " or ")
            let fix = "rename the column in the file, or add its header to form.columns.\(field.key) in the configuration"
            if Field.required.contains(field) {
                fileWide(.error, "no column for \(field.meaning): expected a header \(expected.isEmpty ? "(none configured)" : expected); \(fix). Every row is rejected until it is found")
            } else if field == .name {
                fileWide(.warning, "no column for \(field.meaning): expected \(expected); names are taken from the e-mail addresses. To fix, \(fix)")
            } else {
                fileWide(.warning, "no column for \(field.meaning): expected \(expected); that answer is treated as empty. To fix, \(fix)")
            }
        }
        let used = Set(column.values)
        let extra = headers.indices.filter { !used.contains($0) && !folded[$0].isEmpty && !known.contains(folded[$0]) }
        if !extra.isEmpty {
            fileWide(.note, "columns not used by Tandem, ignored: " + extra.map { "'\(clip(headers[$0]))'" }.joined(separator: ", "))
        }
    }

    func cell(_ cells: ArraySlice<String>, _ field: Field) -> String {
        guard let index = column[field], index < cells.count else { return "" }
        return cells[cells.startIndex + index]
    }

    // MARK: One row

    mutating func readRow(_ rawCells: ArraySlice<String>, headerCount: Int, unclosedQuote: Bool, into response: inout Response) {
        let line = response.line
        let file = self.file
        var diagnostics: [Diagnostic] = []
        var reasons: [String] = []
        func error(_ field: Field?, _ message: String, reason: String? = nil) {
            let column = field.flatMap { header[$0] }
            diagnostics.append(Diagnostic(.error, file: file, line: line, column: column, message: message))
            reasons.append([column, reason ?? message].compactMap { $0 }.joined(separator: ": "))
        }
        func warning(_ field: Field?, _ message: String) {
            diagnostics.append(Diagnostic(.warning, file: file, line: line, column: field.flatMap { header[$0] }, message: message))
        }

        // No answer is longer than its field's limit (`AnswerLimits`): cut, with a warning naming it,
        // before anything else looks at it.
        var cells = rawCells
        for (field, index) in column where index < cells.count {
            let i = cells.startIndex + index
            let limit = AnswerLimits.characters(field)
            guard cells[i].utf8.count > limit, cells[i].count > limit else { continue }
            let length = cells[i].count
            cells[i] = String(cells[i].prefix(limit))
            warning(field, "the answer is \(length.grouped) characters long, more than the \(limit.grouped) this column allows; "
                + "only its first \(limit.grouped) are kept. Shorten the answer in the export")
        }

        // Control characters and invisible direction overrides go no further than this: they are
        // replaced by visible marks and the cell is named. The e-mail is checked as typed (below).
        for (field, index) in column.sorted(by: { $0.value < $1.value }) where index < cells.count && field != .email {
            let i = cells.startIndex + index
            let keepLines = field == .goals // a paragraph answer keeps its lines
            guard VisibleText.needsCleaning(cells[i], keepingLineBreaks: keepLines) else { continue }
            cells[i] = VisibleText.clean(cells[i], keepingLineBreaks: keepLines)
            warning(field, "the answer holds \(keepLines ? "" : "a line break or ")an invisible control character (such as a terminal escape, a NUL or a text-direction override); "
                + "it is shown as '\(clip(cells[i]))'. Retype the answer if that is not what was meant")
        }

        if unclosedQuote {
            error(nil, "a quote (\") opens an answer that is never closed, so this row's answers may be shifted; remove the stray quote or close it",
                  reason: "unbalanced quote in this row")
        }
        if cells.count < headerCount {
            warning(nil, "this row has \(cells.count) cells but the header has \(headerCount); a delimiter may be missing, so answers may be in the wrong columns")
        } else if cells.count > headerCount, cells.dropFirst(headerCount).contains(where: { !$0.isEmpty }) {
            warning(nil, "this row has \(cells.count) cells but the header has \(headerCount); the cells beyond the last column were ignored")
        }

        // E-mail.
        let emailText = cell(cells, .email)
        response.emailText = VisibleText.clean(emailText)
        let email = EmailAddress(emailText)
        if emailText.isEmpty {
            error(.email, "the e-mail address is empty; type the applicant's e-mail address in this cell", reason: "no e-mail address")
        } else if let problem = email.syntaxProblem {
            error(.email, "'\(clip(emailText))' is not an e-mail address: \(problem); correct the address in this cell",
                  reason: "not an e-mail address (\(problem))")
        } else {
            response.key = email.key
        }

        // Name.
        var name = cell(cells, .name)
        if name.isEmpty {
            let local = String(email.text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            if column[.name] != nil {
                warning(.name, "no name given; the e-mail's local part '\(clip(local))' is used instead. Type the applicant's name here")
            }
            name = local
        }
        response.name = name

        // Timestamp (the day/month order is settled once the whole column has been read).
        let stamp = cell(cells, .timestamp)
        if stamp.isEmpty {
            error(.timestamp, "the submission time is empty; type it as 2026-10-03 16:12:55", reason: "no submission time")
        } else if let raw = TimestampParser.parse(stamp) {
            response.raw = raw
        } else {
            error(.timestamp, "'\(clip(stamp))' is not a date and time; write it like 2026/10/03 4:12:55 PM GMT+1, 03/10/2026 16:12:55 or 2026-10-03 16:12:55",
                  reason: "not a date and time")
        }

        // Experience.
        let yearsText = cell(cells, .experience)
        var years: Double?
        if yearsText.isEmpty {
            error(.experience, "the years of experience are empty; type a number such as 7 or 1.5", reason: "no years of experience")
        } else if let value = Reader.number(yearsText) {
            if value < 0 {
                error(.experience, "'\(clip(yearsText))' years cannot be negative; type a number such as 7 or 1.5", reason: "negative years of experience")
            } else {
                years = value
            }
        } else {
            error(.experience, "'\(clip(yearsText))' is not a number of years; type a number such as 7 or 1.5", reason: "not a number of years")
        }

        // Role.
        let roleText = cell(cells, .role)
        var role: RolePreference?
        if roleText.isEmpty {
            error(.role, "no role chosen; set it to one of: \(roles.list)", reason: "no role chosen")
        } else if let value = roles.match(roleText) {
            role = value
            if let years, years < minimumSeniorYears {
                let y = Reader.format(years) + (years == 1 ? " year" : " years"), minimum = Reader.format(minimumSeniorYears)
                if value == .senior {
                    error(.role, "a senior partner needs at least \(minimum) years of experience but this row has \(y); change the role to '\(config.roles.junior.first ?? "junior")' or correct the years",
                          reason: "senior partner with \(y) of experience (at least \(minimum) needed)")
                } else if value == .either {
                    warning(.role, "'\(clip(roleText))' with \(y) of experience (fewer than \(minimum)): this applicant will be paired only as a junior partner")
                }
            }
        } else {
            error(.role, "'\(clip(roleText))' is not one of the options: \(roles.list); correct the cell or add the answer to form.roles in the configuration",
                  reason: "'\(clip(roleText))' is not a role")
        }

        // Capacity.
        let capacityText = cell(cells, .capacity)
        var capacity = 1
        if !capacityText.isEmpty {
            if let value = capacities.match(capacityText) {
                capacity = value
            } else {
                warning(.capacity, "'\(clip(capacityText))' is not one of the options \(capacities.list); 1 is used. Correct the cell to change it")
            }
        }

        // Areas.
        var expertise: [String] = [], development: [String] = []
        for (field, target) in [(Field.expertise, 0), (Field.development, 1)] {
            let split = areas.split(cell(cells, field))
            let chosen = config.areas.indices.filter { split.indices.contains($0) }.map { config.areas[$0] }
            if target == 0 { expertise = chosen } else { development = chosen }
            for piece in split.unknown {
                warning(field, "'\(clip(piece))' is not one of the areas; it was left out. Correct the cell, or add the area to form.areas in the configuration")
            }
        }

        // Meeting.
        let meetingText = cell(cells, .meeting)
        var meeting = MeetingPreference.noPreference
        if !meetingText.isEmpty {
            if let value = meetings.match(meetingText) {
                meeting = value
            } else {
                warning(.meeting, "'\(clip(meetingText))' is not one of the options: \(meetings.list); treated as no preference")
            }
        }

        // Region.
        let regionText = cell(cells, .region)
        var region = regionText
        if !regionText.isEmpty {
            if let value = regions.match(regionText) {
                region = value
            } else {
                warning(.region, "'\(clip(regionText))' is not one of the regions; kept as typed, so in-person pairing only matches the same text. Correct the cell or add it to form.regions")
            }
        } else if meeting == .inPerson {
            warning(.region, "no region given by someone who wants to meet in person; they can only be paired online until a region is added")
        }

        // Time zone.
        let zoneText = cell(cells, .timeZone)
        var timeZone: String?
        if zoneText.isEmpty {
            error(.timeZone, "the time zone is empty; choose one from the form's list, such as \(zones.suggestion(for: ""))", reason: "no time zone")
        } else if let value = zones.canonical(zoneText) {
            timeZone = value
            if let likely = zones.likelyZone(for: value, region: region) {
                let which = likely.fromRegion ? "\(likely.zone) (for the region \(clip(region)))" : "such as \(likely.zone)"
                warning(.timeZone, "'\(clip(zoneText))' is one offset all year, without daylight saving: where the clocks "
                    + "change, sessions would be an hour off the applicant's hours for half the year. It was kept; "
                    + "correct the cell to the applicant's own zone, \(which)")
            }
        } else {
            let what = zones.isRestricted && TimeZoneCatalog.isZone(zoneText) ? "is not one of the form's time zones" : "is not a time zone"
            error(.timeZone, "'\(clip(zoneText))' \(what); choose one from the form's list, such as \(zones.suggestion(for: zoneText))",
                  reason: "'\(clip(zoneText))' \(what)")
        }

        // Availability.
        let slotSplit = slots.split(cell(cells, .availability))
        let windows = Array(Set(slotSplit.indices.compactMap { slotWindows[$0] })).sorted()
        for piece in slotSplit.unknown {
            warning(.availability, "'\(clip(piece))' is not one of the times offered; it was left out. Correct the cell, or add the option to form.availability")
        }
        if windows.isEmpty && column[.availability] != nil {
            warning(.availability, "no times ticked; sessions cannot be scheduled for this applicant until they say when they are free")
        }

        // Partner preferences, as typed.
        let preferred = cell(cells, .preferredPartner)
        let conflicts = cell(cells, .conflicts)
            .split(whereSeparator: { $0 == "," || $0 == ";" || $0.isWhitespace })
            .map(String.init)

        // Consent.
        let consentText = cell(cells, .consent)
        var consent = false
        if consentText.isEmpty {
            error(.consent, "no answer to the consent question; ask the applicant, then type \(consents.list.replacingOccurrences(of: ", ", with: " or "))",
                  reason: "no answer to the consent question")
        } else if let value = consents.match(consentText) {
            consent = value
            if !value {
                diagnostics.append(Diagnostic(.warning, file: file, line: line, column: header[.consent],
                                              message: "did not consent to share their details; left out of the pairing"))
                response.declined = true
            }
        } else {
            error(.consent, "'\(clip(consentText))' is not an answer to the consent question; type \(consents.list.replacingOccurrences(of: ", ", with: " or "))",
                  reason: "'\(clip(consentText))' is not a consent answer")
        }

        if let years, let role, let timeZone, response.key != nil {
            let placeholder = LocalDate(year: 1970, month: 1, day: 1)
            response.applicant = Applicant(
                email: email, name: name, organisation: cell(cells, .organisation), jobTitle: cell(cells, .jobTitle),
                yearsOfExperience: years, role: role, capacity: capacity, expertise: expertise, development: development,
                goals: cell(cells, .goals), meeting: meeting, region: region, timeZone: timeZone, availability: windows,
                preferredPartner: preferred, conflicts: conflicts, consent: consent, appliedOn: placeholder, line: line)
        }
        response.diagnostics = diagnostics
        response.reasons = reasons
    }

    /// `7`, `1.5`, `1,5`; digits with at most one decimal mark, nothing else.
    static func number(_ text: String) -> Double? {
        var digits = 0, marks = 0
        var normalised = ""
        for (i, c) in text.utf8.enumerated() {
            switch c {
            case 48 ... 57: digits += 1; normalised.append(Character(Unicode.Scalar(c)))
            case UInt8(ascii: "."), UInt8(ascii: ","): marks += 1; normalised.append(".")
            case UInt8(ascii: "-") where i == 0, UInt8(ascii: "+") where i == 0: normalised.append(Character(Unicode.Scalar(c)))
            default: return nil
            }
        }
        guard digits > 0, marks <= 1, digits <= 15 else { return nil }
        return Double(normalised)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    // MARK: Timestamps

    mutating func resolveTimestamps(_ responses: inout [Response]) {
        var dayFirst = 0, monthFirst = 0, ambiguous = 0
        for response in responses {
            guard let raw = response.raw else { continue }
            switch raw.evidence {
            case .dayFirst: dayFirst += 1
            case .monthFirst: monthFirst += 1
            case nil: if raw.isAmbiguous { ambiguous += 1 }
            }
        }
        let column = header[.timestamp]
        var order = config.dateOrder
        var unresolvedReason: String?
        if order == nil {
            if dayFirst > 0 && monthFirst > 0 {
                fileWide(.error, column: column, "the dates mix day-first (\(dayFirst) like 13/10/2026) and month-first (\(monthFirst) like 10/13/2026) values; check the column, then set date_order = \"day-first\" or \"month-first\" under [form] in the configuration")
                unresolvedReason = "day and month order unknown (set date_order in the configuration)"
            } else if dayFirst > 0 {
                order = .dayFirst
            } else if monthFirst > 0 {
                order = .monthFirst
            } else if ambiguous > 0 {
                fileWide(.error, column: column, "cannot tell whether dates such as 03/10/2026 are day-first or month-first: every day and month is 12 or less; set date_order = \"day-first\" or \"month-first\" under [form] in the configuration")
                unresolvedReason = "day and month order unknown (set date_order in the configuration)"
            }
        }
        for i in responses.indices {
            guard let raw = responses[i].raw else { continue }
            if let value = raw.dateTime(order: order), !YearMonth.supportedYears.contains(value.date.year) {
                let years = YearMonth.supportedYears
                let message = "\(value.date) is not a plausible date for a response (Tandem takes \(years.lowerBound) to \(years.upperBound)); correct the date"
                responses[i].diagnostics.append(Diagnostic(.error, file: file, line: responses[i].line, column: column, message: message))
                responses[i].reasons.append([column, "implausible date \(value.date)"].compactMap { $0 }.joined(separator: ": "))
            } else if let value = raw.dateTime(order: order) {
                responses[i].submittedAt = value
            } else if raw.isAmbiguous && order == nil {
                responses[i].reasons.append([column, unresolvedReason].compactMap { $0 }.joined(separator: ": "))
            } else {
                let ordered = order == .monthFirst ? "month/day" : "day/month"
                let message = "not a real date when read as \(raw.yearFirst ? "year/month/day" : ordered); correct the date"
                responses[i].diagnostics.append(Diagnostic(.error, file: file, line: responses[i].line, column: column, message: message))
                responses[i].reasons.append([column, "not a real date"].compactMap { $0 }.joined(separator: ": "))
            }
        }
    }

    // MARK: Duplicates

    mutating func merge(_ responses: [Response], recordCount: Int) -> IngestResult {
        var result = IngestResult(recordCount: recordCount)
        var diagnostics = fileDiagnostics
        var byKey: [String: [Int]] = [:]
        var order: [String] = []
        for (i, response) in responses.enumerated() {
            guard let key = response.key else {
                diagnostics += response.diagnostics
                result.rejected.append(rejectedRow(response))
                continue
            }
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(i)
        }
        for key in order {
            let group = byKey[key]!.sorted { a, b in
                let x = responses[a], y = responses[b]
                let kx = x.submittedAt?.sortKey ?? Int.max, ky = y.submittedAt?.sortKey ?? Int.max
                return kx != ky ? kx < ky : x.line < y.line
            }
            guard let deciding = group.lastIndex(where: { responses[$0].status != .invalid }) else {
                for i in group {
                    diagnostics += responses[i].diagnostics
                    result.rejected.append(rejectedRow(responses[i]))
                }
                continue
            }
            let chosen = responses[group[deciding]]
            for i in group[..<deciding] {
                let earlier = responses[i]
                let problems = earlier.status == .invalid || earlier.diagnostics.contains { $0.severity >= .warning }
                diagnostics.append(Diagnostic(.note, file: file, line: earlier.line, column: nil, message:
                    "replaced by the later response on line \(chosen.line) from the same e-mail" + (problems ? "; this response's problems no longer matter" : "")))
                result.duplicateResponses += 1
            }
            diagnostics += chosen.diagnostics
            if chosen.status == .usable, var applicant = chosen.applicant, let submittedAt = chosen.submittedAt {
                applicant.submittedAt = submittedAt
                let first = group.compactMap { responses[$0].submittedAt }.min() ?? submittedAt
                applicant.appliedOn = first.date
                result.applicants.append(applicant)
            } else {
                result.rejected.append(rejectedRow(chosen))
            }
            for i in group[(deciding + 1)...] {
                let later = responses[i]
                diagnostics += later.diagnostics
                let outcome = chosen.status == .usable ? "the earlier response on line \(chosen.line) is used until this one is corrected"
                    : "the earlier response on line \(chosen.line) declined consent, so this person is left out"
                diagnostics.append(Diagnostic(.warning, file: file, line: later.line, column: nil, message:
                    "this later response from the same e-mail cannot be used; \(outcome)"))
                result.rejected.append(rejectedRow(later))
            }
        }
        result.applicants.sort { $0.email.key < $1.email.key }
        result.rejected.sort { $0.line < $1.line }
        result.diagnostics = diagnostics.enumerated().sorted { a, b in
            let la = a.element.line ?? 0, lb = b.element.line ?? 0
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
        return result
    }

    func rejectedRow(_ response: Response) -> RejectedRow {
        var reasons = response.reasons
        if response.declined { reasons.insert("did not consent to share their details", at: 0) }
        if reasons.isEmpty { reasons = ["cannot be used"] }
        return RejectedRow(line: response.line, email: response.emailText, name: response.name, reasons: reasons)
    }
}

/// A cell quoted in a message: one line, at most 60 characters.
func clip(_ text: String) -> String {
    var flat = VisibleText.clean(text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " "))
    if flat.count > 60 { flat = String(flat.prefix(57)) + "..." }
    return flat
}
