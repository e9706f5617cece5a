import Foundation
import Testing
import TandemIngest
import TandemMatching
import TandemModel
import TandemPipeline
import TandemReports

/// The counts a coordinator reads (summary.md, unmatched.csv, the headline) against a history built
/// by hand: people in running pairs are not waiting, and "past the target" means waiting and past it.
@Suite struct CountsTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/sample/applications.csv")

    @Test func summaryAndUnmatchedCountWhoIsWaitingAndWhoIsInARunningPair() throws {
        let bytes = Array(try Data(contentsOf: Self.sample))
        let config = SchemeConfig()
        let month = YearMonth(year: 2026, month: 12)
        let applicants = FormReader.read(bytes, file: "applications.csv", config: config.form).applicants
        let juniors = applicants.filter { $0.role == .junior }
        let either = applicants.filter { $0.role == .either && $0.yearsOfExperience >= 2 }
        let roomy = try #require(applicants.first { $0.role == .senior && $0.capacity >= 2 })
        let full = try #require(applicants.first { $0.role == .senior && $0.capacity == 1 })
        try #require(juniors.count >= 4 && !either.isEmpty)

        var history = SchemeHistory()
        history.activeJuniors = [juniors[0].email.key, juniors[1].email.key, either[0].email.key]
        history.capacityInUse = [roomy.email.key: 1, full.email.key: 1]
        history.finishedJuniors = [juniors[2].email.key: juniors[2].submittedAt.date]
        // Five people first seen long ago, one of them kept from everyone by the coordinator's never-pairs:
        // past the target when they are waiting.
        let unpairable = juniors[3]
        var overrides = Overrides()
        for other in applicants where other.email != unpairable.email { overrides.neverPair.insert([unpairable.email.key, other.email.key]) }
        let early = Array(applicants.filter { $0.role != .senior }.suffix(4)) + [unpairable]
        for a in early { history.firstSeen[a.email.key] = LocalDate(year: 2026, month: 1, day: 15) }
        history.firstSeen[juniors[0].email.key] = LocalDate(year: 2026, month: 1, day: 15) // running, so not past the target
        history.activePairCount = 3

        var input = RunInput(applications: bytes, applicationsFile: "applications.csv", config: config, firstMonth: month)
        input.history = history
        input.overrides = overrides
        input.models = .never
        let output = try MonthlyRun.run(input)

        // Expected, from the history and the pairs alone.
        let paired = Set(output.matching.pairs.flatMap { [$0.senior.email.key, $0.junior.email.key] })
        let everyone = Set(applicants.map(\.email.key))
        let running = Set(history.activeJuniors).union(history.capacityInUse.keys)
        let inRunning = running.subtracting(paired)
        let finished = Set([juniors[2].email.key]).subtracting(paired)
        let waiting = everyone.subtracting(paired).subtracting(inRunning).subtracting(finished)
        let targetDay = LocalDate(year: 2026, month: 9, day: 1) // three months before the first session
        let firstApplied = { (key: String) in min(history.firstSeen[key] ?? .init(year: 9999, month: 1, day: 1),
                                                   applicants.first { $0.email.key == key }!.appliedOn) }
        let pastTarget = waiting.filter { firstApplied($0) <= targetDay }
        #expect(!inRunning.isEmpty && !pastTarget.isEmpty)
        // One role at a time: a running junior is never a senior, a running senior never a junior.
        for pair in output.matching.pairs {
            #expect(!history.activeJuniors.contains(pair.senior.email.key) && history.capacityInUse[pair.junior.email.key] == nil)
        }
        #expect(!paired.contains(full.email.key), "a senior with every place taken got another junior")

        let counts = UnpairedCounts(output.matching.unmatched)
        #expect(counts.waiting == waiting.count)
        #expect(counts.pastTarget == pastTarget.count)
        #expect(counts.inRunningPairs == inRunning.count)
        #expect(counts.fullSeniors == 1)
        #expect(counts.finished == finished.count)

        let summary = String(decoding: try #require(output.files.first { $0.path == "summary.md" }).contents, as: UTF8.self)
        #expect(summary.contains("- **\(waiting.count) \(waiting.count == 1 ? "person" : "people") waiting** (usable applicants in no running pair who got no pair this month) — \(pastTarget.count) of them past the 3-month target"), "\(summary)")
        #expect(summary.contains("- \(inRunning.count) in running pairs, not looking this month (1 of them a senior with every place taken)"))
        #expect(summary.contains("- From earlier months: 3 pairs still running"))
        #expect(output.headline.hasPrefix("\(plural(output.matching.pairs.count, "new pair")), \(waiting.count) waiting (\(pastTarget.count) past the target)"))
        // The overdue stage counts the same people the summary calls past the target.
        let overdueStage = try #require(output.matching.stages.first { $0.name == "overdue" })
        let overduePaired = paired.filter { firstApplied($0) <= targetDay && !running.contains($0) }
        #expect(Int(overdueStage.objective) == overduePaired.count)

        let csv = String(decoding: try #require(output.files.first { $0.path == "unmatched.csv" }).contents, as: UTF8.self)
        let rows = csv.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        #expect(rows.filter { $0.contains(",waiting,") }.count == waiting.count)
        #expect(rows.filter { $0.contains(",in a running pair,") }.count == inRunning.count)
        #expect(rows.filter { $0.contains(",waiting,") && $0.contains(",yes,") }.count == pastTarget.count)
        #expect(rows.filter { $0.contains(",rejected,") }.count == output.ingest.rejected.count)
    }
}
