import Foundation

/// A calendar day with no time zone: form answers and scheme months are days, not instants.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil when it is not a real date.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              LocalDate.isValid(year: y, month: m, day: d) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        return day <= YearMonth(year: year, month: month).dayCount
    }

    public var yearMonth: YearMonth { YearMonth(year: year, month: month) }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (no Foundation needed).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        let w = (daysSinceEpoch + 3) % 7 // 1970-01-01 was a Thursday (ISO 4)
        return (w < 0 ? w + 7 : w) + 1
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: LocalDate) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        "\(year.zeroPadded(4))-\(month.zeroPadded(2))-\(day.zeroPadded(2))"
    }
}

/// A scheme month such as 2026-12: runs, cohorts and sessions are counted in months.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), (1...9999).contains(y), (1...12).contains(m)
        else { return nil }
        self.init(year: y, month: m)
    }

    /// The years a run's month (and a coordinator's `--today`) may fall in: far enough either side of
    /// today, and well inside what every calendar program reads (RFC 5545 dates have four-digit years).
    public static let supportedYears = 2000...2199

    public var dayCount: Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1) }
    public var lastDay: LocalDate { LocalDate(year: year, month: month, day: dayCount) }

    public func adding(months: Int) -> YearMonth {
        let index = year * 12 + (month - 1) + months
        return YearMonth(year: index / 12, month: index % 12 + 1)
    }

    /// Whole months from `self` to `other`.
    public func months(until other: YearMonth) -> Int {
        (other.year * 12 + other.month) - (year * 12 + month)
    }

    /// The day that is the `ordinal`-th `weekday` (ISO, 1 = Monday) of the month; ordinal 5 means "last".
    public func day(ordinal: Int, weekday: Int) -> LocalDate {
        if ordinal >= 5 {
            let last = lastDay
            return last.adding(days: -((last.weekday - weekday + 7) % 7))
        }
        let first = firstDay
        let offset = (weekday - first.weekday + 7) % 7
        return first.adding(days: offset + 7 * (ordinal - 1))
    }

    public static func < (a: YearMonth, b: YearMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public var description: String { "\(year.zeroPadded(4))-\(month.zeroPadded(2))" }
}

/// A wall-clock date and time as written in a form export, with the UTC offset when the export gives one.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var date: LocalDate
    /// Seconds after local midnight.
    public var secondsOfDay: Int
    /// Seconds east of UTC, when the export states it (Google's `GMT+1`).
    public var utcOffset: Int?

    public init(date: LocalDate, secondsOfDay: Int, utcOffset: Int? = nil) {
        self.date = date
        self.secondsOfDay = secondsOfDay
        self.utcOffset = utcOffset
    }

    /// An ordering key: UTC seconds when the offset is known, local seconds otherwise.
    public var sortKey: Int { date.daysSinceEpoch * 86_400 + secondsOfDay - (utcOffset ?? 0) }

    public static func < (a: LocalDateTime, b: LocalDateTime) -> Bool { a.sortKey < b.sortKey }

    public var description: String {
        let h = secondsOfDay / 3600, m = secondsOfDay / 60 % 60, s = secondsOfDay % 60
        return "\(date) \(h.zeroPadded(2)):\(m.zeroPadded(2)):\(s.zeroPadded(2))"
    }
}

extension Int {
    /// `String(format: "%0Nd", self)` without Foundation's formatter, which is slow enough to
    /// show in reports of 100,000 applicants (dates are printed everywhere).
    public func zeroPadded(_ width: Int) -> String {
        let digits = String(magnitude)
        let padding = String(repeating: "0", count: Swift.max(0, width - digits.count - (self < 0 ? 1 : 0)))
        return (self < 0 ? "-" : "") + padding + digits
    }
}

/// Dates and times as the outputs write them for people: "Tuesday 5 January 2027, 14:00–15:00".
/// One place, so the e-mails, the calendars' descriptions and the CPD record say a session's time the same way.
public enum DateText {
    /// ISO order: Monday is 1 (`LocalDate.weekday`).
    public static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    public static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                                "September", "October", "November", "December"]

    /// "Tuesday 5 January 2027".
    public static func day(_ date: LocalDate) -> String {
        "\(weekdays[date.weekday - 1]) \(date.day) \(months[date.month - 1]) \(date.year)"
    }

    /// The day of a local wall-clock time, given as seconds since 1970-01-01 00:00 local.
    public static func date(local seconds: Int64) -> LocalDate {
        LocalDate(daysSinceEpoch: Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400))
    }

    /// "Tuesday 5 January 2027, 14:00–15:00" for local wall-clock times (seconds since 1970-01-01 00:00 local).
    public static func span(from start: Int64, to end: Int64) -> String {
        func clock(_ local: Int64) -> String {
            let seconds = Int(local - Int64(date(local: local).daysSinceEpoch) * 86_400)
            return "\((seconds / 3600).zeroPadded(2)):\((seconds / 60 % 60).zeroPadded(2))"
        }
        return "\(day(date(local: start))), \(clock(start))–\(clock(end))"
    }
}
