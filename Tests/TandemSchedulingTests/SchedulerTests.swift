import TandemTestSupport
import Foundation
import Testing
import GLPK
import TandemModel
@testable import TandemScheduling
import TandemCalendar

@Suite struct SchedulerTests {
    /// England and Wales over the years the tests' sessions touch, from the rules `tandem run` uses.
    static func englandHolidays() -> [LocalDate: String] {
        HolidayRules.holidays(.englandAndWales, years: 2026...2029)
    }

    /// Senior in London (Tuesday afternoon and evening), junior in New York (Tuesday lunchtime only).
    /// With the usual 5-hour gap their shared hour is London 18:00–19:00; in the weeks when only the US
    /// has changed its clocks (2nd Sunday of March → last Sunday of March; last Sunday of October →
    /// 1st Sunday of November) it is 16:00–17:00. October 2027 → March 2028: the first Tuesday of
    /// November 2027 (the 2nd) and the second and third Tuesdays of March 2028 (14th, 21st) fall in
    /// such weeks, so only a pattern in the fourth week keeps every date inside both windows.
    @Test func daylightSavingBetweenLondonAndNewYork() throws {
        let senior = Fixtures.person("sam@example.org", zone: "Europe/London",
                                     windows: [Fixtures.window(2, "14:00", "17:00"), Fixtures.window(2, "18:00", "20:00")],
                                     role: .senior)
        let junior = Fixtures.person("jo@example.com", zone: "America/New_York", windows: [Fixtures.window(2, "12:00", "14:00")])
        let pair = PairToSchedule(senior: senior, junior: junior)
        let result = Scheduler.schedule([pair], firstMonth: YearMonth(year: 2027, month: 10), config: SchemeConfig(),
                                        blackouts: [], commitments: [])
        #expect(result.unscheduled.isEmpty)
        let schedule = try #require(result.scheduled.first)
        #expect(schedule.pattern.ordinal == 4)
        #expect(schedule.pattern.startMinute == 18 * 60)
        #expect(schedule.sessions.count == 6)
        for session in schedule.sessions {
            #expect(Fixtures.inside(senior, session.start, session.end), "senior: \(session.start)")
            #expect(Fixtures.inside(junior, session.start, session.end), "junior: \(session.start)")
        }
        // And the same pair across March alone still lands inside both windows every month.
        let spring = Scheduler.schedule([pair], firstMonth: YearMonth(year: 2028, month: 1), config: SchemeConfig(),
                                        blackouts: [], commitments: [])
        let springSchedule = try #require(spring.scheduled.first)
        for session in springSchedule.sessions {
            #expect(Fixtures.inside(senior, session.start, session.end))
            #expect(Fixtures.inside(junior, session.start, session.end))
        }
        let marchDate = Fixtures.localDate(springSchedule.sessions[2].start, "Europe/London")
        #expect(marchDate.month == 3 && !(12...25).contains(marchDate.day), "March session in the gap weeks: \(marchDate)")
    }

    @Test func aPairWithNoSharedHoursIsReportedNotScheduled() {
        let senior = Fixtures.person("s@example.org", windows: [Fixtures.window(1, "09:00", "12:00")], role: .senior)
        let junior = Fixtures.person("j@example.org", windows: [Fixtures.window(3, "18:00", "20:00")])
        let badZone = Fixtures.person("z@example.org", zone: "Mars/Olympus", windows: [Fixtures.window(1, "09:00", "12:00")])
        let result = Scheduler.schedule(
            [PairToSchedule(senior: senior, junior: junior), PairToSchedule(senior: senior, junior: badZone)],
            firstMonth: YearMonth(year: 2026, month: 9), config: SchemeConfig(), blackouts: [], commitments: [])
        #expect(result.scheduled.isEmpty)
        #expect(result.unscheduled.map(\.reason) == [.noCommonHours, .invalidInput])
        #expect(result.unscheduled[0].explanation.contains("Monday 09:00-12:00"))
        #expect(result.unscheduled[1].explanation.contains("Mars/Olympus"))
    }

    @Test func blackoutsAndCommitmentsAreAvoided() throws {
        let holidays = Self.englandHolidays()
        // Only Monday 09:00–10:00 in common, April → September 2026: week 1 has Easter Monday (6 April),
        // week 2 the configured 8 June, week 4 the spring bank holiday (25 May); week 3 is clear.
        let senior = Fixtures.person("s@example.org", windows: [Fixtures.window(1, "09:00", "10:00")], role: .senior)
        let junior = Fixtures.person("j@example.org", windows: [Fixtures.window(1, "09:00", "10:00")])
        let pair = PairToSchedule(senior: senior, junior: junior)
        var config = SchemeConfig()
        config.sessions.blackoutDates = ["2026-06-08"] // the second Monday of June
        let result = Scheduler.schedule([pair], firstMonth: YearMonth(year: 2026, month: 4), config: config,
                                        blackouts: Set(holidays.keys), commitments: [])
        let schedule = try #require(result.scheduled.first)
        let blocked = Set(holidays.keys).union([LocalDate(year: 2026, month: 6, day: 8)])
        for session in schedule.sessions {
            #expect(!blocked.contains(Fixtures.localDate(session.start, "Europe/London")))
        }
        // Week 1 (6 April is Easter Monday, 4 May early May) and week 2 (8 June, configured) are out.
        #expect(schedule.pattern.ordinal == 3)

        // Commitments: the junior already has the third-Monday slot every month → week 4 remains…
        let commitments = schedule.sessions.map { Commitment(person: "j@example.org", start: $0.start, end: $0.end) }
        let second = Scheduler.schedule([pair], firstMonth: YearMonth(year: 2026, month: 4), config: config,
                                        blackouts: Set(holidays.keys), commitments: commitments)
        // …but 25 May is the spring bank holiday (fourth Monday), so nothing is left.
        #expect(second.scheduled.isEmpty)
        #expect(second.unscheduled.first?.reason == .existingCommitments)

        var onlyFirstWeek = config
        onlyFirstWeek.sessions.weeks = [1]
        let third = Scheduler.schedule([pair], firstMonth: YearMonth(year: 2026, month: 4), config: onlyFirstWeek,
                                       blackouts: Set(holidays.keys), commitments: [])
        #expect(third.unscheduled.first?.reason == .blackoutDates)
    }

    @Test func aSeniorsJuniorsGetDifferentWeeksAndNeverOverlap() throws {
        let senior = Fixtures.person("s@example.org", windows: [Fixtures.window(2, "18:00", "20:00")], role: .senior, capacity: 3)
        let juniors = (1...3).map { Fixtures.person("j\($0)@example.org", windows: [Fixtures.window(2, "18:00", "20:00")]) }
        let result = Scheduler.schedule(juniors.map { PairToSchedule(senior: senior, junior: $0) },
                                        firstMonth: YearMonth(year: 2026, month: 9), config: SchemeConfig(), blackouts: [], commitments: [])
        #expect(result.scheduled.count == 3)
        #expect(result.groupsSolved == 1)
        #expect(result.allProvenOptimal)
        #expect(Set(result.scheduled.map(\.pattern.ordinal)).count == 3)
        let all = result.scheduled.flatMap(\.sessions)
        for a in all.indices { for b in all.indices where a < b { #expect(!(all[a].start < all[b].end && all[b].start < all[a].end)) } }
        // A fourth junior with the same single window still fits in week 4: capacity beyond weeks costs only spread.
        let five = (1...5).map { Fixtures.person("k\($0)@example.org", windows: [Fixtures.window(2, "18:00", "19:00")]) }
        let crowded = Scheduler.schedule(five.map { PairToSchedule(senior: senior, junior: $0) },
                                         firstMonth: YearMonth(year: 2026, month: 9), config: SchemeConfig(), blackouts: [], commitments: [])
        #expect(crowded.scheduled.count == 4)
        #expect(crowded.unscheduled.map(\.reason) == [.clashesWithOtherPairs])
    }

    @Test func sessionConfigDecodesWithDefaultsAndRejectsMistakes() throws {
        let toml = """
        [sessions]
        duration_minutes = 45
        alarm_minutes = [60, 15]
        blackout_dates = ["2026-12-24"]
        weeks = [1, 2, 3, 5]

        [[sessions.plan]]
        title = "Hello"
        agenda = "Talk"
        lead = "senior"

        [[sessions.plan]]
        title = "Goodbye"
        """
        let config = try SchemeConfig.load(toml: toml, file: "scheme.toml")
        #expect(config.sessions.durationMinutes == 45)
        #expect(config.sessions.plan.map(\.title) == ["Hello", "Goodbye"])
        #expect(config.sessions.plan[0].lead == .senior && config.sessions.plan[1].lead == nil)
        #expect(config.sessions.videoLink == SessionConfig().videoLink)
        #expect(config.sessions.blackoutLocalDates == [LocalDate(year: 2026, month: 12, day: 24)])
        #expect(SessionConfig().plan.map(\.lead) == [nil, nil, .junior, .senior, .junior, nil])
        for bad in ["[sessions]\nduration = 60\n", "[sessions]\nblackout_dates = [\"24/12/2026\"]\n",
                    "[sessions]\nweeks = [0]\n", "[[sessions.plan]]\ntitle = \"x\"\nlead = \"mentor\"\n",
                    "[[sessions.plan]]\ntitle = \"x\"\nagendas = \"y\"\n", "[sessions]\nholiday_region = \"mars\"\n"] {
            #expect(throws: ConfigError.self, "\(bad)") { try SchemeConfig.load(toml: bad, file: "s.toml") }
        }
    }

    @Test func commonHoursFollowEachZonesClockChanges() {
        let london = Fixtures.person("a@example.org", windows: [Fixtures.window(2, "18:00", "20:00")])
        let newYork = Fixtures.person("b@example.org", zone: "America/New_York", windows: [Fixtures.window(2, "12:00", "14:00")])
        // Usual 5 hours: New York 12–14 is London 17–19 → one hour shared.
        #expect(CommonHours.weeklyMinutes(london, newYork, weekOf: LocalDate(year: 2027, month: 3, day: 2)) == 60)
        // 16 March 2027: the US has changed, the UK not yet (4 hours): London 16–18 → nothing shared.
        #expect(CommonHours.weeklyMinutes(london, newYork, weekOf: LocalDate(year: 2027, month: 3, day: 16)) == 0)
        #expect(CommonHours.weeklyMinutes(london, newYork, weekOf: LocalDate(year: 2027, month: 4, day: 6)) == 60)
        let march = CommonHours(weekOf: LocalDate(year: 2027, month: 3, day: 16), zones: ["Europe/London", "America/New_York"])
        #expect(march.weeklyMinutes(london, newYork) == 0)
        #expect(march.weeklyMinutes(london, london) == 120)
    }

    /// Tiny groups, every combination enumerated: GLPK's optimum equals the brute-force optimum.
    @Test func groupOptimumMatchesBruteForce() throws {
        var rng = SeededGenerator(seed: 2026)
        var disagreements = 0, solvedWithGLPK = 0
        for trial in 0..<60 {
            let pairCount = Int.random(in: 2...4, using: &rng)
            var pairs: [GroupProblem.Pair] = []
            for p in 0..<pairCount {
                // Person 0 is the senior in every pair; some trials share a second person too.
                var people = [0, p + 1]
                if trial % 4 == 0, p == pairCount - 1 { people = [0, 1] }
                let options = (0..<Int.random(in: 1...4, using: &rng)).map { _ -> GroupProblem.Option in
                    let base = Int64(Int.random(in: 0..<6, using: &rng)) * 1800
                    let starts = (0..<3).map { Int64($0) * 2_592_000 + base }
                    return GroupProblem.Option(score: 1000 + Double(Int.random(in: 0...40, using: &rng)),
                                               ordinal: Int.random(in: 1...3, using: &rng), starts: starts,
                                               ends: starts.map { $0 + 3600 })
                }
                pairs.append(GroupProblem.Pair(people: Array(Set(people)).sorted(), options: options))
            }
            let problem = GroupProblem(pairs: pairs, personCount: pairCount + 1, spreadPenalty: 50)
            let brute = problem.bruteForce()
            let (model, variables) = problem.makeModel()
            let solution = try Solver.solve(model)
            #expect(solution.isProvenOptimal)
            let chosen = variables.map { vs in vs.firstIndex { solution.value($0) > 0.5 } }
            let value = try #require(problem.objective(of: chosen), "GLPK's choice double-books")
            if abs(value - brute.objective) > 1e-6 || abs((solution.objective ?? 0) - brute.objective) > 1e-6 { disagreements += 1 }
            let solved = problem.solve()
            #expect(abs(solved.objective - brute.objective) < 1e-6)
            if solved.method == .glpk { solvedWithGLPK += 1 }
        }
        #expect(disagreements == 0)
        #expect(solvedWithGLPK > 10, "the trials should exercise the solver, not only the shortcut")
    }

    /// ~2,000 applicants: nobody double-booked, every session inside both windows, no blackout date,
    /// and a second run gives the same UIDs.
    @Test func generatedPoolHasNoDoubleBookingAndIsDeterministic() throws {
        let pairs = Fixtures.pool(applicants: 2000, seed: 7)
        #expect(pairs.count > 900)
        let holidays = Self.englandHolidays()
        let blackouts = Set(holidays.keys)
        let first = YearMonth(year: 2026, month: 9)
        // Some people already have sessions: a few seniors are busy on second Tuesday evenings.
        var commitments: [Commitment] = []
        for pair in pairs.prefix(200) where pair.senior.email.key.hasSuffix("0@example.org") {
            for m in 0..<6 {
                let date = first.adding(months: m).day(ordinal: 2, weekday: 2)
                let start = Int64(date.daysSinceEpoch) * 86_400 + 17 * 3600
                commitments.append(Commitment(person: pair.senior.email.key, start: start, end: start + 3600))
            }
        }
        let result = Scheduler.schedule(pairs, firstMonth: first, config: SchemeConfig(), blackouts: blackouts, commitments: commitments)
        #expect(result.scheduled.count + result.unscheduled.count == pairs.count)
        #expect(Double(result.scheduled.count) > 0.9 * Double(pairs.count))
        #expect(result.allProvenOptimal)
        var byPerson: [String: [(Int64, Int64)]] = [:]
        for c in commitments { byPerson[c.person, default: []].append((c.start, c.end)) }
        let committed = Set(commitments.map(\.person))
        var insideFailures = 0, blackoutFailures = 0
        for schedule in result.scheduled {
            #expect(schedule.sessions.count == 6)
            for session in schedule.sessions {
                if !Fixtures.inside(schedule.pair.senior, session.start, session.end)
                    || !Fixtures.inside(schedule.pair.junior, session.start, session.end) { insideFailures += 1 }
                if blackouts.contains(Fixtures.localDate(session.start, schedule.pair.senior.timeZone))
                    || blackouts.contains(Fixtures.localDate(session.start, schedule.pair.junior.timeZone)) { blackoutFailures += 1 }
                byPerson[session.senior.key, default: []].append((session.start, session.end))
                byPerson[session.junior.key, default: []].append((session.start, session.end))
            }
        }
        #expect(insideFailures == 0)
        #expect(blackoutFailures == 0)
        var overlaps = 0
        for (_, list) in byPerson {
            let sorted = list.sorted { $0.0 < $1.0 }
            for i in sorted.indices.dropFirst() where sorted[i].0 < sorted[i - 1].1 { overlaps += 1 }
        }
        #expect(overlaps == 0)
        #expect(committed.count > 0)
        // Seniors with several juniors: different weeks where their hours allow.
        let multi = Dictionary(grouping: result.scheduled, by: \.pair.senior.email.key).values.filter { $0.count > 1 }
        let spread = multi.filter { Set($0.map(\.pattern.ordinal)).count == $0.count }.count
        #expect(multi.count > 50)
        #expect(Double(spread) > 0.9 * Double(multi.count))

        let again = Scheduler.schedule(pairs.reversed(), firstMonth: first, config: SchemeConfig(), blackouts: blackouts,
                                       commitments: commitments.reversed())
        #expect(again.scheduled.flatMap { $0.sessions.map(\.uid) } == result.scheduled.flatMap { $0.sessions.map(\.uid) })
        #expect(again.scheduled.map(\.pattern) == result.scheduled.map(\.pattern))
        #expect(Set(result.scheduled.flatMap { $0.sessions.map(\.uid) }).count == result.scheduled.count * 6)
        #expect(CalendarWriter.files(for: again, config: SchemeConfig(), stamp: 1_788_220_800)
                == CalendarWriter.files(for: result, config: SchemeConfig(), stamp: 1_788_220_800))
        // The same pair listed twice is scheduled once.
        let doubled = Scheduler.schedule([pairs[0], pairs[0]], firstMonth: first, config: SchemeConfig(), blackouts: [], commitments: [])
        #expect(doubled.scheduled.count + doubled.unscheduled.filter { $0.reason == .invalidInput }.count == 2)
    }

    /// Release-mode timing, run on request: `TANDEM_BENCH=1 swift test -c release --filter timing`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TANDEM_BENCH"] != nil, "a timing, on request: TANDEM_BENCH=1 swift test -c release --filter timing"))
    func timing() throws {
        for applicants in [2000, 10_000] {
            let pairs = Fixtures.pool(applicants: applicants, seed: 11)
            let clock = ContinuousClock()
            let began = clock.now
            let result = Scheduler.schedule(pairs, firstMonth: YearMonth(year: 2026, month: 9), config: SchemeConfig(),
                                            blackouts: Set(Self.englandHolidays().keys), commitments: [])
            let elapsed = clock.now - began
            let calendarsBegan = clock.now
            let files = CalendarWriter.files(for: result, config: SchemeConfig(), stamp: 1_788_220_800)
            let calendars = clock.now - calendarsBegan
            let draftsBegan = clock.now
            let drafts = Distribution.files(for: result, config: SchemeConfig(), stamp: 1_788_220_800, drafts: true)
            let distribution = clock.now - draftsBegan
            print("TIMING applicants=\(applicants) pairs=\(pairs.count) scheduled=\(result.scheduled.count) "
                + "unscheduled=\(result.unscheduled.count) glpkGroups=\(result.groupsSolved) shortcut=\(result.groupsShortcut) "
                + "glpkSeconds=\(result.solverSeconds) schedule=\(elapsed) calendars=\(calendars) (\(files.count) files, "
                + "\(files.reduce(0) { $0 + $1.contents.count }) bytes) distribution+drafts=\(distribution) (\(drafts.count) files)")
            #expect(result.allProvenOptimal)
        }
    }
}
