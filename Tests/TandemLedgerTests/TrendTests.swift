import Foundation
import Testing
import TandemLedger
import TandemModel
import TandemPipeline
import TandemReports

/// The trend in report.html comes from the ledger: each recorded month's pairs and waits, as that month's
/// own reports counted them.
@Suite struct TrendTests {
    @Test func eachRecordedMonthGivesThePairsAndWaitsItsReportsCounted() throws {
        let ledger = try Ledger.inMemory()
        let bytes = Array(try Data(contentsOf: Support.repoRoot.appendingPathComponent("data/sample/applications.csv")))
        let december = YearMonth(year: 2026, month: 12), january = YearMonth(year: 2027, month: 1)
        let (first, before) = try Support.runMonth(ledger, bytes, month: december)
        #expect(before.history.months.isEmpty)
        let (second, _) = try Support.runMonth(ledger, bytes, month: january)
        let months = try ledger.snapshot(before: YearMonth(year: 2027, month: 2)).history.months
        #expect(months.map(\.month) == [december, january])
        for (month, output) in zip(months, [first, second]) {
            let counts = UnpairedCounts(output.matching.unmatched)
            #expect(month.pairs == output.schedule.scheduled.count)
            #expect(month.waiting == counts.waiting)
            #expect(month.pastTarget(targetMonths: 3) == counts.pastTarget)
            let waits = output.matching.unmatched.filter { $0.standing == .waiting }.map(\.waitingDays).sorted()
            #expect(month.waitingDays == waits)
        }
        // A month's own history holds only the months before it.
        #expect(try ledger.snapshot(before: january).history.months.map(\.month) == [december])
    }
}
