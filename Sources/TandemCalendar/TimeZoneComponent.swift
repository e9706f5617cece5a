import Foundation

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
                              offsetFrom: offsetBefore, offsetTo: offsetAfter, name: zone.abbreviation(for: transition))
        }
        var list: [Observance] = []
        if let last = before.last {
            list.append(observance(at: last))
        } else {
            let offset = zone.secondsFromGMT(for: fromDate)
            list.append(Observance(daylight: zone.isDaylightSavingTime(for: fromDate), start: "19700101T000000",
                                   offsetFrom: offset, offsetTo: offset, name: zone.abbreviation(for: fromDate)))
        }
        list += inside.map(observance(at:))
        return list
    }

    /// Writes the component; false when the zone is unknown (nothing written).
    @discardableResult
    static func write(_ identifier: String, from: Int64, to: Int64, into document: inout ICalDocument) -> Bool {
        guard let list = observances(identifier, from: from, to: to) else { return false }
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
        return true
    }
}
