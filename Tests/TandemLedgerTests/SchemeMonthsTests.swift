import Foundation
import Testing
@testable import TandemLedger
import TandemModel
import TandemPipeline
import TandemTestSupport

/// Months of one scheme through one ledger, on cumulative exports where "either" applicants keep
/// answering: whatever the matching chose for them, nobody is in two roles at once.
@Suite("Scheme months") struct SchemeMonthsTests {
    /// Rows of responses dated before `day` (the export as downloaded that day), header kept.
    static func cut(_ export: [UInt8], before day: LocalDate) -> [UInt8] {
        let text = String(decoding: export, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        let header = lines.removeFirst()
        // The generator writes one response a line (no line breaks inside answers in these columns)…
        // …except the goals: keep a row's continuation lines with it.
        var rows: [[String]] = []
        for line in lines where !line.isEmpty {
            if line.range(of: #"^\d{4}/\d{2}/\d{2} "#, options: .regularExpression) != nil { rows.append([line]) } else { rows[rows.count - 1].append(line) }
        }
        let stamp = "\(day.year)/\(day.month < 10 ? "0" : "")\(day.month)/\(day.day < 10 ? "0" : "")\(day.day)"
        let kept = rows.filter { String($0[0].prefix(10)) < stamp }
        return Array(([header] + kept.flatMap { $0 }).joined(separator: "\n").utf8) + [10]
    }

    @Test("Five months with 'either' applicants coming back: one role at a time, within capacity, no pair twice",
          .enabled(if: Support.hasGenerator, "needs python3 (for scripts/gen_applications.py)"))
    func oneRoleAtATimeAcrossMonths() throws {
        let ledger = try Ledger.inMemory()
        let year = try Support.generate(n: 260, seed: 41, start: "2026-01-01", days: 150)
        var config = Support.config()
        config.matching.candidatesPerPerson = 5
        var roleOf: [String: [(YearMonth, String)]] = [:] // who was paired in which role, by month
        var checkedEither = Set<String>()
        var together = Set<Set<String>>() // two people paired, in either order of roles
        for step in 0..<5 {
            let month = YearMonth(year: 2026, month: 2 + step)
            let bytes = Self.cut(year, before: month.firstDay)
            let snapshot = try ledger.snapshot(before: month)
            let history = snapshot.history
            // At the month's start, running juniors and running seniors are different people.
            #expect(history.activeJuniors.isDisjoint(with: history.capacityInUse.keys), "month \(month): someone runs in both roles")
            let (out, _) = try Support.runMonth(ledger, bytes, month: month)
            for scheduled in out.schedule.scheduled {
                let senior = scheduled.pair.senior, junior = scheduled.pair.junior
                #expect(!history.activeJuniors.contains(senior.email.key),
                        "\(month): \(senior.email) becomes a senior while a junior in a running pair")
                #expect(history.capacityInUse[junior.email.key] == nil,
                        "\(month): \(junior.email) becomes a junior while a senior in a running pair")
                #expect(!history.activeJuniors.contains(junior.email.key), "\(month): \(junior.email) has two seniors")
                #expect(!history.pairsMadeBefore.contains(scheduled.pair.key), "\(month): \(scheduled.pair.key) made twice")
                #expect((history.capacityInUse[senior.email.key] ?? 0) + out.schedule.scheduled.filter { $0.pair.senior.email == senior.email }.count
                        <= senior.capacity, "\(month): \(senior.email) over capacity")
                #expect(together.insert([senior.email.key, junior.email.key]).inserted,
                        "\(month): \(senior.email) and \(junior.email) paired again (the roles swapped)")
                roleOf[senior.email.key, default: []].append((month, "senior"))
                roleOf[junior.email.key, default: []].append((month, "junior"))
                for person in [senior, junior] where person.role == .either { checkedEither.insert(person.email.key) }
            }
            // The rule is visible to the coordinator: an either applicant in a running pair is told why.
            for u in out.matching.unmatched where u.applicant.role == .either && u.standing == .inRunningPair {
                #expect(u.reason.hasPrefix("in a running pair as a"), "\(u.reason)")
            }
        }
        // The test means something only if "either" applicants were paired and came back while paired.
        #expect(checkedEither.count >= 10, "only \(checkedEither.count) either applicants were paired")
        let returning = checkedEither.filter { (roleOf[$0] ?? []).count >= 1 }
        #expect(!returning.isEmpty)
        #expect(try ledger.integrityCheck() == "ok")
    }
}

/// A pair runs in a month when its last session falls in that month in its own zone, not in UTC.
@Suite struct RunningAcrossZonesTests {
    @Test func aSessionEarlyOnTheFirstInSydneyIsInThatMonth() {
        let february = YearMonth(year: 2027, month: 2)
        let sydney = Int64(february.firstDay.daysSinceEpoch) * 86_400 - 3_600 // 23:00 UTC on 31 January = 10:00 on 1 February in Sydney
        #expect(Ledger.startsInOrAfter(february, sydney, zone: "Australia/Sydney"))
        #expect(!Ledger.startsInOrAfter(february, sydney, zone: "Europe/London"))
        #expect(!Ledger.startsInOrAfter(february, sydney - 86_400, zone: "Australia/Sydney"))
        // Late on 31 January in Los Angeles is 1 February in UTC, but still January there.
        let losAngeles = Int64(february.firstDay.daysSinceEpoch) * 86_400 + 5 * 3_600
        #expect(!Ledger.startsInOrAfter(february, losAngeles, zone: "America/Los_Angeles"))
        #expect(Ledger.startsInOrAfter(february, losAngeles + 86_400, zone: "America/Los_Angeles"))
    }
}
