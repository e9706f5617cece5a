import Foundation
import Testing

/// Every command tells the same story: `explain` of a recorded month is not changed by what the
/// coordinator did later, and "past the target" is one count in the summary, report.html and `status`.
@Suite(.serialized) struct OneStoryTests {
    typealias CLI = CommandLineTests

    /// The sample export with two new applicants who applied in January 2027: copies of the sample's
    /// first junior (Priya Raman, line 2) and first senior (Margaret Sutherland, line 3) under new names.
    static func sampleWithNewcomers() throws -> String {
        let sample = try String(contentsOfFile: CLI.sample, encoding: .utf8)
        let lines = sample.components(separatedBy: "\n")
        let junior = lines[1].replacingOccurrences(of: "2026/08/01 9:14:37 AM GMT+1", with: "2027/01/10 9:14:37 AM GMT")
            .replacingOccurrences(of: "priya.raman@gstt.nhs.uk", with: "nia.newcombe@example.org")
            .replacingOccurrences(of: "Priya Raman", with: "Nia Newcombe")
        let senior = lines[2].replacingOccurrences(of: "2026/08/04 10:10:50 PM GMT+1", with: "2027/01/11 10:10:50 PM GMT")
            .replacingOccurrences(of: "margaret.sutherland@gstt.nhs.uk", with: "sam.seward@example.org")
            .replacingOccurrences(of: "Margaret Sutherland", with: "Sam Seward")
        return sample + (sample.hasSuffix("\n") ? "" : "\n") + junior + "\n" + senior + "\n"
    }

    static func pairsOf(_ folder: URL, _ month: String) throws -> [[String]] {
        try String(contentsOf: folder.appendingPathComponent("reports/\(month)/pairs.csv"), encoding: .utf8)
            .replacingOccurrences(of: "\u{FEFF}", with: "").split(whereSeparator: \.isNewline).dropFirst()
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func explainTellsARecordedMonthAsItWasRunWhateverCameLater() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("a.csv").path)
        try Data(Self.sampleWithNewcomers().utf8).write(to: folder.appendingPathComponent("b.csv"))
        for (file, month) in [("a.csv", "2027-01"), ("a.csv", "2027-02"), ("b.csv", "2027-03")] {
            let run = try CLI.tandem(["run", file, "--month", month], in: folder)
            #expect(run.status == 0, "\(run.err)")
        }
        let pairs = try Self.pairsOf(folder, "2027-01")
        try #require(pairs.count >= 3)
        // Asked about: one whose partner withdraws, one whose pair ends early, and a pair of two.
        let (withdrawing, ending) = (pairs[0], pairs[1])
        let questions = [[withdrawing[2]], [withdrawing[0]], [ending[0], ending[2]], [pairs[2][2]]]
        func explanations() throws -> [String] {
            try questions.map { people in
                let result = try CLI.tandem(["explain"] + people + ["--month", "2027-01"], in: folder)
                #expect(result.status == 0, "\(result.err)")
                #expect(!result.err.contains("differently from the ledger's record"), "\(result.err)")
                return result.out
            }
        }
        let before = try explanations()
        #expect(before[2].contains("paired"), "\(before[2])")
        #expect(try CLI.tandem(["withdraw", withdrawing[2], "--today", "2027-03-15"], in: folder).status == 0)
        #expect(try CLI.tandem(["end-pair", ending[0], ending[2], "--reason", "moved away", "--today", "2027-03-15"], in: folder).status == 0)
        #expect(try explanations() == before)
        // The ledger, status and history say the pair ended; explain of January says what January did.
        let history = try CLI.tandem(["history", ending[2]], in: folder)
        #expect(history.out.contains("ended"), "\(history.out)")
    }

    @Test func pastTheTargetIsOneCountInTheSummaryTheReportAndStatus() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("a.csv").path)
        try Data(Self.sampleWithNewcomers().utf8).write(to: folder.appendingPathComponent("b.csv"))
        for (file, month) in [("a.csv", "2027-01"), ("b.csv", "2027-03")] {
            let run = try CLI.tandem(["run", file, "--month", month], in: folder)
            #expect(run.status == 0, "\(run.err)")
            // The sample's Charlotte Hughes (Sydney) has waited past the target and has no possible partner.
            let summary = try String(contentsOf: folder.appendingPathComponent("reports/\(month)/summary.md"), encoding: .utf8)
            let report = try String(contentsOf: folder.appendingPathComponent("reports/\(month)/report.html"), encoding: .utf8)
            #expect(summary.contains("**1 person waiting**") && summary.contains("1 of them past the 3-month target"), "\(summary)")
            #expect(!summary.contains("nobody has waited past the target") && !report.contains("nobody has waited past the target"))
            #expect(report.contains("past the target (\(month): 1)"))
            let status = try CLI.tandem(["status", "--today", "\(month)-01"], in: folder)
            #expect(status.out.contains("Waiting to be paired (in no running pair): 1 (1 past the 3-month target)"), "\(status.out)")
        }
        // March has new candidates, so its overdue stage is reported, and says why it pairs nobody.
        let march = try String(contentsOf: folder.appendingPathComponent("reports/2027-03/summary.md"), encoding: .utf8)
        #expect(march.contains("the 1 person past the target has no possible partner this month"), "\(march)")
    }
}
