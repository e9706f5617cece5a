import Foundation
import TandemTestSupport
import Testing

/// `tandem explain` explains the month that was recorded — its pool with the ledger's history, its
/// pairs — not a new pairing of the export alone.
@Suite(.serialized) struct ExplainRecordedRunTests {
    typealias CLI = CommandLineTests

    /// The first four columns of a report's rows (e-mails and names, which hold no commas here).
    static func rows(_ file: URL) throws -> [[String]] {
        try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test(.enabled(if: ApplicationGenerator.available, "needs python3 (for scripts/gen_applications.py)"))
    func explainNamesTheRecordedPartnerAndTheRunningPairsOfEarlierMonths() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A cumulative export: October's responses, then October's and November's.
        let october = try ApplicationGenerator.export(n: 40, seed: 91, badRate: 0.1, start: "2026-10-01", days: 30)
        let november = try ApplicationGenerator.export(n: 30, seed: 92, badRate: 0.1, start: "2026-11-01", days: 29)
        let newline = try #require(november.firstIndex(of: UInt8(ascii: "\n")))
        let m1 = folder.appendingPathComponent("m1.csv"), m2 = folder.appendingPathComponent("m2.csv")
        try Data(october).write(to: m1)
        try Data(october + november[(newline + 1)...]).write(to: m2)
        for (file, month) in [(m1, "2026-11"), (m2, "2026-12")] {
            let run = try CLI.tandem(["run", file.lastPathComponent, "--month", month], in: folder)
            #expect(run.status == 0, "\(run.err)")
        }
        let firstPairs = try Self.rows(folder.appendingPathComponent("reports/2026-11/pairs.csv"))
        let secondPairs = try Self.rows(folder.appendingPathComponent("reports/2026-12/pairs.csv"))
        try #require(!firstPairs.isEmpty && !secondPairs.isEmpty)

        // A junior of the second month: the partner the run gave them, and the first month's pairs running.
        let pair = secondPairs[0]
        let second = try CLI.tandem(["explain", pair[2]], in: folder)
        #expect(second.status == 0, "\(second.err)")
        #expect(second.out.hasPrefix("The 2026-12 run (from \(m2.path)): \(secondPairs.count) new pair"), "\(second.out)")
        #expect(second.out.contains("\(firstPairs.count) pairs from earlier months still running"), "\(second.out)")
        let lines = second.out.split(separator: "\n").map(String.init)
        let partnerLine = try #require(lines.firstIndex(of: "Paired as the junior partner with:"), "\(second.out)")
        #expect(lines[partnerLine + 1].hasPrefix("  \(pair[1]) <\(pair[0])>: score"), "\(lines[partnerLine + 1])")

        // A junior of the first month, in the second month's export again: in a running pair, not re-paired.
        let running = firstPairs[0]
        let again = try CLI.tandem(["explain", running[2], "--month", "2026-12"], in: folder)
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out.contains("Mentee of \(running[1]) <\(running[0])>, a pair formed for 2026-11: still running in 2026-12."), "\(again.out)")
        #expect(again.out.contains("Not waiting: in a running pair as a junior partner."))
        #expect(again.out.contains("Not paired this month."))

        // The first month, from its own recorded export.
        let first = try CLI.tandem(["explain", running[2], "--month", "2026-11"], in: folder)
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.contains("0 pairs from earlier months still running"))
        #expect(first.out.contains("Paired as the junior partner with:\n  \(running[1]) <\(running[0])>: score"), "\(first.out)")

        // A rejected response: its line and why, not "not among the usable applicants".
        let usable = Set((firstPairs + secondPairs).flatMap { [$0[0], $0[2]] })
        let unmatched = try Self.rows(folder.appendingPathComponent("reports/2026-12/unmatched.csv"))
        let others = Set(unmatched.filter { $0.count > 3 && $0[3] != "rejected" }.map { $0[0] })
        if let rejected = unmatched.first(where: { $0.count > 3 && $0[3] == "rejected" && $0[0].contains("@") && !$0[0].hasSuffix("@")
                                                   && !usable.contains($0[0]) && !others.contains($0[0]) }) {
            let result = try CLI.tandem(["explain", rejected[0]], in: folder)
            #expect(result.status == 1)
            #expect(result.err.contains("the response on \(m2.path):\(rejected[2]) was rejected"), "\(result.err)")
        } else {
            Issue.record("the generated export has no rejected row with an e-mail address to explain")
        }

        // The export changed since the month was recorded: refused, not explained from different data.
        try Data(october + Array("\n".utf8)).write(to: m1)
        let changed = try CLI.tandem(["explain", running[2], "--month", "2026-11"], in: folder)
        #expect(changed.status == 1)
        #expect(changed.err.contains("is not the export the 2026-11 run read"), "\(changed.err)")
        // A month never run, and an empty scheme.
        #expect(try CLI.tandem(["explain", running[2], "--month", "2027-03"], in: folder).err.contains("holds no run for 2027-03"))
    }
}
