import Foundation
import TandemScheduling

/// `VTIMEZONE` components built from the time-zone database for the span a calendar uses.
///
/// Rather than rules (`RRULE`), each component lists the real transitions one by one: one
/// `STANDARD` or `DAYLIGHT` observance for the offset in force when the span starts (its onset is the
/// last transition before the span, or 1970 when the zone has not changed for over a year), then one
/// per transition inside the span. Each observance's `DTSTART` is the transition's wall-clock time in
/// the offset before it (`TZOFFSETFROM`), as RFC 5545 §3.6.5 requires. Explicit observances are
/// simple to check against the database and are right for zones whose rules changed.
enum TimeZoneComponent {
    struct Observance: Equatable {
        var daylight: Bool
        /// Local onset, `YYYYMMDDTHHMMSS` in the offset before.
        var start: String
        var offsetFrom: Int
        var offsetTo: Int
        var name: String?
        /// The onset as a UTC instant (`Int64.min` for the 1970 observance).
        var onsetUTC: Int64
    }

    /// The observances covering `[from, to]` (Unix seconds); nil when the zone is unknown.
    static func observances(_ identifier: String, from: Int64, to: Int64) -> [Observance]? {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        let fromDate = Date(timeIntervalSince1970: Double(from)), toDate = Date(timeIntervalSince1970: Double(to))
        var transitions: [Date] = []
        var cursor = Date(timeIntervalSince1970: Double(from - 400 * 86_400))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next <= toDate, next > cursor,
              transitions.count < 500 {
            transitions.append(next)
            cursor = next
        }
        let before = transitions.filter { $0 <= fromDate }
        let inside = transitions.filter { $0 > fromDate }
        func observance(at transition: Date) -> Observance {
            let offsetBefore = zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            let offsetAfter = zone.secondsFromGMT(for: transition)
            let onset = Int64(transition.timeIntervalSince1970.rounded()) + Int64(offsetBefore)
            return Observance(daylight: zone.isDaylightSavingTime(for: transition), start: ICalTime.stamp(onset),
                              offsetFrom: offsetBefore, offsetTo: offsetAfter, name: zone.abbreviation(for: transition),
                              onsetUTC: Int64(transition.timeIntervalSince1970.rounded()))
        }
        var list: [Observance] = []
        if let last = before.last {
            list.append(observance(at: last))
        } else {
            let offset = zone.secondsFromGMT(for: fromDate)
            list.append(Observance(daylight: zone.isDaylightSavingTime(for: fromDate), start: "19700101T000000",
                                   offsetFrom: offset, offsetTo: offset, name: zone.abbreviation(for: fromDate),
                                   onsetUTC: .min))
        }
        list += inside.map(observance(at:))
        return list
    }

    /// Writes the component for `[from, to]`; false when the zone is unknown (nothing written).
    @discardableResult
    static func write(_ identifier: String, from: Int64, to: Int64, into document: inout ICalDocument) -> Bool {
        guard let list = observances(identifier, from: from, to: to) else { return false }
        write(identifier, list, into: &document)
        return true
    }

    static func write(_ identifier: String, _ list: [Observance], into document: inout ICalDocument) {
        document.line("BEGIN", "VTIMEZONE")
        document.line("TZID", ICalText.escape(identifier))
        for observance in list {
            let kind = observance.daylight ? "DAYLIGHT" : "STANDARD"
            document.line("BEGIN", kind)
            document.line("DTSTART", observance.start)
            document.line("TZOFFSETFROM", ICalTime.offset(observance.offsetFrom))
            document.line("TZOFFSETTO", ICalTime.offset(observance.offsetTo))
            if let name = observance.name, !name.isEmpty { document.text("TZNAME", name) }
            document.line("END", kind)
        }
        document.line("END", "VTIMEZONE")
    }
}

/// The observances of every zone a run uses, read from the database once for the run's whole span, then
/// cut to each file's span. A file's cut is exactly what `TimeZoneComponent.observances` gives for that
/// file alone, so a participant's file never depends on anyone else's sessions.
final class ZoneTables: Sendable {
    private let tables: [String: [TimeZoneComponent.Observance]]

    init(_ sessions: [ScheduledSession]) {
        var spans: [String: (from: Int64, to: Int64)] = [:]
        // The events' zones, and each partner's own (for the description's times in their zone).
        for session in sessions {
            for zone in Set([session.timeZone, session.senior.timeZone, session.junior.timeZone]) {
                let span = spans[zone] ?? (session.start, session.end)
                spans[zone] = (min(span.from, session.start), max(span.to, session.end))
            }
        }
        var tables: [String: [TimeZoneComponent.Observance]] = [:]
        for (zone, span) in spans {
            tables[zone] = TimeZoneComponent.observances(zone, from: span.from - 402 * 86_400, to: span.to + 2 * 86_400)
        }
        self.tables = tables
    }

    /// Whether the zone is in the time-zone database (its events then carry `TZID`).
    func knows(_ zone: String) -> Bool { !(tables[zone]?.isEmpty ?? true) }

    /// Seconds east of UTC at an instant; nil for an unknown zone.
    func offset(_ zone: String, at utc: Int64) -> Int? {
        guard let list = tables[zone], let current = list.last(where: { $0.onsetUTC <= utc }) else { return nil }
        return current.offsetTo
    }

    /// The observances for a file whose events in this zone span `[from, to]` (a day's margin is added).
    func observances(_ zone: String, from rawFrom: Int64, to rawTo: Int64) -> [TimeZoneComponent.Observance]? {
        guard let list = tables[zone], !list.isEmpty else { return nil }
        let from = rawFrom - 86_400, to = rawTo + 86_400
        var result: [TimeZoneComponent.Observance] = []
        if let last = list.last(where: { $0.onsetUTC <= from }), last.onsetUTC != .min, last.onsetUTC > from - 400 * 86_400 {
            result.append(last)
        } else {
            let current = list.last { $0.onsetUTC <= from } ?? list[0]
            result.append(TimeZoneComponent.Observance(
                daylight: current.daylight, start: "19700101T000000", offsetFrom: current.offsetTo,
                offsetTo: current.offsetTo, name: current.name, onsetUTC: .min))
        }
        result += list.filter { $0.onsetUTC > from && $0.onsetUTC <= to }
        return result
    }
}
