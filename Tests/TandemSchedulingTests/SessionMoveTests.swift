import Foundation
import TandemModel
import Testing
@testable import TandemScheduling

/// The rules of `tandem move`, with real zone data: each rule refuses what it should and nothing else.
struct SessionMoveTests {
    /// The UTC instant of a wall-clock time in a zone (which must exist once).
    static func instant(_ date: String, _ time: String, _ zone: String) -> Int64 {
        let p = time.split(separator: ":").map { Int($0)! }
        guard case .instant(let utc)? = TypedLocalTime.read(date: LocalDate(iso: date)!, minute: p[0] * 60 + p[1], zone: zone) else {
            fatalError("\(date) \(time) is not one instant in \(zone)")
        }
        return utc
    }

    static func partner(_ name: String, _ zone: String) -> SessionPartner {
        SessionPartner(name: name, email: "\(name.lowercased())@example.org", key: "\(name.lowercased())@example.org", timeZone: zone)
    }

    static func session(_ number: Int, at start: Int64, senior: String = "Europe/London", junior: String = "America/New_York") -> ScheduledSession {
        ScheduledSession(uid: "s\(number)", sequence: 0, number: number, count: 6, title: "Two-way discussion", agenda: "", prepare: "",
                         lead: nil, start: start, end: start + 3600, timeZone: senior, senior: partner("Ann", senior),
                         junior: partner("Sam", junior), location: "Online", pattern: "", schemeName: "Scheme")
    }

    /// Ann in London (Tuesdays 18:00–20:00) and Sam in New York (Tuesdays 13:00–14:00): the same hour while
    /// both are on winter time or both on summer time, no hour in the weeks between 14 and 28 March 2027,
    /// when New York has moved its clocks and London has not.
    static func londonNewYork(blackouts: [LocalDate: String] = [:], busy: [SessionMoveRules.Busy] = []) -> SessionMoveRules {
        let day = 86_400 as Int64
        let current = session(3, at: instant("2027-03-02", "18:00", "Europe/London"))
        return SessionMoveRules(
            session: current,
            senior: .init(name: "Ann", timeZone: "Europe/London", hours: [WeeklyWindow(weekday: 2, startMinute: 18 * 60, endMinute: 20 * 60)]),
            junior: .init(name: "Sam", timeZone: "America/New_York", hours: [WeeklyWindow(weekday: 2, startMinute: 13 * 60, endMinute: 14 * 60)]),
            previous: session(2, at: instant("2027-02-02", "18:00", "Europe/London")),
            next: session(4, at: instant("2027-04-06", "18:00", "Europe/London")),
            busy: busy, blackouts: blackouts, notBefore: Int64(LocalDate(iso: "2027-02-10")!.daysSinceEpoch) * day + day)
    }

    @Test func londonAndNewYorkShareTheHourExceptInTheMarchWeeksBetweenTheirClockChanges() {
        let rules = Self.londonNewYork()
        #expect(rules.problems(at: Self.instant("2027-03-09", "18:00", "Europe/London")).isEmpty)
        let gap = rules.problems(at: Self.instant("2027-03-16", "18:00", "Europe/London"))
        #expect(gap.count == 1 && gap[0].contains("outside Sam's hours") && gap[0].contains("14:00–15:00 (America/New_York)"), "\(gap)")
        #expect(!rules.problems(at: Self.instant("2027-03-16", "17:00", "Europe/London")).isEmpty, "outside Ann's hours")
        #expect(rules.problems(at: Self.instant("2027-03-30", "18:00", "Europe/London")).isEmpty)
        // The free times skip the gap weeks: only 9 March and 30 March are left at 18:00 London.
        let free = rules.nextFree(count: 5, stepMinutes: 30)
        #expect(free == [Self.instant("2027-02-16", "18:00", "Europe/London"), Self.instant("2027-02-23", "18:00", "Europe/London"),
                         Self.instant("2027-03-09", "18:00", "Europe/London"), Self.instant("2027-03-30", "18:00", "Europe/London")],
                "\(free.map { SessionMoveRules.when($0, $0 + 3600, "Europe/London") })")
    }

    @Test func aKolkataPartnerAtHalfAnHoursOffset() {
        var rules = Self.londonNewYork()
        rules.senior.hours = [WeeklyWindow(weekday: 2, startMinute: 12 * 60, endMinute: 14 * 60)]
        rules.junior = .init(name: "Priya", timeZone: "Asia/Kolkata", hours: [WeeklyWindow(weekday: 2, startMinute: 17 * 60 + 30, endMinute: 18 * 60 + 30)])
        // 12:00 London in winter is 17:30 in Kolkata: inside; 12:30 would end at 19:00 there.
        #expect(rules.problems(at: Self.instant("2027-03-09", "12:00", "Europe/London")).isEmpty)
        #expect(rules.problems(at: Self.instant("2027-03-09", "12:30", "Europe/London")).first?.contains("18:00–19:00 (Asia/Kolkata) is outside Priya's hours") == true)
        // After 28 March London is on summer time: 12:00 London is 16:30 in Kolkata, outside.
        #expect(rules.problems(at: Self.instant("2027-03-30", "12:00", "Europe/London")).first?.contains("16:30–17:30 (Asia/Kolkata)") == true)
    }

    @Test func holidaysOverlapsOrderAndNoticeAreEachRefusedByName() {
        let tuesday = Self.instant("2027-03-09", "18:00", "Europe/London")
        let holiday = Self.londonNewYork(blackouts: [LocalDate(iso: "2027-03-09")!: "Closure day"])
        #expect(holiday.problems(at: tuesday) == ["2027-03-09 is Closure day for Ann (Europe/London); sessions keep clear of it",
                                                 "2027-03-09 is Closure day for Sam (America/New_York); sessions keep clear of it"])
        let busy = Self.londonNewYork(busy: [.init(start: tuesday + 1800, end: tuesday + 5400, what: "session 1 of 6 of Ann and Bea")])
        #expect(busy.problems(at: tuesday).first?.hasPrefix("it overlaps session 1 of 6 of Ann and Bea") == true)
        #expect(busy.problems(at: tuesday - 3600).count == 2, "outside hours, but touching the other session is no overlap")
        let rules = Self.londonNewYork()
        #expect(rules.problems(at: Self.instant("2027-02-02", "18:00", "Europe/London")).contains { $0.contains("before session 2") })
        #expect(rules.problems(at: Self.instant("2027-04-06", "18:00", "Europe/London")).contains { $0.contains("after session 4") })
        #expect(rules.problems(at: Self.instant("2027-02-09", "18:00", "Europe/London")).contains { $0.contains("not after today") })
    }

    @Test func theFreeTimesAreTheNearestThatKeepEveryRule() {
        var rules = Self.londonNewYork()
        rules.junior.timeZone = "Europe/London"
        rules.junior.hours = [WeeklyWindow(weekday: 2, startMinute: 17 * 60, endMinute: 21 * 60), WeeklyWindow(weekday: 4, startMinute: 9 * 60, endMinute: 12 * 60)]
        let free = rules.nextFree(count: 4, stepMinutes: 30)
        #expect(free.count == 4 && free == free.sorted())
        // Brute force on a 15-minute grid over the whole span: no allowed time on the 30-minute grid is nearer than the farthest listed.
        let farthest = free.map { abs($0 - rules.session.start) }.max()!
        var t = rules.notBefore
        while t < rules.next!.start {
            if t % 1800 == 0, t != rules.session.start, rules.problems(at: t).isEmpty, !free.contains(t) {
                #expect(abs(t - rules.session.start) >= farthest, "\(SessionMoveRules.when(t, t + 3600, "Europe/London")) is nearer")
            }
            t += 900
        }
        for start in free { #expect(rules.problems(at: start).isEmpty) }
    }

    @Test func typedTimesThatDoNotExistOrHappenTwiceAreNamed() {
        func read(_ date: String, _ minute: Int, _ zone: String) -> TypedLocalTime? {
            TypedLocalTime.read(date: LocalDate(iso: date)!, minute: minute, zone: zone)
        }
        #expect(read("2027-03-28", 90, "Europe/London") == .doesNotExist)
        #expect(read("2027-10-31", 90, "Europe/London") == .happensTwice)
        #expect(read("2027-03-14", 150, "America/New_York") == .doesNotExist)
        #expect(read("2027-11-07", 90, "America/New_York") == .happensTwice)
        #expect(read("2027-03-28", 90, "Asia/Kolkata") == .instant(Self.instant("2027-03-27", "20:00", "UTC")))
        #expect(read("2027-03-28", 90, "Mars/Olympus") == nil)
    }
}
