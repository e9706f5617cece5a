import TandemTestSupport
import Foundation
import Testing
import TandemModel
@testable import TandemScheduling
@testable import TandemCalendar

@Suite struct CalendarTests {
    static let stamp = CalendarWriter.stamp(for: YearMonth(year: 2026, month: 9))

    /// A senior in London with two juniors (one in New York, one in Athens with a long Greek name and
    /// emoji), and a pair whose names try to inject iCalendar lines.
    static func sample() -> (ScheduleResult, [PairToSchedule]) {
        let senior = Fixtures.person("Sam.Senior@Example.org", name: "Sam Senior; \"The Boss\", \\ esq.",
                                     windows: [Fixtures.window(2, "14:00", "17:00"), Fixtures.window(2, "18:00", "20:00"),
                                               Fixtures.window(4, "18:00", "20:00")], role: .senior, capacity: 2,
                                     meeting: .inPerson, region: "London")
        let newYork = Fixtures.person("jo@example.com", name: "Jo Newyork", zone: "America/New_York",
                                      windows: [Fixtures.window(2, "12:00", "14:00"), Fixtures.window(4, "12:00", "17:00")])
        let greek = Fixtures.person("eleni@example.gr",
                                    name: "Ελένη Παπαδοπούλου-Καραγιαννοπούλου 🌍🧑🏽‍💻 Αικατερίνη Θεοδωροπούλου 🎉",
                                    zone: "Europe/Athens", windows: [Fixtures.window(4, "20:00", "22:00")],
                                    meeting: .inPerson, region: "London")
        let injector = Fixtures.person("ann@example.org", name: "Ann\r\nATTENDEE:mailto:x@y", windows: [Fixtures.window(1, "09:00", "12:00")],
                                       role: .senior)
        let other = Fixtures.person("x@example.org", name: "X\nBEGIN:VEVENT\nSUMMARY:pwned", windows: [Fixtures.window(1, "09:00", "12:00")])
        let pairs = [PairToSchedule(senior: senior, junior: newYork), PairToSchedule(senior: senior, junior: greek),
                     PairToSchedule(senior: injector, junior: other)]
        var config = SchemeConfig()
        config.scheme.name = "Scheme, with; odd \\ chars"
        return (Scheduler.schedule(pairs, firstMonth: YearMonth(year: 2027, month: 1), config: config, blackouts: [],
                                   commitments: []), pairs)
    }

    static func config() -> SchemeConfig {
        var config = SchemeConfig()
        config.scheme.name = "Scheme, with; odd \\ chars"
        return config
    }

    @Test func filesAreWhereTheyShouldBeWithTheRightEvents() throws {
        let (result, _) = Self.sample()
        #expect(result.scheduled.count == 3)
        let files = CalendarWriter.files(for: result, config: Self.config(), stamp: Self.stamp)
        #expect(files.map(\.path) == [
            "calendars/ann@example.org.ics", "calendars/coordinator.ics", "calendars/eleni@example.gr.ics",
            "calendars/jo@example.com.ics", "calendars/pairs/ann@example.org--x@example.org.ics",
            "calendars/pairs/sam.senior@example.org--eleni@example.gr.ics",
            "calendars/pairs/sam.senior@example.org--jo@example.com.ics", "calendars/sam.senior@example.org.ics",
            "calendars/x@example.org.ics",
        ])
        func events(_ path: String) -> [ParsedLine] {
            ICS.lines(files.first { $0.path == path }!.contents).filter { $0.name == "BEGIN" && $0.value == "VEVENT" }
        }
        #expect(events("calendars/sam.senior@example.org.ics").count == 12)
        #expect(events("calendars/coordinator.ics").count == 18)
        #expect(events("calendars/jo@example.com.ics").count == 6)
        #expect(events("calendars/pairs/sam.senior@example.org--jo@example.com.ics").count == 6)

        let sam = ICS.lines(files.first { $0.path == "calendars/sam.senior@example.org.ics" }!.contents)
        let descriptions = sam.filter { $0.name == "DESCRIPTION" && !$0.value.hasPrefix("Reminder") }.map { ICS.unescape($0.value) }
        #expect(descriptions.allSatisfy { $0.contains("jo@example.com") || $0.contains("eleni@example.gr") })
        #expect(descriptions.allSatisfy { $0.contains("Sam.Senior@Example.org") && $0.contains("To prepare:") })
        #expect(descriptions.filter { $0.contains("Led by Jo Newyork (junior partner)") }.count == 2)
        #expect(descriptions.filter { $0.contains("(senior partner)") }.count == 2)
        // In person only where both prefer it and share a region (Sam and Eleni in London).
        let locations = Set(sam.filter { $0.name == "LOCATION" }.map { ICS.unescape($0.value) })
        #expect(locations == [SessionConfig().videoLink, "In person, London — place to agree with your partner"])
        // Times: the pattern is in the senior's zone, and the VTIMEZONEs are those used.
        let eventStarts = sam.filter { $0.name == "DTSTART" && !$0.parameters.isEmpty }
        #expect(eventStarts.count == 12)
        #expect(Set(eventStarts.map(\.parameters)) == [";TZID=Europe/London"])
        #expect(sam.filter { $0.name == "TZID" }.map(\.value) == ["Europe/London"])
    }

    @Test func rfc5545LinesFoldingEscapingAndNoInjection() throws {
        let (result, _) = Self.sample()
        let files = CalendarWriter.files(for: result, config: Self.config(), stamp: Self.stamp)
        for file in files {
            let bytes = file.contents
            // CRLF only: every LF preceded by CR, every CR followed by LF.
            for (i, byte) in bytes.enumerated() {
                if byte == 10 { #expect(i > 0 && bytes[i - 1] == 13) }
                if byte == 13 { #expect(i + 1 < bytes.count && bytes[i + 1] == 10) }
            }
            #expect(bytes.suffix(2) == [13, 10])
            for line in ICS.physicalLines(bytes) {
                #expect(line.count <= 75, "\(file.path): \(String(decoding: line, as: UTF8.self))")
                // Folding never splits a UTF-8 sequence: each physical line is valid UTF-8 on its own.
                #expect(String(validatingUTF8: line.map { CChar(bitPattern: $0) } + [0]) != nil, "\(file.path)")
            }
            let lines = ICS.lines(bytes)
            let names = lines.map(\.name)
            #expect(names.first == "BEGIN" && lines.first?.value == "VCALENDAR")
            for required in ["VERSION", "PRODID", "CALSCALE", "METHOD"] { #expect(names.filter { $0 == required }.count == 1) }
            #expect(lines.contains { $0.name == "METHOD" && $0.value == "PUBLISH" })
            #expect(!names.contains("ORGANIZER") && !names.contains("ATTENDEE"), "\(file.path)")
            // The injection attempts stay inside their TEXT values.
            #expect(lines.filter { $0.name == "BEGIN" && $0.value == "VEVENT" }.count
                    == lines.filter { $0.name == "END" && $0.value == "VEVENT" }.count)
            #expect(!lines.contains { $0.name == "SUMMARY" && $0.value == "pwned" })
            // Every event has UID, DTSTAMP (the given stamp), SEQUENCE, DTSTART, DTEND, and a reminder.
            var inEvent = false
            var seen: Set<String> = []
            for line in lines {
                if line.name == "BEGIN", line.value == "VEVENT" { inEvent = true; seen = [] }
                if inEvent { seen.insert(line.name) }
                if line.name == "DTSTAMP" { #expect(line.value == "20260901T000000Z") }
                if line.name == "END", line.value == "VEVENT" {
                    inEvent = false
                    #expect(seen.isSuperset(of: ["UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION"]))
                    #expect(seen.contains("TRIGGER"))
                }
            }
            #expect(lines.filter { $0.name == "TRIGGER" }.allSatisfy { $0.value == "-PT1440M" })
        }
        let ann = ICS.lines(files.first { $0.path == "calendars/ann@example.org.ics" }!.contents)
        let summary = try #require(ann.first { $0.name == "SUMMARY" })
        #expect(summary.value.contains("Ann\\nATTENDEE:mailto:x@y"))
        #expect(ICS.unescape(summary.value).contains("X\nBEGIN:VEVENT\nSUMMARY:pwned"))
        let description = try #require(ann.first { $0.name == "DESCRIPTION" })
        #expect(description.value.contains("Scheme\\, with\\; odd \\\\ chars"))
        #expect(ICS.unescape(description.value).hasPrefix("Scheme, with; odd \\ chars: session 1 of 6"))
        // Long Greek and emoji names are folded and come back intact.
        let eleni = ICS.lines(files.first { $0.path == "calendars/eleni@example.gr.ics" }!.contents)
        #expect(ICS.unescape(eleni.first { $0.name == "SUMMARY" }!.value).contains("Ελένη Παπαδοπούλου-Καραγιαννοπούλου 🌍🧑🏽‍💻"))
    }

    @Test func textEscapingAndFoldingUnits() {
        #expect(ICalText.escape("a\\b;c,d\r\ne\nf\rg\u{2028}h\u{7}i\tj\u{202E}k") == "a\\\\b\\;c\\,d\\ne\\nf\\ng\\nh" + "\u{2407}i j\u{FFFD}k")
        var out: [UInt8] = []
        ICalText.fold("SUMMARY:" + String(repeating: "é", count: 100), into: &out)
        let lines = ICS.physicalLines(out)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.count <= 75 })
        #expect(lines[0].count == 74) // "SUMMARY:" (8) + 33 × 2 bytes; a 34th would make 76
        #expect(String(decoding: lines.dropFirst().flatMap { $0.dropFirst() }, as: UTF8.self)
                + String(decoding: lines[0], as: UTF8.self) != "")
        #expect(ICalText.parameter("Coordinator, \"Chief\"\r\n") == "\"Coordinator, Chief\"")
    }

    /// Each VTIMEZONE's observances give, at every event, the offset Foundation gives.
    @Test func vtimezoneOffsetsMatchTheDatabase() throws {
        for (zone, from, to) in [("Europe/London", 1_790_000_000, 1_806_000_000), ("America/New_York", 1_790_000_000, 1_806_000_000),
                                 ("Australia/Sydney", 1_790_000_000, 1_806_000_000), ("Asia/Kolkata", 1_790_000_000, 1_806_000_000)]
            as [(String, Int64, Int64)] {
            let observances = try #require(TimeZoneComponent.observances(zone, from: from, to: to))
            let tz = TimeZone(identifier: zone)!
            // Onsets as UTC instants: local onset minus the offset before it.
            func onsetUTC(_ o: TimeZoneComponent.Observance) -> Int64 {
                let s = o.start
                func n(_ r: Range<Int>) -> Int { Int(s.dropFirst(r.lowerBound).prefix(r.count))! }
                let date = LocalDate(year: n(0..<4), month: n(4..<6), day: n(6..<8))
                return Int64(date.daysSinceEpoch) * 86_400 + Int64(n(9..<11) * 3600 + n(11..<13) * 60 + n(13..<15)) - Int64(o.offsetFrom)
            }
            #expect(onsetUTC(observances[0]) <= from)
            for t in stride(from: from, through: to, by: 3 * 3600) {
                let current = observances.last { onsetUTC($0) <= t }!
                #expect(current.offsetTo == tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))), "\(zone) at \(t)")
            }
            if zone == "Asia/Kolkata" { #expect(observances.count == 1 && observances[0].offsetTo == 19_800) }
            if zone != "Asia/Kolkata" { #expect(observances.count >= 2) }
            for (a, b) in zip(observances, observances.dropFirst()) { #expect(b.offsetFrom == a.offsetTo) }
        }
        #expect(ICalTime.offset(19_800) == "+0530" && ICalTime.offset(-18_000) == "-0500" && ICalTime.offset(0) == "+0000")
    }

    @Test func rerunsAreByteIdenticalAndUIDsStable() {
        let (a, _) = Self.sample()
        let (b, _) = Self.sample()
        let filesA = CalendarWriter.files(for: a, config: Self.config(), stamp: Self.stamp)
        let filesB = CalendarWriter.files(for: b, config: Self.config(), stamp: Self.stamp)
        #expect(filesA == filesB)
        let uids = a.allSessions.map(\.uid)
        #expect(Set(uids).count == 18)
        #expect(uids.allSatisfy { $0.hasSuffix("@mentoring.example.org") && !$0.contains("example.com") && !$0.contains("sam") })
        #expect(Distribution.files(for: a, config: Self.config(), stamp: Self.stamp, drafts: true)
                == Distribution.files(for: b, config: Self.config(), stamp: Self.stamp, drafts: true))
    }

    @Test func updatesAndCancellationsKeepUIDsAndRaiseSequence() throws {
        let (result, _) = Self.sample()
        let schedule = result.scheduled.first { $0.pair.junior.email.key == "jo@example.com" }!
        let stored = schedule.sessions[3]
        let moved = CalendarChanges.reschedule([.init(session: stored, newStart: stored.start + 7 * 86_400)],
                                               config: Self.config(), stamp: Self.stamp + 86_400)
        #expect(moved.sessions.count == 1 && moved.sessions[0].sequence == 1 && moved.sessions[0].uid == stored.uid)
        #expect(moved.files.map(\.path) == ["calendars/updates/coordinator.ics", "calendars/updates/jo@example.com.ics",
                                            "calendars/updates/pairs/sam.senior@example.org--jo@example.com.ics",
                                            "calendars/updates/sam.senior@example.org.ics"])
        for file in moved.files {
            let lines = ICS.lines(file.contents)
            #expect(lines.filter { $0.name == "UID" }.map(\.value) == [stored.uid])
            #expect(lines.contains { $0.name == "SEQUENCE" && $0.value == "1" })
            #expect(lines.contains { $0.name == "METHOD" && $0.value == "PUBLISH" })
            #expect(!lines.contains { $0.name == "ORGANIZER" || $0.name == "ATTENDEE" || $0.value == "CANCELLED" })
        }
        let ended = Array(schedule.sessions[4...])
        let cancelled = CalendarChanges.cancel(ended, config: Self.config(), stamp: Self.stamp)
        #expect(cancelled.sessions.map(\.sequence) == [1, 1])
        for file in cancelled.files {
            #expect(file.path.hasPrefix("calendars/cancellations/"))
            let lines = ICS.lines(file.contents)
            #expect(lines.filter { $0.name == "UID" }.map(\.value) == ended.map(\.uid))
            #expect(lines.contains { $0.name == "METHOD" && $0.value == "CANCEL" })
            #expect(lines.filter { $0.name == "STATUS" }.allSatisfy { $0.value == "CANCELLED" })
            #expect(lines.filter { $0.name == "ORGANIZER" }.count == 2)
            #expect(lines.first { $0.name == "ORGANIZER" }?.value == "mailto:coordinator@mentoring.example.org")
            #expect(lines.filter { $0.name == "SEQUENCE" }.allSatisfy { $0.value == "1" })
            #expect(!lines.contains { $0.name == "VALARM" || $0.name == "ATTENDEE" })
        }
        // A session survives a JSON round trip (what a ledger needs) unchanged.
        let data = try JSONEncoder().encode(stored)
        #expect(try JSONDecoder().decode(ScheduledSession.self, from: data) == stored)
    }

    @Test func distributionCSVAndDrafts() throws {
        let (result, _) = Self.sample()
        let files = Distribution.files(for: result, config: Self.config(), stamp: Self.stamp, drafts: true)
        #expect(files.filter { $0.path.hasPrefix("emails/") }.count == 5)
        let csv = try #require(files.first { $0.path == "distribution.csv" })
        let text = String(decoding: csv.contents.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("email,name,partners,attachment,subject,body\r\n"))
        #expect(text.contains("calendars/sam.senior@example.org.ics"))
        #expect(text.contains("Jo Newyork <jo@example.com>; Ελένη") || text.contains("Ελένη"))
        let draft = String(decoding: try #require(files.first { $0.path == "emails/eleni@example.gr.eml" }).contents, as: UTF8.self)
        let header = draft.components(separatedBy: "\r\n\r\n")[0]
        #expect(header.contains("X-Unsent: 1"))
        #expect(header.contains("To: =?UTF-8?B?"))
        #expect(header.contains("From: \"Scheme coordinator\" <coordinator@mentoring.example.org>"))
        #expect(header.contains("Date: Tue, 01 Sep 2026 00:00:00 +0000"))
        #expect(draft.contains("Content-Type: text/calendar; method=PUBLISH; charset=UTF-8"))
        #expect(!draft.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        // The encoded name decodes back; the attachment decodes to the participant's calendar file.
        let words = header.components(separatedBy: "=?UTF-8?B?").dropFirst().map { $0.components(separatedBy: "?=")[0] }
        let name = String(decoding: words.flatMap { Data(base64Encoded: $0)! }, as: UTF8.self)
        #expect(name == "Ελένη Παπαδοπούλου-Καραγιαννοπούλου 🌍🧑🏽‍💻 Αικατερίνη Θεοδωροπούλου 🎉")
        let parts = draft.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n")
        let attachment = parts[2].components(separatedBy: "\r\n--")[0].replacingOccurrences(of: "\r\n", with: "")
        let calendar = CalendarWriter.files(for: result, config: Self.config(), stamp: Self.stamp)
            .first { $0.path == "calendars/eleni@example.gr.ics" }!
        #expect(Array(Data(base64Encoded: attachment)!) == calendar.contents)
        // A name trying to add a header stays in the To line.
        let ann = String(decoding: files.first { $0.path == "emails/ann@example.org.eml" }!.contents, as: UTF8.self)
        #expect(!ann.contains("\r\nATTENDEE"))
        // The line break is shown as visible marks, so the name is sent as encoded words on the To line.
        let to = try #require(ann.components(separatedBy: "\r\n").first { $0.hasPrefix("To: ") })
        let toWords = to.components(separatedBy: "=?UTF-8?B?").dropFirst().map { $0.components(separatedBy: "?=")[0] }
        #expect(String(decoding: toWords.flatMap { Data(base64Encoded: $0)! }, as: UTF8.self) == "Ann\u{240D}\u{240A}ATTENDEE:mailto:x@y")
        #expect(to.hasSuffix(" <ann@example.org>"))
        #expect(Distribution.files(for: result, config: Self.config(), stamp: Self.stamp, drafts: false).map(\.path) == ["distribution.csv"])
    }

    @Test func fileNamesFromEmailsAreSafeAndDistinct() {
        let people = ["../../etc/passwd@x.org", "a+b@x.org", "a_b@x.org", "coordinator"].map {
            SessionPartner(name: "N", email: $0, key: $0, timeZone: "Europe/London")
        }
        let layout = CalendarLayout(people: people)
        let paths = people.map { layout.participantPath($0.key) }
        #expect(Set(paths).count == 4)
        #expect(paths.allSatisfy { $0.split(separator: "/").count == 2 && !$0.split(separator: "/").contains("..") })
        #expect(paths[0] == "calendars/_._.._etc_passwd@x.org.ics")
        #expect(paths[3] != "calendars/coordinator.ics")
    }

    static let pythonReady: Bool = {
        guard let url = python3() else { return false }
        let process = Process()
        process.executableURL = url
        process.arguments = ["-c", "import icalendar, zoneinfo"]
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static func python3() -> URL? {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in searchPath.split(separator: ":") {
            let path = "\(folder)/python3"
            if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        }
        return nil
    }

    /// Python's `icalendar` (independent of our writer) reads every file of a generated pool; each event's
    /// start, converted to each partner's zone, lies in that partner's windows; each file's VTIMEZONE set
    /// covers its TZIDs, and each VTIMEZONE gives the same offset as the zoneinfo database at every event.
    /// Skipped when python3 or icalendar is missing.
    @Test(.enabled(if: CalendarTests.pythonReady, "needs python3 with the icalendar package"))
    func pythonICalendarReadsEveryFile() throws {
        var pairs = Array(Fixtures.pool(applicants: 300, seed: 5))
        pairs += Self.sample().1
        let result = Scheduler.schedule(pairs, firstMonth: YearMonth(year: 2026, month: 10), config: Self.config(),
                                        blackouts: [], commitments: [])
        let files = CalendarWriter.files(for: result, config: Self.config(), stamp: Self.stamp)
        let folder = try Fixtures.temporaryFolder("python")
        defer { try? FileManager.default.removeItem(at: folder) }
        try Fixtures.write(files, to: folder)
        var expectations: [String: [[String: Any]]] = [:]
        for schedule in result.scheduled {
            let partners = [schedule.pair.senior, schedule.pair.junior].map { person -> [String: Any] in
                ["zone": person.timeZone, "windows": person.availability.map { [$0.weekday, $0.startMinute, $0.endMinute] }]
            }
            for session in schedule.sessions { expectations[session.uid] = partners }
        }
        try JSONSerialization.data(withJSONObject: expectations).write(to: folder.appendingPathComponent("expect.json"))
        let script = #"""
        import json, pathlib, re, sys
        from datetime import timedelta
        from zoneinfo import ZoneInfo
        import icalendar
        root = pathlib.Path(sys.argv[1])
        expect = json.loads((root / "expect.json").read_text())
        def inside(windows, local_start, local_end):
            wd = local_start.isoweekday()
            if local_end.date() != local_start.date() and not (local_end.hour == 0 and local_end.minute == 0):
                return False
            s = local_start.hour * 60 + local_start.minute
            e = s + int((local_end - local_start).total_seconds() // 60)
            covered = None
            for w in sorted(w for w in windows if w[0] == wd):
                if covered is None and w[1] <= s < w[2]: covered = w[2]
                elif covered is not None and w[1] <= covered: covered = max(covered, w[2])
            return covered is not None and covered >= e
        errors, events, files, control, local_lines = [], 0, 0, 0, 0
        for path in sorted(root.rglob("*.ics")):
            files += 1
            cal = icalendar.Calendar.from_ical(path.read_bytes())
            vtz = {str(c["TZID"]): c for c in cal.walk("VTIMEZONE")}
            for ev in cal.walk("VEVENT"):
                events += 1
                for prop in ("DTSTART", "DTEND"):
                    tzid = ev[prop].params.get("TZID")
                    if tzid not in vtz: errors.append(f"{path.name}: {prop} TZID {tzid} has no VTIMEZONE")
                start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
                tzid = str(ev["DTSTART"].params["TZID"])
                if start.utcoffset() != start.replace(tzinfo=ZoneInfo(tzid)).utcoffset():
                    errors.append(f"{path.name}: DTSTART offset differs from zoneinfo")
                own = vtz[tzid].to_tz()
                naive = start.replace(tzinfo=None)
                if own.utcoffset(naive) != ZoneInfo(tzid).utcoffset(naive):
                    errors.append(f"{path.name}: VTIMEZONE {tzid} gives {own.utcoffset(naive)} at {naive}")
                for partner in expect[str(ev["UID"])]:
                    zone = ZoneInfo(partner["zone"])
                    if not inside(partner["windows"], start.astimezone(zone), end.astimezone(zone)):
                        errors.append(f"{path.name}: {ev['UID']} at {start.astimezone(zone)} outside {partner['windows']}")
                    # Negative control: windows two hours later must reject most sessions.
                    shifted = [[w[0], w[1] + 120, w[2] + 120] for w in partner["windows"]]
                    if not inside(shifted, start.astimezone(zone), end.astimezone(zone)): control += 1
                if "ORGANIZER" in ev or "ATTENDEE" in ev: errors.append(f"{path.name}: organizer or attendee")
                # The description's times in each partner's zone agree with zoneinfo.
                text = str(ev.get("DESCRIPTION", ""))
                line = next((l for l in text.split("\n") if l.startswith("In each partner's time: ")), None)
                if line is not None:
                    local_lines += 1
                    parts = re.findall(r"([A-Za-z]+ \d{1,2} [A-Za-z]+ \d{4}), (\d\d:\d\d–\d\d:\d\d) for .*? \(([A-Za-z0-9_+\-/]+)\)", line)
                    if len(parts) != 2: errors.append(f"{path.name}: cannot read '{line}'")
                    for day, hours, zone_name in parts:
                        here = start.astimezone(ZoneInfo(zone_name))
                        there = end.astimezone(ZoneInfo(zone_name))
                        want = f"{here:%A} {here.day} {here:%B %Y}", f"{here:%H:%M}–{there:%H:%M}"
                        if (day, hours) != want: errors.append(f"{path.name}: '{day}, {hours}' in {zone_name} but zoneinfo says {want}")
        print(json.dumps({"files": files, "events": events, "errors": errors[:20], "errorCount": len(errors), "control": control,
                          "localLines": local_lines}))
        """#
        let process = Process()
        process.executableURL = Self.python3()
        process.arguments = ["-c", script, folder.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readAllRetryingOnSignals()
        let errorText = String(decoding: errors.fileHandleForReading.readAllRetryingOnSignals(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(errorText)")
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(errorText)")
        #expect(report["errorCount"] as? Int == 0, "\(report["errors"] ?? "")")
        #expect(report["files"] as? Int == files.count)
        #expect((report["control"] as? Int ?? 0) > (report["events"] as? Int ?? 0) / 2, "the window check must be able to fail")
        // Each event appears in the two partners' files, the pair's and the coordinator's.
        #expect(report["events"] as? Int == result.scheduled.count * 6 * 4)
        // Every event of partners in different zones gives the time in each partner's zone.
        let acrossZones = result.scheduled.flatMap(\.sessions).filter { session in
            session.senior.timeZone != session.timeZone || session.junior.timeZone != session.timeZone
        }
        #expect(!acrossZones.isEmpty)
        #expect(report["localLines"] as? Int == acrossZones.count * 4)
    }
}
