import Foundation
import Testing

/// `cancel-session`, `held` and `missed` through the built binary: what they record, what they write,
/// and every refusal leaving the scheme folder as it was.
@Suite(.serialized) struct SessionCommandsTests {
    typealias CLI = CommandLineTests
    typealias Sandbox = SandboxTests

    @Test func oneSessionIsCancelledHeldOrMissedAndEverythingElseStands() throws {
        let folder = try Sandbox.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pairs = try String(contentsOf: folder.appendingPathComponent("reports/2027-01/pairs.csv"), encoding: .utf8)
        let first = pairs.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n")[1].split(separator: ",").map(String.init)
        let (senior, junior) = (first[0], first[2])
        let ledger = ["--ledger", "ledger.sqlite"]
        func session(_ verb: String, _ number: Int, _ more: [String] = [], today: String) -> [String] {
            [verb, senior, junior, "--session", "\(number)"] + more + ledger + ["--today", today]
        }
        let explainBefore = try Sandbox.run(["explain", junior, "--month", "2027-01"] + ledger, in: folder)

        // Refused, nothing changed: an unknown pair, a session out of range, a past session, a future outcome.
        let refusals: [([String], String)] = [
            (["cancel-session", senior, "nobody@example.org", "--session", "3", "--reason", "x", "--today", "2027-01-20"] + ledger, "no pair with senior"),
            (session("cancel-session", 9, ["--reason", "x"], today: "2027-01-20"), "there is no session 9"),
            (session("cancel-session", 1, ["--reason", "x"], today: "2027-02-20"), "a past session is recorded with tandem held or tandem missed"),
            (session("held", 4, today: "2027-02-20"), "record it as held on or after its day"),
            (session("missed", 0, today: "2027-02-20"), "--session is a session's number, from 1"),
        ]
        for (arguments, says) in refusals {
            let result = try Sandbox.expectOnly([], status: arguments.contains("0") ? 64 : 1, arguments, in: folder)
            #expect(result.err.contains(says), "\(arguments): \(result.err)")
        }

        // Session 3 cancelled: a CANCEL for that one event, SEQUENCE 1, in a new folder; the ledger and a backup change.
        let cancel = try Sandbox.expectOnly(["reports/changes", "ledger.sqlite", "backups"], status: 0,
                                            session("cancel-session", 3, ["--reason", "on leave"], today: "2027-01-20"), in: folder)
        #expect(cancel.out.contains("Cancelled session 3 of 6") && cancel.out.contains("the other sessions stand"), "\(cancel.out)")
        let files = CLI.files(under: folder.appendingPathComponent("reports/changes"))
        let mine = try #require(files.first { $0.key.hasSuffix("/" + junior + ".ics") }, "\(files.keys.sorted())")
        let text = String(decoding: mine.value, as: UTF8.self)
        #expect(text.contains("METHOD:CANCEL") && text.contains("STATUS:CANCELLED") && text.contains("SEQUENCE:1"))
        #expect(text.components(separatedBy: "BEGIN:VEVENT").count == 2, "one event only")
        let again = try Sandbox.expectOnly([], status: 1, session("cancel-session", 3, ["--reason", "x"], today: "2027-01-21"), in: folder)
        #expect(again.err.contains("session 3 is already cancelled (on leave)"))
        #expect(try Sandbox.expectOnly([], status: 1, session("held", 3, today: "2027-04-01"), in: folder).err.contains("was cancelled"))

        // Held and missed, and a change of mind; history and status show them.
        try Sandbox.expectOnly(["ledger.sqlite", "backups"], status: 0, session("held", 1, today: "2027-01-20"), in: folder)
        let missed = try Sandbox.expectOnly(["ledger.sqlite", "backups"], status: 0, session("missed", 2, ["--reason", "ill"], today: "2027-02-20"), in: folder)
        #expect(missed.out.hasSuffix(": missed\n"), "\(missed.out)")
        let history = try Sandbox.run(["history", junior] + ledger, in: folder).out
        #expect(history.contains("Getting to know each other — held (recorded)"), "\(history)")
        #expect(history.contains("Setting objectives — missed (recorded): ill"))
        #expect(history.contains("Two-way discussion — cancelled: on leave [SEQUENCE 1]"))
        // On 20 April: 1 held, 2 missed, 3 cancelled, 4 (6 April) past with nothing recorded counts as held.
        let status = try Sandbox.run(["status", "--today", "2027-04-20"] + ledger, in: folder).out
        #expect(status.contains("\(junior)> — since 2027-01, 2 of 6 sessions held"), "\(status)")
        let changed = try Sandbox.expectOnly(["ledger.sqlite", "backups"], status: 0, session("held", 2, today: "2027-04-20"), in: folder)
        #expect(changed.out.contains("held (it had been recorded as missed)"))

        // Explain of January tells January as it was run.
        let explainAfter = try Sandbox.run(["explain", junior, "--month", "2027-01"] + ledger, in: folder)
        #expect(explainAfter.out == explainBefore.out && !explainAfter.err.contains("differently"), "\(explainAfter.err)")
    }

    /// Each run writes, under its `cpd/`, the record of everyone whose pair completed or ended in the
    /// month before; a re-run writes the same bytes.
    @Test func aRunWritesTheCPDRecordsOfPairsThatFinished() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = ["--ledger", "l.sqlite"]
        func run(_ month: String) throws -> [String: Data] {
            let result = try CLI.tandem(["run", CLI.sample, "--month", month, "--out", month] + ledger, in: folder)
            try #require(result.status == 0, "\(result.err)")
            return CLI.files(under: folder.appendingPathComponent(month)).filter { $0.key.hasPrefix("cpd/") }
        }
        #expect(try run("2026-12").isEmpty, "nothing finished before the first month")
        let end = try CLI.tandem(["end-pair", "anand.krishnan@nhs.net", "agnieszka.nowak@nhs.net", "--reason", "moved away",
                                  "--today", "2027-02-10"] + ledger, in: folder)
        #expect(end.status == 0, "\(end.err)")
        let march = try run("2027-03")
        #expect(Set(march.keys) == ["cpd/cpd-agnieszka.nowak@nhs.net.html", "cpd/cpd-agnieszka.nowak@nhs.net.csv",
                                    "cpd/cpd-anand.krishnan@nhs.net.html", "cpd/cpd-anand.krishnan@nhs.net.csv"], "\(march.keys.sorted())")
        let page = String(decoding: march["cpd/cpd-agnieszka.nowak@nhs.net.html"] ?? Data(), as: UTF8.self)
        #expect(page.contains("Pair: ended early on 2027-02-10 (moved away)"), "\(page)")
        // June: the pairs whose sixth session was in May; every person once, the same bytes when run again.
        let june = try run("2027-06")
        let pairs = try String(contentsOf: folder.appendingPathComponent("2026-12/pairs.csv"), encoding: .utf8)
            .replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let finished = Set(pairs.filter { !($0[0] == "anand.krishnan@nhs.net" && $0[2] == "agnieszka.nowak@nhs.net") }.flatMap { [$0[0], $0[2]] })
        let written = Set(june.keys.filter { $0.hasSuffix(".csv") }), expected = Set(finished.map { "cpd/cpd-\($0.lowercased()).csv" })
        #expect(written == expected, "extra \(written.subtracting(expected).sorted()), missing \(expected.subtracting(written).sorted())")
        #expect(try run("2027-06") == june)
    }
}

extension SessionCommandsTests {
    /// `tandem move`: refusals change nothing; `--next-free` changes nothing; a move writes one update
    /// per calendar that an independent parser applies over the first calendar (same UID, higher
    /// SEQUENCE): the moved session at its new time, the other five where they were.
    @Test func aSessionMovesWithAnUpdateThatReplacesOnlyThatEvent() throws {
        let folder = try Sandbox.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pairs = try String(contentsOf: folder.appendingPathComponent("reports/2027-01/pairs.csv"), encoding: .utf8)
        let first = pairs.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n")[1].split(separator: ",").map(String.init)
        let (senior, junior) = (first[0], first[2])
        let ledger = ["--ledger", "ledger.sqlite", "--today", "2027-01-20"]
        func move(_ number: Int, _ more: [String]) -> [String] { ["move", senior, junior, "--session", "\(number)"] + more + ledger }
        let explainBefore = try Sandbox.run(["explain", junior, "--month", "2027-01", "--ledger", "ledger.sqlite"], in: folder)

        let refusals: [([String], Int32, String)] = [
            (move(3, []), 64, "give either --to"),
            (move(3, ["--to", "2027-03-09 25:00"]), 64, "--to must look like"),
            (move(3, ["--to", "2027-03-28 01:30"]), 1, "does not exist in Europe/London"),
            (move(3, ["--to", "2027-10-31 01:30", "--zone", "Europe/London"]), 1, "happens twice in Europe/London"),
            (move(3, ["--to", "2027-03-09 12:00", "--zone", "Mars/Olympus"]), 1, "not a time zone Tandem knows"),
            (move(3, ["--to", "2027-03-09 03:00"]), 1, "is outside"),
            (move(3, ["--to", "2027-01-19 12:00"]), 1, "not after today"),
            (move(9, ["--to", "2027-03-09 12:00"]), 1, "there is no session 9"),
        ]
        for (arguments, status, says) in refusals {
            let result = try Sandbox.expectOnly([], status: status, arguments, in: folder)
            #expect(result.err.contains(says), "\(arguments): \(result.err)")
        }
        let free = try Sandbox.expectOnly([], status: 0, move(3, ["--next-free"]), in: folder)
        let choice = try #require(free.out.split(separator: "\n").first { $0.hasPrefix("  --to \"") }, "\(free.out)")
        let to = String(choice.dropFirst(8).prefix(16))

        let moved = try Sandbox.expectOnly(["reports/changes", "ledger.sqlite", "backups"], status: 0,
                                           move(3, ["--to", to, "--reason", "on leave"]), in: folder)
        #expect(moved.out.contains("Moved session 3 of 6") && moved.out.contains("the other sessions stand"), "\(moved.out)")
        let again = try Sandbox.expectOnly([], status: 1, move(3, ["--to", to]), in: folder)
        #expect(again.err.contains("already at that time"))

        let update = try #require(CLI.files(under: folder.appendingPathComponent("reports/changes")).first { $0.key.hasSuffix("/updates/" + junior + ".ics") })
        let updatePath = folder.appendingPathComponent("reports/changes/" + update.key).path
        let originalPath = folder.appendingPathComponent("reports/2027-01/calendars/\(junior).ics").path
        // As a client applies an update: each UID keeps its highest SEQUENCE.
        let script = """
            import sys, icalendar
            events = {}
            for path in sys.argv[1:]:
                cal = icalendar.Calendar.from_ical(open(path, 'rb').read())
                for e in cal.walk('VEVENT'):
                    uid, seq = str(e['UID']), int(e.get('SEQUENCE', 0))
                    if uid not in events or events[uid][0] < seq:
                        events[uid] = (seq, e.decoded('DTSTART').strftime('%Y-%m-%d %H:%M'), str(e['SUMMARY']))
            print(len(open(sys.argv[2]).read().split('BEGIN:VEVENT')) - 1)
            for uid, (seq, start, summary) in sorted(events.items(), key=lambda x: x[1][1]):
                print(seq, start, summary.split(':')[0])
            """
        let parsed = try #require(try HostileInputTests.python(script, [originalPath, updatePath]), "python3 is missing")
        #expect(parsed.status == 0, "\(parsed.out)")
        let lines = parsed.out.split(separator: "\n").map(String.init)
        let history = try Sandbox.run(["history", junior, "--ledger", "ledger.sqlite"], in: folder).out
        let mine = history.split(separator: "\n").filter { $0.contains("/6 20") && !$0.contains("moved on") }
        #expect(lines.first == "1", "the update holds the moved event only")
        let expected = mine.map { line -> String in
            let parts = line.split(separator: " ")
            let number = parts[0].split(separator: "/")[0]
            return "\(number == "3" ? 1 : 0) \(parts[1]) \(parts[2]) Mentoring \(number)/6"
        }
        #expect(Array(lines.dropFirst()) == expected, "\(parsed.out)\n\(history)")
        #expect(expected.contains("1 \(to) Mentoring 3/6"))
        #expect(history.contains("moved on 2027-01-20 from ") && history.contains(": on leave"), "\(history)")
        let status = try Sandbox.run(["status", "--ledger", "ledger.sqlite", "--today", "2027-01-20"], in: folder).out
        #expect(status.contains("\(junior)> — since 2027-01, 1 of 6 sessions held (1 moved)"), "\(status)")
        let explainAfter = try Sandbox.run(["explain", junior, "--month", "2027-01", "--ledger", "ledger.sqlite"], in: folder)
        #expect(explainAfter.out == explainBefore.out)
    }
}

extension SessionCommandsTests {
    /// `tandem objectives --csv`: every line checked first; one bad line and nothing is recorded; a good
    /// file records every pair's objectives, which history (and so the CPD record) shows.
    @Test func objectivesFromACSVAreRecordedWholeOrNotAtAll() throws {
        let folder = try Sandbox.sandbox()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pairs = try String(contentsOf: folder.appendingPathComponent("reports/2027-01/pairs.csv"), encoding: .utf8)
            .replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let (a, b) = (pairs[0], pairs[1])
        let ledger = ["--ledger", "ledger.sqlite", "--today", "2027-01-20"]
        let files: [(String, String, [String])] = [
            ("empty.csv", "", ["empty.csv:1: error: the file is empty"]),
            ("header.csv", "senior,junior,notes\n", ["header.csv:1:1: error: the header line needs the columns senior,junior,objectives; objectives is missing"]),
            ("bad.csv", "senior;junior;objectives\n\(a[0]);\(a[2]);\"ok; fine\"\nnot-an-address;\(b[2]);x\n\(b[0]);\(b[2]);\n\(a[0]);\(a[2]);again\n",
             ["bad.csv:3:senior: error: 'not-an-address' is not an e-mail address", "bad.csv:4:objectives: error: no objectives given",
              "bad.csv:5:senior: error: the pair is also on line 2"]),
            ("unknown.csv", "senior,junior,objectives\n\(a[0]),\(a[2]),fine\n\(a[0]),nobody@example.org,x\n",
             ["unknown.csv:3: no pair with senior '\(a[0])' and junior 'nobody@example.org'"]),
        ]
        for (name, text, says) in files {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
            let result = try Sandbox.expectOnly([], status: 1, ["objectives", "--csv", name] + ledger, in: folder)
            for line in says { #expect(result.err.contains(line), "\(name): \(result.err)") }
        }
        let good = "\u{FEFF}Senior,Junior,Objectives\r\n\(a[0]),\(a[2]),\"Learn 3D capture,\r\nthen teach it\"\r\n\(b[0]),\(b[2]),Write a paper\r\n"
        try Data(good.utf8).write(to: folder.appendingPathComponent("good.csv"))
        let recorded = try Sandbox.expectOnly(["ledger.sqlite", "backups"], status: 0, ["objectives", "--csv", "good.csv"] + ledger, in: folder)
        #expect(recorded.out.contains("Recorded the objectives of 2 pairs"))
        let history = try Sandbox.run(["history", a[2], "--ledger", "ledger.sqlite"], in: folder).out
        #expect(history.contains("objectives: Learn 3D capture,\nthen teach it"), "\(history)")
        #expect(try Sandbox.run(["history", b[2], "--ledger", "ledger.sqlite"], in: folder).out.contains("objectives: Write a paper"))
        let both = try Sandbox.expectOnly([], status: 64, ["objectives", a[0], a[2], "--csv", "good.csv"] + ledger, in: folder)
        #expect(both.err.contains("not both"))
    }
}
