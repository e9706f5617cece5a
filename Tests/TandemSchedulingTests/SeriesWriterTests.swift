import Foundation
import TandemModel
import TandemTestSupport
import Testing
@testable import TandemCalendar
@testable import TandemScheduling

/// A proposed pair's REQUEST series, read by Python's icalendar and expanded by recurring-ical-events
/// (independent of our writer): six occurrences at the sessions' times, each with its own title, one
/// UID, the organizer and both partners asked to answer.
struct SeriesWriterTests {
    static let ready: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import icalendar, recurring_ical_events"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Six sessions on `dates` (YYYY-MM-DD) at `time` in `zone`, with `pattern` as their words.
    static func sessions(_ dates: [String], _ time: String, zone: String = "Europe/London", pattern: String) -> [ScheduledSession] {
        let titles = SessionConfig.defaultPlan.map(\.title)
        return dates.enumerated().map { k, date in
            var s = SessionMoveTests.session(k + 1, at: SessionMoveTests.instant(date, time, zone), senior: zone, junior: "America/New_York")
            s.uid = "tandem-aaaa-bbbb-202701-s\(k + 1)@mentoring.example.org"
            s.title = titles[k % titles.count]
            s.pattern = pattern
            return s
        }
    }

    static let invitation = SeriesWriter.Invitation(organizerName: "Scheme coordinator", organizerEmail: "coordinator@mentoring.example.org",
                                                    deadline: LocalDate(year: 2026, month: 12, day: 30), status: "TENTATIVE", sequence: 0)

    /// Runs the check script over a written series; returns its lines.
    static func expand(_ bytes: [UInt8]) throws -> [String] {
        let script = """
            import sys, icalendar, recurring_ical_events, datetime
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            print('METHOD', cal['METHOD'])
            events = cal.walk('VEVENT')
            print('UIDS', len({str(e['UID']) for e in events}))
            master = [e for e in events if 'RECURRENCE-ID' not in e][0]
            print('RULE', master.get('RRULE').to_ical().decode() if master.get('RRULE') else 'none')
            print('ORGANIZER', master['ORGANIZER'])
            for a in master.get('ATTENDEE'):
                print('ATTENDEE', a, a.params['PARTSTAT'], a.params.get('RSVP', '-'))
            print('STATUS', master['STATUS'])
            for e in recurring_ical_events.of(cal).between(datetime.date(2026, 12, 1), datetime.date(2027, 8, 1)):
                start = e.decoded('DTSTART')
                print('OCCURRENCE', start.strftime('%Y-%m-%d %H:%M %Z'), str(e['SUMMARY']).split(':')[0])
            """
        return try run(script, on: bytes)
    }

    /// Runs a Python `script` on the calendar `bytes` (written to a file, its path the script's argument); its output lines.
    static func run(_ script: String, on bytes: [UInt8]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("series-\(UUID().uuidString).ics")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(bytes).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readAllRetryingOnSignals()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test(.enabled(if: SeriesWriterTests.ready, "needs python3 with icalendar and recurring-ical-events; .ci/run installs them"))
    func aSeriesExpandsToTheSixSessionsAcrossTheClockChange() throws {
        let sessions = Self.sessions(["2027-01-12", "2027-02-09", "2027-03-09", "2027-04-13", "2027-05-11", "2027-06-08"], "18:00",
                                     pattern: "second Tuesday, 18:00–19:00 Europe/London")
        let lines = try Self.expand(SeriesWriter.request(sessions, config: SchemeConfig(), stamp: 0, invitation: Self.invitation))
        #expect(lines.contains("METHOD REQUEST") && lines.contains("UIDS 1") && lines.contains("STATUS TENTATIVE"), "\(lines)")
        #expect(lines.contains("RULE FREQ=MONTHLY;COUNT=6;BYDAY=2TU") || lines.contains("RULE FREQ=MONTHLY;BYDAY=2TU;COUNT=6"), "\(lines)")
        #expect(lines.contains("ORGANIZER mailto:coordinator@mentoring.example.org"))
        #expect(lines.filter { $0.hasPrefix("ATTENDEE") && $0.hasSuffix("NEEDS-ACTION TRUE") }.count == 2, "\(lines)")
        let occurrences = lines.filter { $0.hasPrefix("OCCURRENCE") }
        #expect(occurrences == ["OCCURRENCE 2027-01-12 18:00 GMT Mentoring 1/6", "OCCURRENCE 2027-02-09 18:00 GMT Mentoring 2/6",
                                "OCCURRENCE 2027-03-09 18:00 GMT Mentoring 3/6", "OCCURRENCE 2027-04-13 18:00 BST Mentoring 4/6",
                                "OCCURRENCE 2027-05-11 18:00 BST Mentoring 5/6", "OCCURRENCE 2027-06-08 18:00 BST Mentoring 6/6"], "\(lines)")
    }

    @Test(.enabled(if: SeriesWriterTests.ready, "needs python3 with icalendar and recurring-ical-events; .ci/run installs them"))
    func theLastWeekdayAndDatesWithNoRuleAreSeriesToo() throws {
        let last = Self.sessions(["2027-01-29", "2027-02-26", "2027-03-26", "2027-04-30", "2027-05-28", "2027-06-25"], "09:00",
                                 pattern: "last Friday, 09:00–10:00 Europe/London")
        let lastLines = try Self.expand(SeriesWriter.request(last, config: SchemeConfig(), stamp: 0, invitation: Self.invitation))
        #expect(lastLines.contains { $0.hasPrefix("RULE") && $0.contains("BYDAY=-1FR") }, "\(lastLines)")
        #expect(lastLines.filter { $0.hasPrefix("OCCURRENCE") }.count == 6, "\(lastLines)")
        // A session moved off the rule: the dates are listed (RDATE), still one series of six.
        var moved = last
        moved[2] = moved[2].moved(toStart: SessionMoveTests.instant("2027-03-24", "09:00", "Europe/London"))
        let movedLines = try Self.expand(SeriesWriter.request(moved, config: SchemeConfig(), stamp: 0, invitation: Self.invitation))
        #expect(movedLines.contains("RULE none"), "\(movedLines)")
        let occurrences = movedLines.filter { $0.hasPrefix("OCCURRENCE") }
        #expect(occurrences.count == 6 && occurrences.contains("OCCURRENCE 2027-03-24 09:00 GMT Mentoring 3/6"), "\(movedLines)")
    }

    /// Components of a calendar as the independent parser reads them: METHOD, then per VEVENT its UID,
    /// SEQUENCE, STATUS, RECURRENCE-ID and DTSTART (local, with zone).
    static func components(_ bytes: [UInt8]) throws -> [String] {
        let script = """
            import sys, icalendar
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            print('METHOD', cal['METHOD'])
            for e in cal.walk('VEVENT'):
                rid = e.decoded('RECURRENCE-ID').strftime('%Y-%m-%d %H:%M') if 'RECURRENCE-ID' in e else '-'
                parts = sorted(a.params['PARTSTAT'] for a in e.get('ATTENDEE'))
                print('EVENT', e['SEQUENCE'], e['STATUS'], rid, e.decoded('DTSTART').strftime('%Y-%m-%d %H:%M %Z'), ','.join(parts))
            """
        return try run(script, on: bytes)
    }

    /// The confirmation (CONFIRMED, ACCEPTED, SEQUENCE raised), a moved session as an override of its
    /// first time (the rule kept), the whole series cancelled as one component, and the sessions left
    /// of a pair ended part-way cancelled by RECURRENCE-ID.
    @Test(.enabled(if: SeriesWriterTests.ready, "needs python3 with icalendar and recurring-ical-events; .ci/run installs them"))
    func confirmationsMovesAndCancellationsKeepTheSeries() throws {
        var sessions = Self.sessions(["2027-01-12", "2027-02-09", "2027-03-09", "2027-04-13", "2027-05-11", "2027-06-08"], "18:00",
                                     pattern: "second Tuesday, 18:00–19:00 Europe/London")
        let originals = [sessions[3].uid: sessions[3].start]
        sessions[3] = sessions[3].moved(toStart: SessionMoveTests.instant("2027-04-15", "17:00", "Europe/London"))
        let config = SchemeConfig()
        let confirmed = SeriesWriter.invitation(sessions, config: config, deadline: nil, confirmed: true, raise: 1)
        let request = SeriesWriter.request(sessions, config: config, stamp: 0, invitation: confirmed, originals: originals)
        let lines = try Self.expand(request)
        #expect(lines.contains("RULE FREQ=MONTHLY;COUNT=6;BYDAY=2TU") || lines.contains("RULE FREQ=MONTHLY;BYDAY=2TU;COUNT=6"), "\(lines)")
        #expect(lines.contains("STATUS CONFIRMED") && lines.filter { $0.hasPrefix("ATTENDEE") && $0.contains("ACCEPTED") }.count == 2, "\(lines)")
        let occurrences = lines.filter { $0.hasPrefix("OCCURRENCE") }
        #expect(occurrences.count == 6 && occurrences.contains("OCCURRENCE 2027-04-15 17:00 BST Mentoring 4/6"), "\(lines)")
        let events = try Self.components(request)
        #expect(events.contains("EVENT 2 CONFIRMED 2027-04-13 18:00 2027-04-15 17:00 BST ACCEPTED,ACCEPTED"), "\(events)")
        #expect(events.filter { $0.hasPrefix("EVENT 2 CONFIRMED") }.count == 7, "the master and six overrides one above the highest SEQUENCE: \(events)")

        let lone = try Self.components(SeriesWriter.overrideRequest(sessions[3], original: originals[sessions[3].uid]!, config: config, stamp: 0,
                                                                    invitation: confirmed))
        #expect(lone == ["METHOD REQUEST", "EVENT 2 CONFIRMED 2027-04-13 18:00 2027-04-15 17:00 BST ACCEPTED,ACCEPTED"], "\(lone)")

        let whole = try Self.components(SeriesWriter.cancel(sessions, config: config, stamp: 0, invitation: confirmed, originals: originals))
        #expect(whole.count == 2 && whole[0] == "METHOD CANCEL" && whole[1].hasPrefix("EVENT 2 CANCELLED - 2027-01-12 18:00"), "\(whole)")
        let rest = try Self.components(SeriesWriter.cancel(Array(sessions.suffix(3)), config: config, stamp: 0, invitation: confirmed,
                                                           originals: originals))
        #expect(rest.count == 4 && rest.contains { $0.hasPrefix("EVENT 2 CANCELLED 2027-04-13 18:00 2027-04-15 17:00") }
                && rest.contains { $0.hasPrefix("EVENT 2 CANCELLED 2027-06-08 18:00 2027-06-08 18:00") }, "\(rest)")
    }
}
