import Foundation
import TandemLedger
import TandemModel
import TandemScheduling
import Testing

/// `Ledger.moveSession`: what a move records, that later months book around the new time, that
/// `explain` still sees the time a month was run with, and what is refused.
@Suite(.enabled(if: Support.hasGenerator, "needs python3 (for scripts/gen_applications.py)"))
struct MoveTests {
    @Test func aMovedSessionIsBookedAroundLaterAndExplainSeesTheTimeItHadThen() throws {
        let ledger = try Ledger.inMemory()
        let august = YearMonth(year: 2026, month: 8), september = august.adding(months: 1), october = august.adding(months: 2)
        let bytes = try Support.generate(n: 40, seed: 41, start: "2026-06-01", days: 60)
        let (out, _) = try Support.runMonth(ledger, bytes, month: august)
        let pair = try #require(out.schedule.scheduled.first)
        let (senior, junior) = (pair.pair.senior.email.text, pair.pair.junior.email.text)
        let today = LocalDate(year: 2026, month: 8, day: 20), config = Support.config()
        let original = pair.sessions[3]

        let rules = try ledger.moveRules(senior: senior, junior: junior, number: 4, today: today, config: config)
        let target = try #require(rules.nextFree(count: 1, stepMinutes: 30).first, "no free time for session 4")
        let (before, after) = try ledger.moveSession(senior: senior, junior: junior, number: 4, to: target, note: "leave",
                                                     today: today, config: config)
        #expect(before == original && after.start == target && after.sequence == 1 && after.uid == original.uid)
        #expect(after.end - after.start == original.end - original.start)
        // The next month books around the new time, not the old one.
        let september1 = try ledger.snapshot(before: september).history.commitments
        for person in [pair.pair.senior.email.key, pair.pair.junior.email.key] {
            #expect(september1.contains(Commitment(person: person, start: after.start, end: after.end)))
            #expect(!september1.contains(Commitment(person: person, start: original.start, end: original.end)))
        }
        try Support.runMonth(ledger, bytes, month: september)
        let recorded = try #require(try ledger.recordedRun(september))
        let asRecorded = try ledger.snapshot(asRecorded: recorded).commitments

        // Moved again after September's run: September as recorded still has the first new time.
        let later = LocalDate(year: 2026, month: 9, day: 10)
        let again = try #require(try ledger.moveRules(senior: senior, junior: junior, number: 4, today: later, config: config)
            .nextFree(count: 3, stepMinutes: 30).first { $0 != target })
        _ = try ledger.moveSession(senior: senior, junior: junior, number: 4, to: again, note: "", today: later, config: config)
        #expect(try ledger.snapshot(asRecorded: recorded).commitments == asRecorded)
        #expect(try ledger.snapshot(before: october).history.commitments
            .contains(Commitment(person: pair.pair.senior.email.key, start: again, end: again + after.end - after.start)))
        let history = try ledger.history(email: junior)
        #expect(history.contains("moved on 2026-08-20 from \(formatInstant(original.start, zone: original.timeZone)): leave"), "\(history)")
        #expect(history.contains("moved on 2026-09-10 from \(formatInstant(target, zone: original.timeZone))"))
        #expect(history.contains("[SEQUENCE 2]"))
    }

    @Test func whatCannotMoveIsRefusedAndNothingChanges() throws {
        let ledger = try Ledger.inMemory()
        let august = YearMonth(year: 2026, month: 8)
        let bytes = try Support.generate(n: 24, seed: 43, start: "2026-06-01", days: 50)
        let (out, _) = try Support.runMonth(ledger, bytes, month: august)
        let pair = try #require(out.schedule.scheduled.first)
        let (senior, junior) = (pair.pair.senior.email.text, pair.pair.junior.email.text)
        let today = LocalDate(year: 2026, month: 8, day: 20), config = Support.config()
        _ = try ledger.cancelSession(senior: senior, junior: junior, number: 5, reason: "leave", today: today)
        let dump = try ledger.dump()
        func refused(_ number: Int, to start: Int64, _ says: String) {
            do {
                _ = try ledger.moveSession(senior: senior, junior: junior, number: number, to: start, note: "", today: today, config: config)
                Issue.record("moving session \(number) to \(formatInstant(start, zone: pair.sessions[0].timeZone)) was allowed")
            } catch {
                #expect(error.description.contains(says), "\(error.description)")
            }
        }
        refused(5, to: pair.sessions[4].start + 86_400, "session 5 was cancelled (leave); it cannot be moved")
        refused(4, to: pair.sessions[3].start, "already at that time")
        refused(4, to: pair.sessions[5].start, "a session stays between the sessions before and after it")
        refused(4, to: pair.sessions[3].start / 86_400 * 86_400 + 2 * 86_400 + 3 * 3600, "outside")  // 03:00 UTC
        refused(9, to: pair.sessions[3].start, "there is no session 9")
        #expect(try ledger.dump() == dump)
    }
}
