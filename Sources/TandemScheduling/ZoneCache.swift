import Foundation
import TandemModel

/// Zones used in a run, each read once.
struct ZoneCache {
    private var zones: [String: ZoneOffsets?] = [:]
    let from: Int64
    let to: Int64

    init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }

    mutating func zone(_ identifier: String) -> ZoneOffsets? {
        if let known = zones[identifier] { return known }
        let made = ZoneOffsets(identifier: identifier, from: from, to: to)
        zones[identifier] = made
        return made
    }
}

/// Weekly hours two applicants share, for the matching: counts, for a given week, the minutes that lie
/// inside both partners' windows, each converted from the partner's own zone on that week's dates
/// (so the figure is right on either side of a daylight-saving change).
///
/// Make one for a week and call it for many pairs: each zone is read from the database once.
public struct CommonHours: Sendable {
    private let monday: Int
    private let zones: [String: ZoneOffsets]

    /// The Monday-to-Sunday week holding `weekOf`; `zones` are the IANA names the applicants use
    /// (any other zone is read on each call).
    public init(weekOf: LocalDate, zones: some Sequence<String>) {
        monday = weekOf.adding(days: -(weekOf.weekday - 1)).daysSinceEpoch
        var table: [String: ZoneOffsets] = [:]
        for name in Set(zones) {
            table[name] = ZoneOffsets(identifier: name, from: Int64(monday - 3) * 86_400, to: Int64(monday + 10) * 86_400)
        }
        self.zones = table
    }

    /// Minutes per week both marked (the week in `a`'s zone); 0 when either zone is unknown.
    public func weeklyMinutes(_ a: Applicant, _ b: Applicant) -> Int {
        func zone(_ name: String) -> ZoneOffsets? {
            zones[name] ?? ZoneOffsets(identifier: name, from: Int64(monday - 3) * 86_400, to: Int64(monday + 10) * 86_400)
        }
        guard let zoneA = zone(a.timeZone), let zoneB = zone(b.timeZone) else { return 0 }
        let intervalsA = Self.utcIntervals(MergedWindows(a.availability), zone: zoneA, days: monday..<(monday + 7))
        let intervalsB = Self.utcIntervals(MergedWindows(b.availability), zone: zoneB, days: (monday - 2)..<(monday + 9))
        var total: Int64 = 0
        for x in intervalsA {
            for y in intervalsB {
                let overlap = min(x.end, y.end) - max(x.start, y.start)
                if overlap > 0 { total += overlap }
            }
        }
        return Int(total / 60)
    }

    /// One-off form of `weeklyMinutes` for a single pair.
    public static func weeklyMinutes(_ a: Applicant, _ b: Applicant, weekOf: LocalDate) -> Int {
        CommonHours(weekOf: weekOf, zones: [a.timeZone, b.timeZone]).weeklyMinutes(a, b)
    }

    static func utcIntervals(_ windows: MergedWindows, zone: ZoneOffsets, days: Range<Int>) -> [(start: Int64, end: Int64)] {
        var out: [(start: Int64, end: Int64)] = []
        for day in days {
            for window in windows.byWeekday[isoWeekday(daysSinceEpoch: day)] {
                let base = Int64(day) * 86_400
                // A window boundary inside a clock change is taken at the offset just before it.
                let start = base + Int64(window.start) * 60, end = base + Int64(window.end) * 60
                let startUTC = start - zone.offset(at: start - zone.offset(at: start))
                let endUTC = end - zone.offset(at: end - zone.offset(at: end))
                if endUTC > startUTC { out.append((startUTC, endUTC)) }
            }
        }
        return out
    }
}
