import Foundation

/// One zone's UTC offsets over a span, read once from the time-zone database (Foundation's
/// `TimeZone`) so that the many date checks of a run are integer arithmetic, not database calls.
/// Offsets change on different dates in different zones (the US moves in March two or three weeks
/// before the UK), so every check converts each date separately.
package struct ZoneOffsets: Sendable {
    package let identifier: String
    /// Instants (Unix seconds) from which `offsets[i]` applies; `starts[0]` is `Int64.min`.
    private let starts: [Int64]
    /// Seconds east of UTC.
    private let offsets: [Int64]
    private let distinctOffsets: [Int64]

    /// nil when the identifier is not in the time-zone database.
    package init?(identifier: String, from: Int64, to: Int64) {
        guard !identifier.isEmpty, identifier.count < 64, let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        var starts: [Int64] = [.min]
        var offsets: [Int64] = [Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(from))))]
        var cursor = Date(timeIntervalSince1970: Double(from))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 <= Double(to),
              next > cursor, starts.count < 1000 {
            starts.append(Int64(next.timeIntervalSince1970.rounded()))
            offsets.append(Int64(zone.secondsFromGMT(for: next)))
            cursor = next
        }
        self.starts = starts
        self.offsets = offsets
        self.distinctOffsets = Array(Set(offsets)).sorted(by: >)
    }

    /// Seconds east of UTC at an instant.
    package func offset(at utc: Int64) -> Int64 {
        var i = starts.count - 1
        while starts[i] > utc { i -= 1 }
        return offsets[i]
    }

    /// Local wall-clock seconds (days since 1970-01-01 × 86,400 + seconds of day) at an instant.
    package func local(_ utc: Int64) -> Int64 { utc + offset(at: utc) }

    /// The instant a local wall-clock time denotes; the earlier one when clocks go back and the
    /// time happens twice, nil when clocks go forward and the time never happens.
    package func utc(fromLocal local: Int64) -> Int64? {
        instants(fromLocal: local).first
    }

    /// Every instant a local wall-clock time denotes, earliest first: one; two when clocks go back and
    /// the time happens twice; none when clocks go forward and the time never happens.
    package func instants(fromLocal local: Int64) -> [Int64] {
        // The largest offset gives the earliest instant; try each offset the zone has in the span.
        distinctOffsets.compactMap { candidate in
            let utc = local - candidate
            return offset(at: utc) == candidate ? utc : nil
        }
    }
}

/// A person's weekly windows merged per weekday, so that two touching options (Monday morning
/// 09:00–12:00 and Monday lunchtime 12:00–14:00) hold a session that runs across 12:00.
package struct MergedWindows: Sendable {
    /// Index 1…7 (ISO weekday); each list sorted and non-overlapping, in minutes after midnight.
    package let byWeekday: [[(start: Int, end: Int)]]

    package init(_ windows: [WeeklyWindow]) {
        var days = [[(start: Int, end: Int)]](repeating: [], count: 8)
        for window in windows.sorted() where (1...7).contains(window.weekday) && window.startMinute < window.endMinute {
            let start = max(0, window.startMinute), end = min(24 * 60, window.endMinute)
            if let last = days[window.weekday].last, start <= last.end {
                days[window.weekday][days[window.weekday].count - 1].end = max(last.end, end)
            } else {
                days[window.weekday].append((start, end))
            }
        }
        byWeekday = days
    }

    package var isEmpty: Bool { byWeekday.allSatisfy(\.isEmpty) }

    /// The window holding `[utcStart, utcEnd)` in this zone, as a UTC interval, and the local date; nil if none.
    package func containing(_ utcStart: Int64, _ utcEnd: Int64, zone: ZoneOffsets) -> (start: Int64, end: Int64, day: Int)? {
        let offset = zone.offset(at: utcStart)
        let localStart = utcStart + offset
        let localEnd = utcEnd + zone.offset(at: utcEnd - 1)
        let day = Int(floorDivide(localStart, 86_400))
        let dayStart = Int64(day) * 86_400
        let weekday = isoWeekday(daysSinceEpoch: day)
        for window in byWeekday[weekday] {
            let windowStart = dayStart + Int64(window.start) * 60, windowEnd = dayStart + Int64(window.end) * 60
            if windowStart <= localStart && localEnd <= windowEnd {
                return (windowStart - offset, windowEnd - offset, day)
            }
        }
        return nil
    }
}

package func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// ISO weekday (1 = Monday) of a day counted from 1970-01-01 (a Thursday).
package func isoWeekday(daysSinceEpoch day: Int) -> Int {
    let w = (day + 3) % 7
    return (w < 0 ? w + 7 : w) + 1
}

/// Index of the Monday-to-Sunday week holding a day.
package func weekIndex(daysSinceEpoch day: Int) -> Int {
    Int(floorDivide(Int64(day + 3), 7))
}
