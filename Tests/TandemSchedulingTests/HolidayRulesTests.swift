import Testing
import TandemModel
@testable import TandemScheduling

/// The rule-based bank holidays against lists written by hand from the published calendars, and the
/// properties every year must have.
@Suite struct HolidayRulesTests {
    /// Parses fixture lines `YYYY-MM-DD<TAB>Name`; `#` starts a comment.
    static func parse(_ text: String) -> [LocalDate: String] {
        var result: [LocalDate: String] = [:]
        for line in text.split(separator: "\n") {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            let parts = content.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, let date = LocalDate(iso: String(parts[0])) else { continue }
            precondition(result[date] == nil, "fixture lists \(date) twice")
            result[date] = String(parts[1]).trimmingWhitespace()
        }
        return result
    }

    /// England and Wales, 2026–2029: the lines of the data file Tandem used to read
    /// (data/holidays/england-and-wales.txt, written from GOV.UK's "UK bank holidays" list, with both
    /// the actual day and the substitute day when a holiday falls at a weekend).
    static let englandAndWales = parse("""
    2026-01-01	New Year's Day
    2026-04-03	Good Friday
    2026-04-06	Easter Monday
    2026-05-04	Early May bank holiday
    2026-05-25	Spring bank holiday
    2026-08-31	Summer bank holiday
    2026-12-25	Christmas Day
    2026-12-26	Boxing Day
    2026-12-28	Boxing Day (substitute day)
    2027-01-01	New Year's Day
    2027-03-26	Good Friday
    2027-03-29	Easter Monday
    2027-05-03	Early May bank holiday
    2027-05-31	Spring bank holiday
    2027-08-30	Summer bank holiday
    2027-12-25	Christmas Day
    2027-12-26	Boxing Day
    2027-12-27	Christmas Day (substitute day)
    2027-12-28	Boxing Day (substitute day)
    2028-01-01	New Year's Day
    2028-01-03	New Year's Day (substitute day)
    2028-04-14	Good Friday
    2028-04-17	Easter Monday
    2028-05-01	Early May bank holiday
    2028-05-29	Spring bank holiday
    2028-08-28	Summer bank holiday
    2028-12-25	Christmas Day
    2028-12-26	Boxing Day
    2029-01-01	New Year's Day
    2029-03-30	Good Friday
    2029-04-02	Easter Monday
    2029-05-07	Early May bank holiday
    2029-05-28	Spring bank holiday
    2029-08-27	Summer bank holiday
    2029-12-25	Christmas Day
    2029-12-26	Boxing Day
    """)

    /// Scotland, 2026–2029, written by hand from a calendar — not generated — under the Banking and
    /// Financial Dealings Act 1971 (Schedule 1, Scotland), the St Andrew's Day Bank Holiday (Scotland)
    /// Act 2007 and the substitute days GOV.UK's "UK bank holidays" (www.gov.uk/bank-holidays, the
    /// "scotland" list) shows for such years: a weekend holiday moves to the next weekday not already a
    /// holiday, so New Year on a Saturday and 2 January on a Sunday (2028) give Monday 3 and Tuesday 4
    /// January. Names as GOV.UK writes them, with a plain apostrophe.
    static let scotland = parse("""
    2026-01-01	New Year's Day
    2026-01-02	2nd January
    2026-04-03	Good Friday
    2026-05-04	Early May bank holiday
    2026-05-25	Spring bank holiday
    2026-08-03	Summer bank holiday
    2026-11-30	St Andrew's Day
    2026-12-25	Christmas Day
    2026-12-26	Boxing Day
    2026-12-28	Boxing Day (substitute day)
    2027-01-01	New Year's Day
    2027-01-02	2nd January
    2027-01-04	2nd January (substitute day)
    2027-03-26	Good Friday
    2027-05-03	Early May bank holiday
    2027-05-31	Spring bank holiday
    2027-08-02	Summer bank holiday
    2027-11-30	St Andrew's Day
    2027-12-25	Christmas Day
    2027-12-26	Boxing Day
    2027-12-27	Christmas Day (substitute day)
    2027-12-28	Boxing Day (substitute day)
    2028-01-01	New Year's Day
    2028-01-02	2nd January
    2028-01-03	New Year's Day (substitute day)
    2028-01-04	2nd January (substitute day)
    2028-04-14	Good Friday
    2028-05-01	Early May bank holiday
    2028-05-29	Spring bank holiday
    2028-08-07	Summer bank holiday
    2028-11-30	St Andrew's Day
    2028-12-25	Christmas Day
    2028-12-26	Boxing Day
    2029-01-01	New Year's Day
    2029-01-02	2nd January
    2029-03-30	Good Friday
    2029-05-07	Early May bank holiday
    2029-05-28	Spring bank holiday
    2029-08-06	Summer bank holiday
    2029-11-30	St Andrew's Day
    2029-12-25	Christmas Day
    2029-12-26	Boxing Day
    """)

    /// Northern Ireland, 2026–2029, written by hand the same way from the 1971 Act's Schedule 1 for
    /// Northern Ireland and GOV.UK's "northern-ireland" list: the Twelfth is a Sunday in 2026, so
    /// Monday 13 July is the substitute day (as GOV.UK and NI Direct announce it); St Patrick's Day
    /// 2029 is a Saturday, so Monday 19 March is.
    static let northernIreland = parse("""
    2026-01-01	New Year's Day
    2026-03-17	St Patrick's Day
    2026-04-03	Good Friday
    2026-04-06	Easter Monday
    2026-05-04	Early May bank holiday
    2026-05-25	Spring bank holiday
    2026-07-12	Battle of the Boyne (Orangemen's Day)
    2026-07-13	Battle of the Boyne (Orangemen's Day) (substitute day)
    2026-08-31	Summer bank holiday
    2026-12-25	Christmas Day
    2026-12-26	Boxing Day
    2026-12-28	Boxing Day (substitute day)
    2027-01-01	New Year's Day
    2027-03-17	St Patrick's Day
    2027-03-26	Good Friday
    2027-03-29	Easter Monday
    2027-05-03	Early May bank holiday
    2027-05-31	Spring bank holiday
    2027-07-12	Battle of the Boyne (Orangemen's Day)
    2027-08-30	Summer bank holiday
    2027-12-25	Christmas Day
    2027-12-26	Boxing Day
    2027-12-27	Christmas Day (substitute day)
    2027-12-28	Boxing Day (substitute day)
    2028-01-01	New Year's Day
    2028-01-03	New Year's Day (substitute day)
    2028-03-17	St Patrick's Day
    2028-04-14	Good Friday
    2028-04-17	Easter Monday
    2028-05-01	Early May bank holiday
    2028-05-29	Spring bank holiday
    2028-07-12	Battle of the Boyne (Orangemen's Day)
    2028-08-28	Summer bank holiday
    2028-12-25	Christmas Day
    2028-12-26	Boxing Day
    2029-01-01	New Year's Day
    2029-03-17	St Patrick's Day
    2029-03-19	St Patrick's Day (substitute day)
    2029-03-30	Good Friday
    2029-04-02	Easter Monday
    2029-05-07	Early May bank holiday
    2029-05-28	Spring bank holiday
    2029-07-12	Battle of the Boyne (Orangemen's Day)
    2029-08-27	Summer bank holiday
    2029-12-25	Christmas Day
    2029-12-26	Boxing Day
    """)

    /// Ireland, 2026–2029: the ten public holidays of the Organisation of Working Time Act 1997,
    /// Schedule 2, as gov.ie and citizensinformation.ie ("Public holidays") list them — 2026 compared
    /// with that list (St Brigid's Day Monday 2 February, St Stephen's Day Saturday 26 December);
    /// 2027–2029 written by hand from a calendar with the same rules. The "(day off in lieu)" lines are
    /// not on the published list: a public holiday at a weekend does not move, but the employee is owed a
    /// day (citizensinformation.ie) and the usual practice — banks, schools, the public service — is the
    /// next weekday, so sessions avoid it too.
    static let ireland = parse("""
    2026-01-01	New Year's Day
    2026-02-02	St Brigid's Day
    2026-03-17	St Patrick's Day
    2026-04-06	Easter Monday
    2026-05-04	May Bank Holiday
    2026-06-01	June Bank Holiday
    2026-08-03	August Bank Holiday
    2026-10-26	October Bank Holiday
    2026-12-25	Christmas Day
    2026-12-26	St Stephen's Day
    2026-12-28	St Stephen's Day (day off in lieu)
    2027-01-01	New Year's Day
    2027-02-01	St Brigid's Day
    2027-03-17	St Patrick's Day
    2027-03-29	Easter Monday
    2027-05-03	May Bank Holiday
    2027-06-07	June Bank Holiday
    2027-08-02	August Bank Holiday
    2027-10-25	October Bank Holiday
    2027-12-25	Christmas Day
    2027-12-26	St Stephen's Day
    2027-12-27	Christmas Day (day off in lieu)
    2027-12-28	St Stephen's Day (day off in lieu)
    2028-01-01	New Year's Day
    2028-01-03	New Year's Day (day off in lieu)
    2028-02-07	St Brigid's Day
    2028-03-17	St Patrick's Day
    2028-04-17	Easter Monday
    2028-05-01	May Bank Holiday
    2028-06-05	June Bank Holiday
    2028-08-07	August Bank Holiday
    2028-10-30	October Bank Holiday
    2028-12-25	Christmas Day
    2028-12-26	St Stephen's Day
    2029-01-01	New Year's Day
    2029-02-05	St Brigid's Day
    2029-03-17	St Patrick's Day
    2029-03-19	St Patrick's Day (day off in lieu)
    2029-04-02	Easter Monday
    2029-05-07	May Bank Holiday
    2029-06-04	June Bank Holiday
    2029-08-06	August Bank Holiday
    2029-10-29	October Bank Holiday
    2029-12-25	Christmas Day
    2029-12-26	St Stephen's Day
    """)

    static let published: [(HolidayRegion, [LocalDate: String])] = [
        (.englandAndWales, englandAndWales), (.scotland, scotland), (.northernIreland, northernIreland), (.ireland, ireland),
    ]

    @Test(arguments: published.map(\.0))
    func theRulesGiveThePublishedDates(region: HolidayRegion) {
        let expected = Self.published.first { $0.0 == region }!.1
        let computed = HolidayRules.holidays(region, years: 2026...2029)
        for date in Set(expected.keys).union(computed.keys).sorted() {
            #expect(computed[date] == expected[date], "\(region) \(date)")
        }
        #expect(computed == expected)
    }

    @Test func noRegionMeansNoHolidays() {
        #expect(HolidayRules.holidays(.noHolidays, years: 2000...2100).isEmpty)
    }

    /// Easter Sunday 2000–2035 as published Easter tables give it, plus the earliest (22 March) and
    /// latest (25 April) Easters on both sides of 2000; then every Gregorian year to 3000 is a Sunday
    /// in that window.
    @Test func easterMatchesTheTables() {
        let table: [Int: (Int, Int)] = [
            2000: (4, 23), 2001: (4, 15), 2002: (3, 31), 2003: (4, 20), 2004: (4, 11), 2005: (3, 27),
            2006: (4, 16), 2007: (4, 8), 2008: (3, 23), 2009: (4, 12), 2010: (4, 4), 2011: (4, 24),
            2012: (4, 8), 2013: (3, 31), 2014: (4, 20), 2015: (4, 5), 2016: (3, 27), 2017: (4, 16),
            2018: (4, 1), 2019: (4, 21), 2020: (4, 12), 2021: (4, 4), 2022: (4, 17), 2023: (4, 9),
            2024: (3, 31), 2025: (4, 20), 2026: (4, 5), 2027: (3, 28), 2028: (4, 16), 2029: (4, 1),
            2030: (4, 21), 2031: (4, 13), 2032: (3, 28), 2033: (4, 17), 2034: (4, 9), 2035: (3, 25),
            1818: (3, 22), 1943: (4, 25), 2038: (4, 25), 2285: (3, 22),
        ]
        for (year, (month, day)) in table.sorted(by: { $0.key < $1.key }) {
            #expect(HolidayRules.easterSunday(year) == LocalDate(year: year, month: month, day: day), "\(year)")
        }
        for year in 1583...3000 {
            let easter = HolidayRules.easterSunday(year)
            #expect(easter.weekday == 7, "\(year): Easter \(easter) is not a Sunday")
            #expect(easter >= LocalDate(year: year, month: 3, day: 22) && easter <= LocalDate(year: year, month: 4, day: 25))
        }
    }

    /// Over two centuries: each rule's day appears once (nothing overwritten), every weekend holiday
    /// has exactly one substitute, on a weekday at most four days later, and every year has as many
    /// weekdays off as the region has holidays.
    @Test(arguments: [HolidayRegion.englandAndWales, .scotland, .northernIreland, .ireland])
    func everyYearHasItsHolidaysOnceAndEverySubstituteIsAWeekday(region: HolidayRegion) {
        for year in 1950...2150 {
            let rules = HolidayRules.rules(region, year: year)
            #expect(Set(rules.map(\.date)).count == rules.count, "\(region) \(year): two holidays on one date")
            let days = HolidayRules.observed(rules, region: region)
            let atWeekends = rules.filter { $0.date.weekday >= 6 }
            #expect(atWeekends.allSatisfy { $0.fixedDate }, "\(region) \(year): a weekday holiday at a weekend")
            #expect(days.count == rules.count + atWeekends.count, "\(region) \(year): a substitute landed on another holiday")
            let substitutes = days.filter { $0.value.hasSuffix("(substitute day)") || $0.value.hasSuffix("(day off in lieu)") }
            #expect(substitutes.count == atWeekends.count)
            for (date, name) in substitutes {
                #expect(date.weekday <= 5, "\(region) \(date) \(name) is at a weekend")
                #expect(atWeekends.contains { name.hasPrefix($0.name) && (1...4).contains($0.date.days(until: date)) },
                        "\(region) \(date) \(name) follows no weekend holiday")
            }
            #expect(days.keys.filter { $0.weekday <= 5 }.count == rules.count, "\(region) \(year)")
            #expect(days.keys.allSatisfy { $0.year == year })
        }
    }

    @Test func stBrigidsDayIsTheFirstMondayOfFebruaryOrTheFirstWhenThatIsAFriday() {
        // 1 February 2030 and 2036 are Fridays; 2027 a Monday; 2026 a Sunday.
        #expect(HolidayRules.holidays(.ireland, years: 2030...2030)[LocalDate(year: 2030, month: 2, day: 1)] == "St Brigid's Day")
        #expect(HolidayRules.holidays(.ireland, years: 2030...2030)[LocalDate(year: 2030, month: 2, day: 4)] == nil)
        #expect(HolidayRules.holidays(.ireland, years: 2036...2036)[LocalDate(year: 2036, month: 2, day: 1)] == "St Brigid's Day")
        for year in 2023...2100 {
            let days = HolidayRules.holidays(.ireland, years: year...year).filter { $0.value == "St Brigid's Day" }.map(\.key)
            #expect(days.count == 1)
            let day = days[0]
            let first = LocalDate(year: year, month: 2, day: 1)
            #expect(first.weekday == 5 ? day == first : day == YearMonth(year: year, month: 2).day(ordinal: 1, weekday: 1))
        }
        #expect(!HolidayRules.holidays(.ireland, years: 2022...2022).values.contains("St Brigid's Day"))
    }

    @Test func aRunsRangeCoversEverySessionYearAndTheYearAfter() {
        let december = HolidayRules.holidays(.englandAndWales, sessionsFrom: YearMonth(year: 2026, month: 12), months: 6)
        #expect(Set(december.keys.map(\.year)) == [2026, 2027, 2028])
        let january = HolidayRules.holidays(.scotland, sessionsFrom: YearMonth(year: 2027, month: 1), months: 6)
        #expect(Set(january.keys.map(\.year)) == [2027, 2028])
        #expect(january == HolidayRules.holidays(.scotland, years: 2027...2028))
        let twelve = HolidayRules.holidays(.ireland, sessionsFrom: YearMonth(year: 2026, month: 7), months: 12)
        #expect(Set(twelve.keys.map(\.year)) == [2026, 2027, 2028])
    }

    @Test func theConfigurationNamesTheRegionAndRejectsOthers() throws {
        #expect(SessionConfig().holidayRegion == .englandAndWales)
        for region in HolidayRegion.allCases {
            let config = try SchemeConfig.load(toml: "[sessions]\nholiday_region = \"\(region.rawValue)\"\n", file: "s.toml")
            #expect(config.sessions.holidayRegion == region)
        }
        let spaced = try SchemeConfig.load(toml: "[sessions]\nholiday_region = \" Northern_Ireland \"\n", file: "s.toml")
        #expect(spaced.sessions.holidayRegion == .northernIreland)

        do {
            _ = try SchemeConfig.load(toml: "[sessions]\nholiday_region = \"wales\"\n", file: "s.toml")
            Issue.record("an unknown region was accepted")
        } catch {
            #expect(error.description.hasPrefix("s.toml: error: sessions.holiday_region: 'wales'"), "\(error)")
            #expect(error.description.contains("england-and-wales, scotland, northern-ireland, ireland or none"), "\(error)")
        }
        for old in ["holiday_file = \"england-and-wales.txt\"", "holiday_country = \"England and Wales\""] {
            do {
                _ = try SchemeConfig.load(toml: "[sessions]\n\(old)\n", file: "s.toml")
                Issue.record("\(old) was accepted")
            } catch {
                let key = String(old.prefix { $0 != " " })
                #expect(error.description.contains("sessions.\(key): replaced by holiday_region"), "\(error)")
                #expect(error.description.contains("blackout_dates"))
            }
        }
    }
}

/// End to end through the scheduler: the rules' days really keep sessions off bank holidays.
@Suite struct HolidaySchedulingTests {
    /// A pair whose only shared hour is Monday 09:00, from May 2027. With no holidays the earliest week
    /// wins, so the first session is Monday 3 May — the early May holiday in all four regions (and
    /// Ireland's June and August holidays are first Mondays too). With the region's holidays as
    /// blackouts that week is given up and no session is on any of the region's holidays.
    @Test(arguments: [HolidayRegion.englandAndWales, .scotland, .northernIreland, .ireland])
    func aSessionOnABankHolidayMovesOffIt(region: HolidayRegion) throws {
        let firstMonth = YearMonth(year: 2027, month: 5)
        let zone = region == .ireland ? "Europe/Dublin" : "Europe/London"
        let senior = Fixtures.person("s@example.org", zone: zone, windows: [Fixtures.window(1, "09:00", "10:00")], role: .senior)
        let junior = Fixtures.person("j@example.org", zone: zone, windows: [Fixtures.window(1, "09:00", "10:00")])
        let pair = PairToSchedule(senior: senior, junior: junior)
        let holidays = HolidayRules.holidays(region, sessionsFrom: firstMonth, months: SessionConfig().plan.count)

        let unguarded = Scheduler.schedule([pair], firstMonth: firstMonth, config: SchemeConfig(), blackouts: [], commitments: [])
        let natural = try #require(unguarded.scheduled.first).sessions.map { Fixtures.localDate($0.start, zone) }
        #expect(natural.first == LocalDate(year: 2027, month: 5, day: 3))
        #expect(natural.contains { holidays[$0] != nil }, "\(region): the test needs a natural date on a holiday")

        let guarded = Scheduler.schedule([pair], firstMonth: firstMonth, config: SchemeConfig(),
                                         blackouts: Set(holidays.keys), commitments: [])
        let schedule = try #require(guarded.scheduled.first)
        let dates = schedule.sessions.map { Fixtures.localDate($0.start, zone) }
        #expect(dates.count == 6)
        for date in dates { #expect(holidays[date] == nil, "\(region): a session on \(date), \(holidays[date] ?? "")") }
        #expect(dates[0] > natural[0], "\(region): the first session should move later, off 3 May")
        #expect(dates.allSatisfy { $0.weekday == 1 })
    }
}
