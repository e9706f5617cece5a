import Foundation
import Testing
import TandemMatching
import TandemModel
import TandemScheduling
import TandemTestSupport

/// The matching's "has a monthly slot" rule against the scheduler itself: the scorer must allow a
/// pair exactly when the scheduler can give it a monthly pattern on every date (no sessions yet).
/// Random people in zones with different clock changes (both hemispheres, half- and quarter-hour
/// offsets), random hours, start grids, lengths, weeks of the month, first months and blackout days.
@Suite struct MonthlySlotRuleTests {
    static let zones = [
        "Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "America/Santiago",
        "Australia/Sydney", "Australia/Adelaide", "Pacific/Auckland", "Pacific/Chatham", "Asia/Kolkata",
        "Asia/Kathmandu", "Asia/Singapore", "UTC",
    ]

    /// Someone with 1–4 random windows between `earliest` and `latest` o'clock, on the quarter hour.
    static func person(_ i: Int, earliest: Int, latest: Int, random: inout SeededGenerator) -> Applicant {
        var windows: [WeeklyWindow] = []
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let start = Int.random(in: (earliest * 4)...(latest * 4 - 4), using: &random) * 15
            let end = min(latest * 60, start + Int.random(in: 2...16, using: &random) * 15)
            windows.append(WeeklyWindow(weekday: Int.random(in: 1...7, using: &random), startMinute: start, endMinute: end))
        }
        return Applicant(email: EmailAddress("p\(i)@example.org"), name: "Person \(i)", organisation: "Org \(i)",
                         yearsOfExperience: 10, role: .either, timeZone: zones.randomElement(using: &random)!,
                         availability: windows.sorted(), appliedOn: LocalDate(year: 2026, month: 1, day: 5))
    }

    struct Case {
        var config: SchemeConfig
        var firstMonth: YearMonth
        var blackouts: Set<LocalDate>
        var people: [Applicant]
    }

    static func randomCase(seed: UInt64, earliest: Int, latest: Int, people: Int) -> Case {
        var random = SeededGenerator(seed: seed)
        var config = SchemeConfig()
        config.sessions.startStepMinutes = [15, 30, 30, 60, 20].randomElement(using: &random)!
        config.sessions.durationMinutes = [30, 60, 60, 90].randomElement(using: &random)!
        config.sessions.weeks = Array(Set((0..<Int.random(in: 1...4, using: &random)).map { _ in Int.random(in: 1...5, using: &random) })).sorted()
        // First months whose six months hold clock changes in both hemispheres.
        let firstMonth = [YearMonth(year: 2026, month: 9), YearMonth(year: 2026, month: 12), YearMonth(year: 2027, month: 2),
                          YearMonth(year: 2027, month: 3)].randomElement(using: &random)!
        var blackouts = Set<LocalDate>()
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            blackouts.insert(firstMonth.firstDay.adding(days: Int.random(in: 0..<180, using: &random)))
        }
        let list = (0..<people).map { person($0, earliest: earliest, latest: latest, random: &random) }
        return Case(config: config, firstMonth: firstMonth, blackouts: blackouts, people: list)
    }

    /// Every ordered pair of a case: (scorer allows it, scheduler schedules it).
    static func verdicts(_ c: Case) throws -> [(senior: Applicant, junior: Applicant, allowed: Bool, scheduled: Bool)] {
        var pool = Pool(applicants: c.people, firstMonth: c.firstMonth)
        pool.blackoutDays = c.blackouts
        let scorer = try Scorer(pool: pool, config: c.config)
        var out: [(Applicant, Applicant, Bool, Bool)] = []
        for s in pool.applicants.indices {
            for j in pool.applicants.indices where s != j {
                let rule = scorer.rule(senior: s, junior: j)
                #expect(rule == nil || rule == .noCommonTime, "unexpected rule \(String(describing: rule))")
                let pair = PairToSchedule(senior: pool.applicants[s], junior: pool.applicants[j])
                let result = Scheduler.schedule([pair], firstMonth: c.firstMonth, config: c.config, blackouts: c.blackouts,
                                                commitments: [])
                out.append((pool.applicants[s], pool.applicants[j], rule == nil, !result.scheduled.isEmpty))
            }
        }
        return out
    }

    /// Hours from 05:00 to 23:00: clock changes happen outside everyone's hours, so the rule is exact.
    @Test(arguments: 0..<6)
    func ruleIsTheSchedulersRule(seed: Int) throws {
        let c = Self.randomCase(seed: UInt64(100 + seed), earliest: 5, latest: 23, people: 22)
        let verdicts = try Self.verdicts(c)
        var allowed = 0
        for v in verdicts {
            if v.allowed { allowed += 1 }
            #expect(v.allowed == v.scheduled, """
                seed \(seed): scorer \(v.allowed ? "allows" : "forbids") \(v.senior.timeZone) \(v.senior.availability) with \
                \(v.junior.timeZone) \(v.junior.availability), the scheduler \(v.scheduled ? "schedules" : "does not schedule") it \
                (step \(c.config.sessions.startStepMinutes), \(c.config.sessions.durationMinutes) min, weeks \(c.config.sessions.weeks), \
                from \(c.firstMonth))
                """)
        }
        // Both answers occur, or the comparison says little.
        #expect(allowed > 0 && allowed < verdicts.count)
    }

    /// Hours at any time of day, clock changes included: the rule may be stricter than the scheduler
    /// (a session across a clock change counts as not fitting) but never allows a pair it cannot place.
    @Test(arguments: 0..<4)
    func ruleNeverAllowsAPairTheSchedulerCannotPlace(seed: Int) throws {
        let c = Self.randomCase(seed: UInt64(200 + seed), earliest: 0, latest: 24, people: 22)
        let verdicts = try Self.verdicts(c)
        var agreeing = 0
        for v in verdicts {
            if v.allowed == v.scheduled { agreeing += 1 }
            #expect(!v.allowed || v.scheduled, """
                seed \(seed): scorer allows \(v.senior.timeZone) \(v.senior.availability) with \
                \(v.junior.timeZone) \(v.junior.availability), but the scheduler cannot place it
                """)
        }
        #expect(agreeing * 100 >= verdicts.count * 95, "the rule disagrees with the scheduler on over 5% of pairs")
    }
}
