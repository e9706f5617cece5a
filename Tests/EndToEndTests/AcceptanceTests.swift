import Foundation
import GRDB
import Testing

/// `[acceptance]`: a run's pairs are proposals; accept, decline and the deadline decide them.
@Suite(.serialized) struct AcceptanceTests {
    typealias CLI = CommandLineTests

    static func pairs(_ file: URL) throws -> [[String]] {
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "\u{FEFF}", with: "")
            .split(separator: "\r\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    }

    /// Month 1 proposes; one pair accepted, one declined, the rest unanswered; month 2, after the deadline,
    /// dissolves the declined and expired ones and pairs their people again (never with each other), leaves
    /// the accepted pair alone, and no senior has more pairs and proposals than places.
    @Test func proposalsAreAcceptedDeclinedOrExpire() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("a.csv").path)
        try Data("[acceptance]\nrequired = \"senior\"\nreply_days = 10\n[mail]\nsendmail = \"/bin/cat\"\n".utf8)
            .write(to: folder.appendingPathComponent("s.toml"))
        let common = ["--ledger", "l.sqlite", "--config", "s.toml"]
        let january = try CLI.tandem(["run", "a.csv", "--month", "2027-01", "--out", "jan", "--today", "2026-12-15", "--email-drafts"] + common,
                                     in: folder)
        try #require(january.status == 0, "\(january.err)")
        let proposed = try Self.pairs(folder.appendingPathComponent("jan/pairs.csv"))
        // One REQUEST per pair, which both partners get (calendar file, outbox, distribution); no per-person calendars.
        let janFiles = CLI.files(under: folder.appendingPathComponent("jan"))
        let requests = janFiles.filter { $0.key.hasPrefix("calendars/pairs/") }
        #expect(requests.count == proposed.count && requests.values.allSatisfy { String(decoding: $0, as: UTF8.self).contains("METHOD:REQUEST\r\n") })
        #expect(janFiles.keys.filter { $0.hasPrefix("calendars/") && !$0.hasPrefix("calendars/pairs/") } == ["calendars/coordinator.ics"])
        let outbox = janFiles.filter { $0.key.hasPrefix("outbox/") }
        #expect(outbox.count == 2 * proposed.count
                && outbox.values.allSatisfy { String(decoding: $0, as: UTF8.self).contains("text/calendar; method=REQUEST") })
        let drafts = janFiles.filter { $0.key.hasPrefix("emails/") }
        #expect(drafts.count == 2 * proposed.count
                && drafts.values.allSatisfy { String(decoding: $0, as: UTF8.self).contains("Content-Type: text/calendar; method=REQUEST;") },
                "the drafts carry the request as RFC 6047 says")
        let distribution = String(decoding: janFiles["distribution.csv"] ?? Data(), as: UTF8.self)
        #expect(distribution.contains(",calendars/pairs/") && distribution.components(separatedBy: ",calendars/pairs/").count == 2 * proposed.count + 1)
        let (accepted, declined) = (proposed[0], proposed[1])
        let status = try CLI.tandem(["status", "--today", "2026-12-20"] + common, in: folder).out
        #expect(status.contains("Proposals waiting for an answer: \(proposed.count)") && status.contains("5 days left (deadline 2026-12-25)"), "\(status)")

        let accept = try CLI.tandem(["accept", accepted[0], accepted[2], "--today", "2026-12-16"] + common, in: folder)
        #expect(accept.out.contains("the pair now stands") && accept.out.contains("2 messages queued"), "\(accept.out) \(accept.err)")
        let confirmations = CLI.files(under: folder.appendingPathComponent("reports/changes")).filter { $0.key.contains("calendars/confirmations/pairs/") }
        #expect(confirmations.count == 1 && confirmations.values.allSatisfy {
            let text = String(decoding: $0, as: UTF8.self)
            return text.contains("METHOD:REQUEST") && text.contains("STATUS:CONFIRMED") && text.contains("SEQUENCE:1\r\n") && !text.contains("TENTATIVE")
        }, "\(confirmations.keys)")
        // A session of the accepted series moved, another cancelled: the series' UID with that session's RECURRENCE-ID,
        // a REQUEST override and a CANCEL, each a version above the confirmation.
        let free = try CLI.tandem(["move", accepted[0], accepted[2], "--session", "3", "--next-free", "--today", "2026-12-16"] + common, in: folder)
        let to = try #require(free.out.split(separator: "\n").first { $0.hasPrefix("  --to \"") }.map { String($0.dropFirst(8).prefix(16)) },
                              "\(free.out)\(free.err)")
        let moved = try CLI.tandem(["move", accepted[0], accepted[2], "--session", "3", "--to", to, "--today", "2026-12-16"] + common, in: folder)
        #expect(moved.status == 0 && moved.out.contains("2 messages queued"), "\(moved.out)\(moved.err)")
        let cancelled = try CLI.tandem(["cancel-session", accepted[0], accepted[2], "--session", "4", "--reason", "leave", "--today", "2026-12-16"]
                                       + common, in: folder)
        #expect(cancelled.status == 0, "\(cancelled.err)")
        let changed = CLI.files(under: folder.appendingPathComponent("reports/changes"))
        let series = try #require(confirmations.values.first.map { String(decoding: $0, as: UTF8.self) })
        let seriesUID = try #require(series.components(separatedBy: "\r\n").first { $0.hasPrefix("UID:") })
        for (folderName, method) in [("updates", "REQUEST"), ("cancellations", "CANCEL")] {
            let files = changed.filter { $0.key.contains("/calendars/\(folderName)/pairs/") }
            #expect(files.count == 1, "\(changed.keys.sorted())")
            let text = String(decoding: files.values.first ?? Data(), as: UTF8.self)
            #expect(text.contains("METHOD:\(method)\r\n") && text.contains(seriesUID + "\r\n") && text.contains("RECURRENCE-ID;TZID=")
                    && text.contains("SEQUENCE:2\r\n") && text.components(separatedBy: "BEGIN:VEVENT").count == 2, "\(text)")
        }
        #expect(changed.filter { $0.key.contains("/outbox/") }.values.allSatisfy { data in
            let text = String(decoding: data, as: UTF8.self)
            return !text.contains("text/calendar; method=PUBLISH")
        }, "a series pair's changes are never sent as PUBLISH")

        let decline = try CLI.tandem(["decline", declined[0], declined[2], "--reason", "too busy", "--today", "2026-12-16"] + common, in: folder)
        #expect(decline.status == 0 && decline.out.contains("dissolved (declined by") && decline.out.contains("2 messages queued"),
                "\(decline.out) \(decline.err)")
        // The whole series cancelled at once: one component, its UID, no RECURRENCE-ID, SEQUENCE 1.
        let cancellations = CLI.files(under: folder.appendingPathComponent("reports/changes"))
            .filter { $0.key.contains("-declined-") && $0.key.contains("calendars/cancellations/pairs/") }
        #expect(cancellations.count == 1 && cancellations.values.allSatisfy {
            let text = String(decoding: $0, as: UTF8.self)
            return text.contains("METHOD:CANCEL") && text.components(separatedBy: "BEGIN:VEVENT").count == 2 && !text.contains("RECURRENCE-ID")
                && text.contains("SEQUENCE:1\r\n") && text.contains("-series@")
        }, "\(cancellations.keys.sorted())")
        let again = try CLI.tandem(["decline", declined[0], declined[2], "--reason", "x", "--ledger", "l.sqlite"], in: folder)
        #expect(again.status == 1 && again.err.contains("no open proposal"))

        let february = try CLI.tandem(["run", "a.csv", "--month", "2027-02", "--out", "feb", "--today", "2027-01-20"] + common, in: folder)
        try #require(february.status == 0, "\(february.err)")
        #expect(february.out.contains("Dissolved \(proposed.count - 2) proposals with no answer by the deadline"), "\(february.out)")
        // Each expired series cancelled as a whole, once per pair; no per-person PUBLISH-style cancellations.
        let expiredCalendars = CLI.files(under: folder.appendingPathComponent("reports/changes")).filter { $0.key.contains("-expired-proposals/calendars/") }
        let expiredFiles = Array(expiredCalendars.keys)
        #expect(expiredFiles.count == proposed.count - 2 && expiredFiles.allSatisfy { $0.contains("/calendars/cancellations/pairs/") },
                "\(expiredFiles.sorted())")
        // Whole even when some of its dates had passed by the deadline: a proposal never accepted held no session.
        let partial = expiredCalendars.filter { String(decoding: $0.value, as: UTF8.self).contains("RECURRENCE-ID") }.keys.sorted()
        #expect(partial.isEmpty, "expired series cancelled session by session: \(partial.prefix(3))")
        let heldByExpired = try DatabaseQueue(path: folder.appendingPathComponent("l.sqlite").path).read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM sessions s JOIN proposals x ON x.pair_key = s.pair_key
                WHERE x.state IN ('expired', 'declined') AND s.status = 'scheduled'
                """)
        }
        #expect(heldByExpired == 0, "sessions of dissolved proposals still scheduled in the ledger")
        // The reports: the proposals decided since January's run, and January's acceptance rate (1 of those decided).
        let summary = try String(contentsOf: folder.appendingPathComponent("feb/summary.md"), encoding: .utf8)
        let expired = proposed.count - 2
        for expected in ["## Proposals (the mentor accepts)", "- Declined since the last run: 1\n", "declined by ",
                         "- Expired since the last run: \(expired)\n", "no answer by 2026-12-25",
                         "| 2027-01 | \(proposed.count) | 1 | 1 | \(expired) | 0 | \(Int((100.0 / Double(proposed.count - 0)).rounded())) % |"] {
            #expect(summary.contains(expected), "\(expected)\n\(summary)")
        }
        let page = try String(contentsOf: folder.appendingPathComponent("feb/report.html"), encoding: .utf8)
        #expect(page.contains("id=\"acceptance-rate\"") && page.contains("<tr data-month=\"2027-01\"><th scope=\"row\">2027-01</th><td>\(proposed.count)</td><td>1</td>"))
        let explain = try CLI.tandem(["explain", declined[2], "--month", "2027-02", "--ledger", "l.sqlite"], in: folder)
        #expect(explain.out.contains("proposed, then declined by ") && explain.out.contains("too busy") && explain.out.contains("waiting again"),
                "\(explain.out)\(explain.err)")
        let made = try Self.pairs(folder.appendingPathComponent("feb/pairs.csv"))
        let keys = Set(made.map { $0[0] + "|" + $0[2] })
        #expect(!keys.contains(declined[0] + "|" + declined[2]), "the declined pair is never proposed again")
        #expect(!keys.contains(accepted[0] + "|" + accepted[2]) && !made.contains { $0[2] == accepted[2] }, "the accepted pair stands")
        #expect(made.contains { $0[2] == declined[2] }, "the declined junior is paired again, with someone else")
        let expiredAgain = proposed.dropFirst(2).filter { keys.contains($0[0] + "|" + $0[2]) }
        #expect(expiredAgain.isEmpty, "expired pairs are never proposed again: \(expiredAgain)")
        // Proposals that expired in January held no session: nothing for anyone's CPD record.
        let cpd = CLI.files(under: folder.appendingPathComponent("feb")).keys.filter { $0.hasPrefix("cpd/") }
        let records = cpd.count
        #expect(records == 0, "CPD records of pairs that never met: \(cpd.sorted().prefix(4))")

        // Capacity counting proposals: no senior has more open pairs than places.
        let over = try DatabaseQueue(path: folder.appendingPathComponent("l.sqlite").path).read { db in
            try String.fetchAll(db, sql: """
                SELECT p.senior_key FROM pairs p JOIN applicants a ON a.email_key = p.senior_key
                WHERE p.status != 'ended' GROUP BY p.senior_key HAVING COUNT(*) > json_extract(MAX(a.answers), '$.capacity')
                """)
        }
        #expect(over.isEmpty, "over capacity: \(over)")

        // Month 3, after February's deadline: February's unanswered proposals go, the accepted January pair still runs.
        let march = try CLI.tandem(["run", "a.csv", "--month", "2027-03", "--out", "mar", "--today", "2027-02-20"] + common, in: folder)
        try #require(march.status == 0, "\(march.err)")
        #expect(march.out.contains("Dissolved \(made.count) proposals with no answer by the deadline"), "\(march.out)")
        let standing = try DatabaseQueue(path: folder.appendingPathComponent("l.sqlite").path).read { db in
            try String.fetchOne(db, sql: "SELECT status FROM pairs WHERE key = ?", arguments: [accepted[0].lowercased() + "|" + accepted[2].lowercased()])
        }
        #expect(standing == "active", "the accepted pair runs on")

        // Forgetting the accepted pair's junior cancels what is left of its series by RECURRENCE-ID, as end-pair would.
        let forget = try CLI.tandem(["forget", accepted[2], "--reason", "asked", "--today", "2027-02-21"] + common, in: folder)
        #expect(forget.status == 0, "\(forget.err)")
        let forgotten = CLI.files(under: folder.appendingPathComponent("reports/changes")).filter { $0.key.contains("-forget/calendars/") }
        #expect(forgotten.count == 1 && forgotten.allSatisfy { $0.key.contains("/calendars/cancellations/pairs/") } && forgotten.values.allSatisfy {
            let text = String(decoding: $0, as: UTF8.self)
            return text.contains("METHOD:CANCEL") && text.contains(seriesUID + "\r\n") && text.contains("RECURRENCE-ID;TZID=")
        }, "\(forgotten.keys.sorted())")

        // Every calendar written — REQUESTs, the confirmation, the override, the cancellations — read by Python's icalendar.
        let script = """
            import sys, os, icalendar
            bad, count = [], 0
            for root, _, names in os.walk(sys.argv[1]):
                for name in names:
                    if not name.endswith('.ics'): continue
                    path = os.path.join(root, name)
                    try:
                        cal = icalendar.Calendar.from_ical(open(path, 'rb').read())
                        events = cal.walk('VEVENT')
                        method = str(cal.get('METHOD'))
                        assert events and method in ('PUBLISH', 'REQUEST', 'CANCEL'), 'no events or method ' + method
                        if method != 'PUBLISH':
                            assert all('ORGANIZER' in e and e.get('ATTENDEE') for e in events), 'an iTIP event without organizer or attendees'
                            assert len({str(e['UID']) for e in events}) == 1, 'more than one UID in an iTIP message'
                        count += 1
                    except Exception as error:
                        bad.append(path + ': ' + str(error))
            print(count, 'calendars;', len(bad), 'unreadable')
            print('\\n'.join(bad[:5]))
            """
        let parsed = try #require(try HostileInputTests.python(script, [folder.path]), "python3 is missing")
        #expect(parsed.status == 0 && parsed.out.contains(" calendars; 0 unreadable")
                && (Int(parsed.out.prefix { $0.isNumber }) ?? 0) > 3 * proposed.count, "\(parsed.out)")
    }

    /// Without `[acceptance]`, or with `required = "none"`, a run writes the same files as before.
    @Test func requiredNoneChangesNothing() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("[acceptance]\nrequired = \"none\"\n".utf8).write(to: folder.appendingPathComponent("none.toml"))
        for (out, extra) in [("plain", [String]()), ("none", ["--config", "none.toml"])] {
            let run = try CLI.tandem(["run", CLI.sample, "--month", "2027-01", "--out", out, "--ledger", out + ".sqlite"] + extra, in: folder)
            try #require(run.status == 0, "\(run.err)")
        }
        let plain = CLI.files(under: folder.appendingPathComponent("plain")), none = CLI.files(under: folder.appendingPathComponent("none"))
        #expect(plain.keys.sorted() == none.keys.sorted())
        let differ = plain.keys.filter { plain[$0] != none[$0] && !$0.hasSuffix(".tandem-output") && $0 != "timings.md" }
        #expect(differ.isEmpty, "\(differ.sorted())")
        let bad = try CLI.tandem(["run", CLI.sample, "--month", "2027-01", "--out", "bad", "--ledger", "bad.sqlite", "--config", "bad.toml"], in: {
            try? Data("[acceptance]\nrequired = \"mentor\"\n".utf8).write(to: folder.appendingPathComponent("bad.toml"))
            return folder
        }())
        #expect(bad.status == 1 && bad.err.contains("acceptance.required: 'mentor' is not one of senior"), "\(bad.err)")
    }
}
