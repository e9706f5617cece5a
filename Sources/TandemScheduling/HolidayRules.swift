import TandemModel

/// Bank holidays computed by rule, for any year, so an installed `tandem` run from any folder keeps
/// sessions off them without a data file (a file looked up relative to the current folder was
/// silently missed, and sessions landed on bank holidays).
///
/// The rules are the ones in force since 2023 (Ireland's St Brigid's Day is the newest). One-off days
/// proclaimed for a single year — a jubilee, a coronation, a state funeral, 2020's VE Day move — cannot
/// be foreseen by rule: the scheme lists those in `[sessions] blackout_dates`.
///
/// **Weekends.** When a fixed-date holiday (New Year, Christmas, St Patrick's Day…) falls on a Saturday or
/// Sunday, the next weekday that is not already a holiday is off instead. In the UK that day is a
/// bank holiday by proclamation (GOV.UK lists it as the "substitute day"); in Ireland the public holiday
/// itself does not move, but the employee is owed a day and the usual practice — followed by banks,
/// schools and the public service — is the next weekday, so it is kept clear too. Both the actual day
/// and the day off are returned: a Saturday-morning session on Christmas Day is no better than one on
/// the Monday everyone has off.
public enum HolidayRules {
    /// A holiday where the rule puts it, before any weekend moves it.
    struct Rule: Hashable {
        var date: LocalDate
        var name: String
        /// False for days defined as a weekday (Good Friday, the Monday holidays), which never fall at a weekend.
        var fixedDate: Bool
    }

    /// The region's holidays in `years`: date → name, substitute days named "… (substitute day)"
    /// (Ireland: "… (day off in lieu)").
    public static func holidays(_ region: HolidayRegion, years: ClosedRange<Int>) -> [LocalDate: String] {
        var holidays: [LocalDate: String] = [:]
        for year in years {
            holidays.merge(observed(rules(region, year: year), region: region)) { first, _ in first }
        }
        return holidays
    }

    /// The holidays a run must avoid when its sessions run for `months` months from `firstMonth`: every
    /// calendar year a session can fall in, in any partner's zone, and the year after the last session,
    /// so a date shifted by a time zone across New Year is still covered.
    public static func holidays(_ region: HolidayRegion, sessionsFrom firstMonth: YearMonth, months: Int) -> [LocalDate: String] {
        let last = firstMonth.adding(months: max(months, 1) - 1)
        return holidays(region, years: firstMonth.year ... last.year + 1)
    }

    /// Easter Sunday in the Gregorian calendar: the anonymous algorithm (Meeus/Jones/Butcher), exact
    /// for every Gregorian year, with no table to run out.
    public static func easterSunday(_ year: Int) -> LocalDate {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)
    }

    /// The region's holidays in one year where the rules put them.
    static func rules(_ region: HolidayRegion, year: Int) -> [Rule] {
        let easter = easterSunday(year)
        func fixed(_ month: Int, _ day: Int, _ name: String) -> Rule {
            Rule(date: LocalDate(year: year, month: month, day: day), name: name, fixedDate: true)
        }
        func monday(_ ordinal: Int, of month: Int, _ name: String) -> Rule {
            Rule(date: YearMonth(year: year, month: month).day(ordinal: ordinal, weekday: 1), name: name, fixedDate: false)
        }
        let goodFriday = Rule(date: easter.adding(days: -2), name: "Good Friday", fixedDate: false)
        let easterMonday = Rule(date: easter.adding(days: 1), name: "Easter Monday", fixedDate: false)
        switch region {
        case .englandAndWales:
            return [fixed(1, 1, "New Year's Day"), goodFriday, easterMonday,
                    monday(1, of: 5, "Early May bank holiday"), monday(5, of: 5, "Spring bank holiday"),
                    monday(5, of: 8, "Summer bank holiday"), fixed(12, 25, "Christmas Day"), fixed(12, 26, "Boxing Day")]
        case .scotland:
            // No Easter Monday; the summer holiday is the first Monday of August; St Andrew's Day since 2007.
            var list = [fixed(1, 1, "New Year's Day"), fixed(1, 2, "2nd January"), goodFriday,
                        monday(1, of: 5, "Early May bank holiday"), monday(5, of: 5, "Spring bank holiday"),
                        monday(1, of: 8, "Summer bank holiday")]
            if year >= 2007 { list.append(fixed(11, 30, "St Andrew's Day")) }
            return list + [fixed(12, 25, "Christmas Day"), fixed(12, 26, "Boxing Day")]
        case .northernIreland:
            return [fixed(1, 1, "New Year's Day"), fixed(3, 17, "St Patrick's Day"), goodFriday, easterMonday,
                    monday(1, of: 5, "Early May bank holiday"), monday(5, of: 5, "Spring bank holiday"),
                    fixed(7, 12, "Battle of the Boyne (Orangemen's Day)"), monday(5, of: 8, "Summer bank holiday"),
                    fixed(12, 25, "Christmas Day"), fixed(12, 26, "Boxing Day")]
        case .ireland:
            // Good Friday is not a public holiday in Ireland. St Brigid's Day (from 2023) is the first
            // Monday of February, or 1 February when that is a Friday.
            var list = [fixed(1, 1, "New Year's Day")]
            if year >= 2023 {
                let first = LocalDate(year: year, month: 2, day: 1)
                list.append(first.weekday == 5 ? Rule(date: first, name: "St Brigid's Day", fixedDate: false)
                                               : monday(1, of: 2, "St Brigid's Day"))
            }
            return list + [fixed(3, 17, "St Patrick's Day"), easterMonday,
                           monday(1, of: 5, "May Bank Holiday"), monday(1, of: 6, "June Bank Holiday"),
                           monday(1, of: 8, "August Bank Holiday"), monday(5, of: 10, "October Bank Holiday"),
                           fixed(12, 25, "Christmas Day"), fixed(12, 26, "St Stephen's Day")]
        case .noHolidays:
            return []
        }
    }

    /// The rules' days plus, for each fixed-date holiday at a weekend, the next weekday not already off
    /// (taken in date order, so Christmas on a Saturday gets the Monday and Boxing Day the Tuesday).
    static func observed(_ rules: [Rule], region: HolidayRegion) -> [LocalDate: String] {
        var days: [LocalDate: String] = [:]
        for rule in rules where days[rule.date] == nil { days[rule.date] = rule.name }
        let suffix = region == .ireland ? " (day off in lieu)" : " (substitute day)"
        for rule in rules.sorted(by: { $0.date < $1.date }) where rule.fixedDate && rule.date.weekday >= 6 {
            var day = rule.date.adding(days: 1)
            while day.weekday >= 6 || days[day] != nil { day = day.adding(days: 1) }
            days[day] = rule.name + suffix
        }
        return days
    }
}
