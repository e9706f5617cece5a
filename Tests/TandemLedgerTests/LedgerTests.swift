import Foundation
import Testing
@testable import TandemLedger
import TandemModel
import TandemPipeline
import TandemScheduling

@Suite("Ledger")
struct LedgerTests {
    @Test("SHA-256 matches the FIPS 180-4 examples")
    func sha256() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million 'a' (FIPS 180-4), fed in uneven pieces, equals the one-shot digest.
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(million) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var hasher = SHA256.Hasher()
        var offset = 0
        for size in [1, 63, 64, 65, 127, 1000, 998_680] {
            hasher.update(Array(million[offset..<offset + size]))
            offset += size
        }
        #expect(offset == million.count)
        #expect(hasher.finalize() == SHA256.digest(million))
    }

    @Test("A session's stored JSON is byte for byte what JSONEncoder with sorted keys writes")
    func sessionJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Every control character, the characters JSON escapes, and multi-byte ones.
        var nasty = ""
        for c in 0..<0x20 { nasty.unicodeScalars.append(Unicode.Scalar(UInt8(c))) }
        nasty += " \"/\\\u{7F}\u{85}\u{2028}é—😀<>&'"
        var random = SystemRandomNumberGenerator()
        func text() -> String {
            String((0..<Int.random(in: 0...40, using: &random)).map { _ in nasty.randomElement(using: &random)! })
        }
        func partner() -> SessionPartner {
            SessionPartner(name: text(), email: text(), key: text(), timeZone: text())
        }
        for k in 0..<300 {
            let session = ScheduledSession(
                uid: text(), sequence: Int.random(in: 0...5, using: &random), number: k % 6 + 1, count: 6, title: text(),
                agenda: text(), prepare: text(), lead: [nil, .junior, .senior][k % 3],
                start: Int64.random(in: -2_000_000_000...4_000_000_000, using: &random), end: Int64(k) * 3600,
                timeZone: text(), senior: partner(), junior: partner(), location: text(), pattern: text(), schemeName: text())
            let expected = String(decoding: try encoder.encode(session), as: UTF8.self)
            #expect(SessionJSON.encode(session) == expected)
            #expect(try JSONDecoder().decode(ScheduledSession.self, from: Data(SessionJSON.encode(session).utf8)) == session)
        }
    }

    @Test("The output fingerprint stays the function ledgers were recorded with, however the files are fed")
    func outputFingerprint() {
        let files = [
            OutputFile(path: "summary.md", text: "# Summary\n\nÄnne & Zoë — 3 pairs\n"),
            OutputFile(path: "calendars/pairs/ann--ben.ics", contents: (0..<1000).map { UInt8(($0 * 7) % 256) }),
            OutputFile(path: "calendars/ann.ics", text: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
            OutputFile(path: "empty.csv", contents: []),
            OutputFile(path: "timings.md", text: "| read | 0.1 |\n"),
        ]
        // SHA-256 over "path\ncount\n" + bytes of each file but timings.md, in path order (computed independently).
        let recorded = "28cb75e5c076d5e0cecea349922c9c6248d20b4fd7ea9bbe04eb62e050c4a09c"
        #expect(RunFingerprints(applications: [], configuration: [], outputs: files).outputs == recorded)
        var fedWhileWriting = OutputFingerprint()
        for file in OutputFiles(files.map(OutputFiles.Entry.init)) { fedWhileWriting.add(file) }
        #expect(fedWhileWriting.value == recorded)
        #expect(RunFingerprints(applications: [], configuration: [], outputs: fedWhileWriting).outputs == recorded)
    }

    @Test("An empty ledger has the schema, passes the integrity check and gives an empty history")
    func emptyLedger() throws {
        let ledger = try Ledger.inMemory()
        #expect(try ledger.integrityCheck() == "ok")
        #expect(try ledger.latestMonth() == nil)
        let snapshot = try ledger.snapshot(before: YearMonth(year: 2026, month: 8))
        #expect(snapshot.history.pairsMadeBefore.isEmpty && snapshot.history.commitments.isEmpty)
    }

    @Test("Three months from generated exports: memory, capacity, waiting, withdrawal, repeatability",
          .enabled(if: Support.hasGenerator, "needs python3 (for scripts/gen_applications.py)"))
    func threeMonths() throws {
        let folder = try Support.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = try Ledger.create(at: folder.appendingPathComponent("tandem.sqlite").path)
        let august = YearMonth(year: 2026, month: 8), september = august.adding(months: 1), october = august.adding(months: 2)

        // Month 1: 40 applications from June and July. Month 2: the same rows (repeated) plus 25 new ones.
        let month1 = try Support.generate(n: 40, seed: 11, start: "2026-06-01", days: 55)
        let month2 = Support.appendRows(month1, try Support.generate(n: 25, seed: 12, start: "2026-08-01", days: 20))

        let (out1, snap1) = try Support.runMonth(ledger, month1, month: august)
        #expect(snap1.history.pairsMadeBefore.isEmpty)
        #expect(!out1.schedule.scheduled.isEmpty)
        let (out2, snap2) = try Support.runMonth(ledger, month2, month: september)

        // Month 2 sees month 1's pairs as running, with their sessions as commitments.
        let pairs1 = Set(out1.schedule.scheduled.map(\.pair.key))
        #expect(snap2.history.pairsMadeBefore == pairs1)
        #expect(snap2.history.activePairCount == pairs1.count)
        #expect(snap2.history.activeJuniors == Set(out1.schedule.scheduled.map(\.pair.junior.email.key)))
        #expect(snap2.history.commitments.count == out1.schedule.scheduled.count * 2 * 5) // five sessions from September, two people
        for pair in out2.schedule.scheduled {
            #expect(!snap2.history.activeJuniors.contains(pair.pair.junior.email.key), "junior \(pair.pair.junior.email) paired twice")
            #expect(!pairs1.contains(pair.pair.key))
        }
        // Seniors never over capacity: running pairs plus new ones within each senior's stated capacity.
        var capacity: [String: Int] = [:]
        for a in out2.ingest.applicants { capacity[a.email.key] = a.capacity }
        var inUse = snap2.history.capacityInUse
        for pair in out2.schedule.scheduled { inUse[pair.pair.senior.email.key, default: 0] += 1 }
        for (senior, used) in inUse { #expect(used <= max(capacity[senior] ?? 3, 1), "\(senior) has \(used) juniors") }
        // Nobody double-booked: no new session overlaps a running one of the same person.
        for session in out2.schedule.allSessions {
            for c in snap2.history.commitments where c.person == session.senior.key || c.person == session.junior.key {
                #expect(!(session.start < c.end && c.start < session.end), "\(c.person) double-booked")
            }
        }
        // Waiting counts from the first response month 1 saw, not from the repeated one.
        let firstSeen1 = Dictionary(out1.ingest.applicants.map { ($0.email.key, $0.appliedOn) }, uniquingKeysWith: { a, _ in a })
        for person in out2.matching.unmatched {
            if let seen = firstSeen1[person.applicant.email.key] {
                #expect(person.applicant.appliedOn == seen)
                #expect(person.waitingDays == seen.days(until: september.firstDay))
            }
        }

        // Between months 2 and 3: a senior of a month-1 pair withdraws on 20 September.
        let leaving = try #require(out1.schedule.scheduled.first)
        let withdrawnOn = LocalDate(year: 2026, month: 9, day: 20)
        let ending = try ledger.withdraw(email: leaving.pair.senior.email.text, today: withdrawnOn, note: "moved abroad")
        #expect(ending.endedPairs.contains { $0.key == leaving.pair.key })
        #expect(!ending.cancelledSessions.isEmpty)
        #expect(ending.cancelledSessions.allSatisfy { $0.start >= withdrawnOn.startInstant })
        #expect(ending.freedPartners.contains(leaving.pair.junior.email.key))

        let (out3, snap3) = try Support.runMonth(ledger, month2, month: october)
        let seniorKey = leaving.pair.senior.email.key
        #expect(!out3.pool.applicants.contains { $0.email.key == seniorKey }, "a withdrawn person is not paired again")
        // Their old response is still in the export: the run records them as withdrawn, not as waiting.
        let told = try ledger.history(email: leaving.pair.senior.email.text)
        #expect(told.contains("  WITHDREW on 2026-09-20: moved abroad"))
        #expect(told.contains("  2026-10: withdrawn — withdrew on 2026-09-20"), "\(told)")
        #expect(!told.contains("2026-10: waiting"))
        #expect(!snap3.history.activeJuniors.contains(leaving.pair.junior.email.key), "the partner is back in the pool")
        #expect(snap3.history.pairsMadeBefore.contains(leaving.pair.key))
        let allPairs = pairs1.union(out2.schedule.scheduled.map(\.pair.key))
        #expect(snap3.history.pairsMadeBefore == allPairs)
        for pair in out3.schedule.scheduled {
            #expect(!allPairs.contains(pair.pair.key), "pair \(pair.pair.key) made twice")
            #expect(!snap3.history.activeJuniors.contains(pair.pair.junior.email.key))
        }
        // Anyone waiting three months or more is paired first: an overdue person left out had no allowed partner.
        let overdueLeft = out3.matching.unmatched.filter { $0.overdue && $0.reason.hasPrefix("allowed partners were all needed") }
        #expect(overdueLeft.isEmpty, "overdue but passed over: \(overdueLeft.map(\.applicant.email))")
        let overduePaired = out3.matching.pairs.filter { p in
            out3.pool.isOverdue(out3.pool.applicants.firstIndex { $0.email == p.junior.email }!, targetMonths: 3)
        }
        #expect(overduePaired.allSatisfy { (firstSeen1[$0.junior.email.key] ?? october.firstDay) < LocalDate(year: 2026, month: 7, day: 2) })

        // Repeatable: month 2 again is refused; month 3 again gives the same files and the same ledger facts.
        #expect(throws: LedgerError.self) { try ledger.snapshot(before: september) }
        let before = try ledger.dump().split(separator: "\n").filter { !$0.contains("revision") }
        let (again, _) = try Support.runMonth(ledger, month2, month: october)
        let after = try ledger.dump().split(separator: "\n").filter { !$0.contains("revision") }
        #expect(before == after)
        let files = { (o: RunOutput) in o.files.filter { $0.path != "timings.md" } }
        #expect(files(again) == files(out3))
        #expect(try ledger.integrityCheck() == "ok")

        // What the coordinator reads.
        let status = try ledger.status(today: LocalDate(year: 2026, month: 10, day: 15)).render()
        #expect(status.hasPrefix("Scheme status on 2026-10-15 (latest run: sessions from 2026-10)"))
        #expect(status.contains("Active pairs: \(snap3.history.activePairCount + out3.schedule.scheduled.count)"))
        #expect(status.contains("Waiting to be paired (in no running pair): "))
        #expect(status.contains("In running pairs, not looking this month: "))
        #expect(status.contains("Seniors' spare capacity: "))
        #expect(status.contains("Withdrawn: 1"))
        // Seniors' places: seniors, and "either" applicants with enough experience (marked), never juniors.
        // A high minimum (8 years) so that the generated pool has people on both sides of it.
        let minimum = 8.0
        let strict = try ledger.status(today: LocalDate(year: 2026, month: 10, day: 15), minimumSeniorYears: minimum).render()
        let seniorLines = strict.components(separatedBy: "\n").drop { !$0.hasPrefix("Seniors' spare capacity") }.dropFirst()
            .prefix { $0.hasPrefix("  ") }
        let listed = { (a: Applicant) in seniorLines.first { $0.contains("<\(a.email.text)>:") } }
        var eitherBelow = 0, eitherListed = 0
        for applicant in out3.pool.applicants where applicant.consent && applicant.capacity > 0 {
            switch applicant.role {
            case .junior:
                #expect(listed(applicant) == nil, "\(applicant.email.text) applied as a junior")
            case .either where applicant.yearsOfExperience < minimum:
                eitherBelow += 1
                #expect(listed(applicant) == nil, "\(applicant.email.text) has too few years to be a senior")
            case .either where snap3.history.activeJuniors.contains(applicant.email.key) || out3.matching.pairs.contains { $0.junior.email == applicant.email }:
                // One role at a time: a junior in a running pair is no senior's spare place.
                #expect(listed(applicant) == nil, "\(applicant.email.text) is a junior in a running pair")
            case .either:
                eitherListed += 1
                #expect(listed(applicant)?.hasSuffix("(either role)") == true, "\(applicant.email.text) is marked")
            case .senior:
                if applicant.yearsOfExperience >= minimum {
                    #expect(listed(applicant).map { !$0.hasSuffix("(either role)") } == true, "\(applicant.email.text)")
                } else {
                    #expect(listed(applicant) == nil, "\(applicant.email.text) has too few years to be a senior")
                }
            }
        }
        #expect(eitherListed > 0 && eitherBelow > 0)
        let somePair = try #require(out3.schedule.scheduled.first ?? out2.schedule.scheduled.first)
        #expect(status.contains("\(somePair.pair.senior.name) <\(somePair.pair.senior.email.text)> mentors \(somePair.pair.junior.name)"))
        if let waiting = out3.matching.unmatched.first(where: { $0.applicant.consent && $0.reason.hasPrefix("no allowed partner") }) {
            #expect(status.contains("\(waiting.applicant.name) <\(waiting.applicant.email.text)> applied \(waiting.applicant.appliedOn)"))
        }
        let history = try ledger.history(email: leaving.pair.senior.email.text)
        #expect(history.contains("WITHDREW on 2026-09-20: moved abroad"))
        #expect(history.contains("— cancelled: withdrawal of ") && history.contains(": moved abroad [SEQUENCE 1]"), "\(history)")
    }

    @Test("--force: an earlier month replaces it and every later one, and pairs ended early stay out",
          .enabled(if: Support.hasGenerator, "needs python3 (for scripts/gen_applications.py)"))
    func forceReplacesLaterMonths() throws {
        let ledger = try Ledger.inMemory()
        let july = YearMonth(year: 2026, month: 7), august = july.adding(months: 1), september = july.adding(months: 2)
        let bytes = try Support.generate(n: 30, seed: 31, start: "2026-05-01", days: 50)
        let (augustRun, _) = try Support.runMonth(ledger, bytes, month: august)
        try Support.runMonth(ledger, bytes, month: september)
        let ended = try #require(augustRun.schedule.scheduled.first)
        _ = try ledger.endPair(senior: ended.pair.senior.email.text, junior: ended.pair.junior.email.text,
                               reason: "moved abroad", today: LocalDate(year: 2026, month: 8, day: 20))
        #expect(try ledger.latestMonth() == september)

        // Without --force an earlier month is refused, and nothing changes.
        #expect(throws: LedgerError.self) { try ledger.snapshot(before: july) }
        #expect(try ledger.latestMonth() == september)

        // With it, July replaces August and September: their pairs are gone, except the one ended early,
        // which is never proposed again.
        let snapshot = try ledger.snapshot(before: july, force: true)
        #expect(snapshot.replacedMonths == [august, september])
        #expect(snapshot.history.pairsMadeBefore == [ended.pair.key])
        #expect(snapshot.history.activePairCount == 0)
        let (julyRun, _) = try Support.runMonth(ledger, bytes, month: july, force: true)
        #expect(try ledger.latestMonth() == july)
        #expect(!julyRun.matching.pairs.contains { $0.senior.email.key + "|" + $0.junior.email.key == ended.pair.key })
        // August again: July's pairs are running, so July is its history.
        let again = try ledger.snapshot(before: august)
        #expect(again.history.activePairCount == julyRun.schedule.scheduled.count)
    }

    @Test("Ending a pair early cancels its future sessions and it is never proposed again",
          .enabled(if: Support.hasGenerator, "needs python3 (for scripts/gen_applications.py)"))
    func endPair() throws {
        let ledger = try Ledger.inMemory()
        let august = YearMonth(year: 2026, month: 8)
        let bytes = try Support.generate(n: 24, seed: 21, start: "2026-06-01", days: 50)
        let (out, _) = try Support.runMonth(ledger, bytes, month: august)
        let pair = try #require(out.schedule.scheduled.first)
        let ending = try ledger.endPair(senior: pair.pair.senior.email.text, junior: pair.pair.junior.email.text,
                                        reason: "personality clash", today: LocalDate(year: 2026, month: 8, day: 10))
        let day = LocalDate(year: 2026, month: 8, day: 10).startInstant
        #expect(ending.cancelledSessions.count == pair.sessions.filter { $0.start >= day }.count)
        #expect(!ending.cancelledSessions.isEmpty)
        #expect(throws: LedgerError.self) {
            try ledger.endPair(senior: pair.pair.senior.email.text, junior: pair.pair.junior.email.text,
                               reason: "again", today: LocalDate(year: 2026, month: 8, day: 11))
        }
        let next = try ledger.snapshot(before: august.adding(months: 1))
        #expect(next.history.pairsMadeBefore.contains(pair.pair.key))
        #expect(!next.history.activeJuniors.contains(pair.pair.junior.email.key))
        // Re-running the month the pair was formed keeps it blocked.
        let (rerun, snapshot) = try Support.runMonth(ledger, bytes, month: august)
        #expect(snapshot.history.pairsMadeBefore.contains(pair.pair.key))
        #expect(!rerun.schedule.scheduled.contains { $0.pair.key == pair.pair.key })
    }
}
