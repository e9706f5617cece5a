import Foundation
import Testing
import TandemModel
@testable import TandemScheduling
@testable import TandemCalendar

/// Zones the reader now accepts beyond Foundation's list — renamed ones (Asia/Kolkata, Europe/Kyiv)
/// and a bare offset as Foundation stores it (GMT+0100) — are scheduled and get a VTIMEZONE.
@Suite struct RenamedZoneCalendarTests {
    @Test func renamedAndFixedZonesAreScheduledWithTheirOwnVTIMEZONE() throws {
        // Kolkata 18:00–20:00 is 12:30–14:30 UTC: Kyiv 14:30–16:30 in winter, 15:30–17:30 in summer.
        let kolkata = Fixtures.person("priya@example.in", zone: "Asia/Kolkata", windows: [Fixtures.window(1, "18:00", "20:00")],
                                      role: .senior)
        let kyiv = Fixtures.person("olena@example.ua", zone: "Europe/Kyiv", windows: [Fixtures.window(1, "14:00", "17:00"),
                                                                                        Fixtures.window(3, "10:00", "12:00")],
                                   role: .senior)
        let kolkataJunior = Fixtures.person("arjun@example.in", zone: "Asia/Kolkata", windows: [Fixtures.window(3, "12:00", "16:00")])
        let kyivJunior = Fixtures.person("taras@example.ua", zone: "Europe/Kyiv", windows: [Fixtures.window(1, "14:00", "17:00")])
        let offset = Fixtures.person("max@example.de", zone: "GMT+0100", windows: [Fixtures.window(5, "09:00", "12:00")], role: .senior)
        let london = Fixtures.person("lu@example.org", windows: [Fixtures.window(5, "09:00", "12:00")])
        let pairs = [PairToSchedule(senior: kolkata, junior: kyivJunior), PairToSchedule(senior: kyiv, junior: kolkataJunior),
                     PairToSchedule(senior: offset, junior: london)]
        // January to June 2027: Kyiv and London change their clocks on 28 March.
        let result = Scheduler.schedule(pairs, firstMonth: YearMonth(year: 2027, month: 1), config: SchemeConfig(),
                                        blackouts: [], commitments: [])
        #expect(result.unscheduled.isEmpty, "\(result.unscheduled.map(\.explanation))")
        #expect(result.scheduled.count == 3)
        for schedule in result.scheduled {
            for session in schedule.sessions {
                #expect(Fixtures.inside(schedule.pair.senior, session.start, session.end))
                #expect(Fixtures.inside(schedule.pair.junior, session.start, session.end))
            }
        }

        let files = CalendarWriter.files(for: result, config: SchemeConfig(), stamp: CalendarTests.stamp)
        #expect(!files.isEmpty)
        var offsetsByZone: [String: Set<String>] = [:]
        for file in files {
            let lines = ICS.lines(file.contents)
            let used = Set(lines.filter { $0.name == "DTSTART" && $0.parameters.hasPrefix(";TZID=") }
                .map { String($0.parameters.dropFirst(";TZID=".count)) })
            let defined = lines.filter { $0.name == "TZID" }.map(\.value)
            #expect(Set(defined) == used, "\(file.path)")
            #expect(defined.count == used.count, "\(file.path): a VTIMEZONE written twice")
            var zone: String?
            for line in lines {
                if line.name == "TZID" { zone = line.value }
                if line.name == "END" && line.value == "VTIMEZONE" { zone = nil }
                if line.name == "TZOFFSETTO", let zone { offsetsByZone[zone, default: []].insert(line.value) }
            }
        }
        #expect(offsetsByZone["Asia/Kolkata"] == ["+0530"])
        #expect(offsetsByZone["Europe/Kyiv"] == ["+0200", "+0300"])
        #expect(offsetsByZone["GMT+0100"] == ["+0100"])
    }
}
