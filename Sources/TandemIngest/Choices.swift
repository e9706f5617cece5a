import Foundation
import TandemModel

/// Answer comparison ignoring case and surrounding spaces.
func fold(_ text: String) -> String {
    // Cells arrive trimmed of ASCII spaces; the full Unicode trim is needed only at a non-ASCII edge.
    guard let first = text.utf8.first, let last = text.utf8.last else { return "" }
    if first < 0x80 && last < 0x80 && !CSVTable.isTrimmable(first) && !CSVTable.isTrimmable(last) { return text.lowercased() }
    return text.trimmingWhitespace().lowercased()
}

/// A one-choice question: answer text → value.
struct ChoiceMatcher<Value> {
    private var values: [String: Value] = [:]
    /// The options as the form shows them, for messages.
    private(set) var labels: [String] = []

    init(_ options: [(labels: [String], value: Value)]) {
        for (labels, value) in options {
            for label in labels where values[fold(label)] == nil { values[fold(label)] = value }
            if let first = labels.first { self.labels.append(first) }
        }
    }

    func match(_ answer: String) -> Value? { values[fold(answer)] }

    var list: String { labels.joined(separator: ", ") }
}

/// A checkbox question's answer split against the known options, longest first, so that options
/// holding a comma survive Google Sheets' `, `-joined answers and Microsoft's trailing `;` is harmless.
struct CheckboxSplitter {
    private let options: [(bytes: [UInt8], index: Int)]

    init(options: [String]) {
        self.options = options.enumerated()
            .map { (CheckboxSplitter.folded($0.element.trimmingWhitespace()), $0.offset) }
            .filter { !$0.0.isEmpty }
            .sorted { $0.0.count > $1.0.count }
    }

    /// Indices of the options ticked (in answer order, without repeats) and the pieces matching none.
    func split(_ answer: String) -> (indices: [Int], unknown: [String]) {
        if answer.isEmpty { return ([], []) }
        let ascii = answer.utf8.allSatisfy { $0 < 0x80 }
        let f = ascii ? CheckboxSplitter.folded(answer) : Array(answer.lowercased().utf8)
        let shown = ascii ? Array(answer.utf8) : f
        let hard = f.contains(UInt8(ascii: ";"))
        var indices: [Int] = [], unknown: [String] = []
        var p = 0
        let n = f.count
        while true {
            while p < n, CheckboxSplitter.isSeparator(f[p]) { p += 1 }
            if p >= n { break }
            if let (index, length) = match(f, at: p) {
                if !indices.contains(index) { indices.append(index) }
                p += length
                continue
            }
            var q = p
            while q < n {
                let c = f[q]
                if hard {
                    if c == UInt8(ascii: ";") { break }
                } else if c == UInt8(ascii: ",") || c == 10 {
                    var r = q
                    while r < n, CheckboxSplitter.isSeparator(f[r]) { r += 1 }
                    if r >= n || match(f, at: r) != nil { break }
                }
                q += 1
            }
            let piece = String(decoding: shown[p ..< min(q, shown.count)], as: UTF8.self).trimmingWhitespace()
            if !piece.isEmpty { unknown.append(piece) }
            p = q
        }
        return (indices, unknown)
    }

    private func match(_ f: [UInt8], at p: Int) -> (Int, Int)? {
        let n = f.count
        for option in options where n - p >= option.bytes.count {
            var ok = true
            for (k, byte) in option.bytes.enumerated() where f[p + k] != byte { ok = false; break }
            guard ok else { continue }
            var end = p + option.bytes.count
            while end < n, f[end] == 0x20 || f[end] == 9 { end += 1 }
            if end == n || f[end] == UInt8(ascii: ";") || f[end] == UInt8(ascii: ",") || f[end] == 10 {
                return (option.index, option.bytes.count)
            }
        }
        return nil
    }

    static func isSeparator(_ c: UInt8) -> Bool {
        c == 0x20 || c == 9 || c == 10 || c == 13 || c == UInt8(ascii: ";") || c == UInt8(ascii: ",")
    }

    static func folded(_ text: String) -> [UInt8] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }
        }
        return Array(text.lowercased().utf8)
    }
}

/// Time-zone identifiers: any name the time-zone database resolves (current IANA names and the
/// backward ones alike), or only the configured list.
struct TimeZoneCatalog {
    private let allowed: [String: String]
    private let restricted: Bool
    private let suggestions: [String]
    /// Candidates for suggestions, with their lower-cased spelling and city part.
    private let pool: [(id: String, folded: [UInt8], city: String)]

    /// The form's own list (docs/form.md), used for suggestions when the configuration sets none.
    static let formZones = [
        "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Toronto",
        "America/Chicago", "America/Los_Angeles", "Australia/Sydney", "Pacific/Auckland", "Asia/Singapore", "Asia/Kolkata",
    ]

    /// Zones renamed in the IANA database that ICU, and so Foundation's `knownTimeZoneIdentifiers`,
    /// lists under the old name (Asia/Calcutta, not Asia/Kolkata). Listed so their case-insensitive
    /// match works even on a machine without a tzdata folder to read them from.
    static let renamedZones = [
        "Asia/Kolkata", "Europe/Kyiv", "America/Nuuk", "Asia/Kathmandu", "Asia/Ho_Chi_Minh", "Asia/Yangon",
        "Pacific/Kanton", "Atlantic/Faroe", "Pacific/Chuuk", "Pacific/Pohnpei", "Africa/Asmara",
    ]

    /// Every zone name this machine resolves, by lower-cased spelling, for answers that differ from a
    /// name only in case. Foundation's own list is ICU's canonical names only, which misses the
    /// current spellings of renamed zones (every applicant in India was rejected); the tzdata folder
    /// holds the current and backward names alike. Each name is kept only if `TimeZone` resolves it,
    /// since that is what scheduling and the calendars will call.
    static let known: [String: String] = {
        var map: [String: String] = [:]
        let names = TimeZone.knownTimeZoneIdentifiers + ["UTC", "Etc/UTC", "GMT"] + formZones + renamedZones + tzdataNames()
        for id in names where map[id.lowercased()] == nil && TimeZone(identifier: id) != nil {
            map[id.lowercased()] = id
        }
        return map
    }()

    /// The zone names in the system's tzdata folder (`TZDIR`, else /usr/share/zoneinfo), without its
    /// `posix/` and `right/` copies; empty where there is none.
    static func tzdataNames() -> [String] {
        let folder = ProcessInfo.processInfo.environment["TZDIR"] ?? "/usr/share/zoneinfo"
        guard let walk = FileManager.default.enumerator(atPath: folder) else { return [] }
        var names: [String] = []
        while let path = walk.nextObject() as? String {
            if path == "posix" || path == "right" {
                walk.skipDescendants()
            } else if path.first?.isUppercase == true, !path.contains(".") {
                names.append(path)
            }
        }
        return names.sorted()
    }

    /// The identifier `TimeZone` resolves `text` to when no table has it: bare offsets such as
    /// `UTC+1` (Foundation's `GMT+0100`), typed in any case; nil when it is no zone.
    static func resolved(_ text: String) -> String? {
        guard !text.isEmpty, text.count < 64 else { return nil }
        for candidate in [text, text.uppercased()] {
            if let zone = TimeZone(identifier: candidate) { return zone.identifier }
        }
        return nil
    }

    /// Whether `answer` names a zone at all, allowed here or not (for the message).
    static func isZone(_ answer: String) -> Bool {
        known[fold(answer)] != nil || resolved(answer.trimmingWhitespace()) != nil
    }

    init(configured: [String]?) {
        if let configured {
            restricted = true
            var map: [String: String] = [:]
            for id in configured { map[fold(id)] = id.trimmingWhitespace() }
            allowed = map
            suggestions = configured
        } else {
            restricted = false
            allowed = TimeZoneCatalog.known
            suggestions = TimeZoneCatalog.formZones
        }
        let ids = restricted ? suggestions : suggestions + TimeZoneCatalog.known.values.sorted()
        pool = ids.map { id in
            let lower = id.lowercased()
            return (id, Array(lower.utf8), lower.split(separator: "/").last.map(String.init) ?? lower)
        }
    }

    /// The identifier as the configuration or the database spells it, or nil when it is not allowed.
    func canonical(_ answer: String) -> String? {
        if let id = allowed[fold(answer)] { return id }
        return restricted ? nil : TimeZoneCatalog.resolved(answer.trimmingWhitespace())
    }

    /// A likely intended zone, for the message: same city, else the nearest spelling.
    func suggestion(for answer: String) -> String {
        let a = fold(String(answer.prefix(40)))
        let fallback = suggestions.first ?? "Europe/London"
        let city = a.replacingOccurrences(of: " ", with: "_")
        if let match = pool.first(where: { $0.city == city }) { return match.id }
        let bytes = Array(a.utf8)
        var best = fallback, bestDistance = Int.max
        for candidate in pool {
            let d = editDistance(bytes, candidate.folded)
            if d < bestDistance { best = candidate.id; bestDistance = d }
        }
        return bestDistance <= max(3, a.count / 3) ? best : fallback
    }

    var isRestricted: Bool { restricted }

    /// Zones with no place and no daylight saving: UTC and its aliases, `Etc/…`, bare offsets, and the
    /// old fixed US zones. An applicant who picks one keeps the same UTC offset all year, so wherever
    /// the clocks change, their sessions would sit an hour off their real hours for half the year.
    static func isFixedOffset(_ identifier: String) -> Bool {
        let lower = identifier.lowercased()
        if lower.hasPrefix("etc/") || lower.hasPrefix("gmt+") || lower.hasPrefix("gmt-")
            || lower.hasPrefix("utc+") || lower.hasPrefix("utc-") { return true }
        return ["utc", "gmt", "uct", "ut", "universal", "zulu", "greenwich", "gmt0", "factory", "est", "mst", "hst"].contains(lower)
    }

    /// The form's regions that lie in one zone. Regions spanning several zones (North America, Europe
    /// outside the UK and Ireland) are matched by offset instead (`likelyZone`).
    static let regionZones: [String: String] = {
        var map: [String: String] = [:]
        for region in ["London", "South East", "South West", "Midlands", "North West", "North East", "Yorkshire",
                       "Scotland", "Wales", "Northern Ireland", "England", "UK", "United Kingdom"] {
            map[fold(region)] = "Europe/London"
        }
        map[fold("Republic of Ireland")] = "Europe/Dublin"
        map[fold("Ireland")] = "Europe/Dublin"
        return map
    }()

    /// For an answer that is a fixed offset (`isFixedOffset`), the regional zone the applicant most
    /// likely meant, and whether it comes from their region answer: the region's own zone where it has
    /// one; else the first of the form's zones whose standard offset is the answer's, preferring the
    /// region's continent; else Europe/London. Only zones this catalog allows are named; nil when the
    /// answer is regional already, or no allowed zone would do.
    func likelyZone(for identifier: String, region: String) -> (zone: String, fromRegion: Bool)? {
        guard TimeZoneCatalog.isFixedOffset(identifier), let fixed = TimeZone(identifier: identifier) else { return nil }
        func allowed(_ id: String) -> Bool { !restricted || canonical(id) != nil }
        if let zone = TimeZoneCatalog.regionZones[fold(region)], allowed(zone) { return (zone, true) }
        // A zone's standard offset is its UTC offset less any daylight saving; mid-January and mid-July
        // 2026 cover winter in both hemispheres.
        let dates = [1_768_478_400.0, 1_784_116_800.0].map { Date(timeIntervalSince1970: $0) }
        let offset = fixed.secondsFromGMT(for: dates[0])
        let regional = suggestions.filter { id in
            guard !TimeZoneCatalog.isFixedOffset(id), allowed(id), let zone = TimeZone(identifier: id) else { return false }
            return dates.contains { zone.secondsFromGMT(for: $0) - Int(zone.daylightSavingTimeOffset(for: $0)) == offset }
        }
        let area = fold(region).hasPrefix("europe") ? "europe/" : fold(region).hasPrefix("north america") ? "america/"
            : fold(region).hasPrefix("australia") ? "australia/" : nil
        if let match = regional.first(where: { area != nil && $0.lowercased().hasPrefix(area!) }) ?? regional.first {
            return (match, false)
        }
        return allowed("Europe/London") ? ("Europe/London", false) : nil
    }
}

func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0 ... b.count)
    var current = previous
    for i in 1 ... a.count {
        current[0] = i
        for j in 1 ... b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
