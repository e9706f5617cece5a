import Foundation
import Testing
import TandemMatching
import TandemModel
import TandemPipeline
@testable import TandemReports

/// report.html against the run's own CSV files: the same figures, safe with hostile names, nothing that
/// loads from anywhere, and the same bytes for the same inputs.
@Suite struct HTMLReportTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/sample/applications.csv")

    /// A name that tries to close the markup, open a tag, quote its way out of an attribute and colour a terminal.
    static let hostileName = "<img src=x onerror=alert(1)> \"Bobby\" & O'Brien</td>\u{1B}[31m"

    /// The sample with one more applicant, who did not consent (so is listed as not paired) and has the hostile name.
    static func export() throws -> [UInt8] {
        var text = String(decoding: try Data(contentsOf: sample), as: UTF8.self)
        if !text.hasSuffix("\n") { text += "\r\n" }
        let quoted = "\"" + hostileName.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        text += "2026/09/20 10:00:00 AM GMT+1,hostile@example.org,\(quoted),Somewhere,Photographer,1,Junior partner (mentee),,"
            + "Clinical photography,Career progression,Learning,Online (video call),London,Europe/London,"
            + "Tuesday lunchtime (12:00-14:00),,,No\r\n"
        return Array(text.utf8)
    }

    static func run() throws -> RunOutput {
        var input = RunInput(applications: try export(), applicationsFile: "applications.csv", config: SchemeConfig(),
                             firstMonth: YearMonth(year: 2026, month: 12))
        input.models = .never
        return try MonthlyRun.run(input)
    }

    static func text(_ output: RunOutput, _ path: String) throws -> String {
        String(decoding: try #require(output.files.first { $0.path == path }).contents, as: UTF8.self)
    }

    /// The data rows of a CSV file written by `CSVWriter` (no line breaks inside these files' cells).
    static func rows(_ csv: String) -> [String] {
        Array(csv.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty })
    }

    static func figure(_ id: String, in html: String) -> Int? {
        guard let start = html.range(of: "id=\"figure-\(id)\">") else { return nil }
        return Int(html[start.upperBound...].prefix { $0.isNumber })
    }

    @Test func figuresMatchTheCSVFilesNamesAreEscapedAndNothingLoads() throws {
        let first = try Self.run()
        let html = try Self.text(first, "report.html")
        let pairs = Self.rows(try Self.text(first, "pairs.csv"))
        let unmatched = Self.rows(try Self.text(first, "unmatched.csv"))
        let made = pairs.filter { !$0.contains("not scheduled") }
        let waiting = unmatched.filter { $0.contains(",waiting,") }
        #expect(made.count > 10 && !waiting.isEmpty)
        #expect(Self.figure("new-pairs", in: html) == made.count)
        #expect(Self.figure("waiting", in: html) == waiting.count)
        #expect(Self.figure("past-target", in: html) == waiting.filter { $0.contains(",yes,") }.count)
        #expect(Self.figure("rejected", in: html) == unmatched.filter { $0.contains(",rejected,") }.count)
        #expect(Self.figure("unmatched-rows", in: html) == unmatched.count)
        #expect(Self.figure("places-free", in: html) != nil)
        // This month is the trend's one point.
        #expect(html.contains("<tr data-month=\"2026-12\"><th scope=\"row\">2026-12</th><td>\(made.count)</td><td>\(waiting.count)</td>"))

        // The hostile name is listed, as text.
        #expect(unmatched.contains { $0.contains("hostile@example.org") })
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt; &quot;Bobby&quot; &amp; O&#39;Brien&lt;/td&gt;\u{241B}[31m"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("\u{1B}"))
        // Nothing runs and nothing is fetched: no scripts, no addresses, no attribute that loads or runs anything.
        // Every "<" of the form's text is escaped, so each "<" starts one of the report's own tags.
        let lower = html.lowercased()
        for banned in ["<script", "http://", "https://", "<link", "@import", "<iframe", "<object", "<embed", "<img", "<base"] {
            #expect(!lower.contains(banned), "report.html contains \(banned)")
        }
        let tags = lower.split(separator: "<").dropFirst().map { $0.prefix { $0 != ">" } }
        #expect(tags.count > 100)
        for tag in tags {
            let attributes = tag.split(whereSeparator: { $0 == " " || $0 == "\n" }).dropFirst().map { $0.prefix { $0 != "=" } }
            #expect(!attributes.contains { $0 == "src" || $0 == "href" || $0 == "srcset" || $0 == "action" || $0.hasPrefix("on") },
                    "a tag that loads or runs something: <\(tag)>")
        }
        #expect(lower.components(separatedBy: "url(").dropFirst().allSatisfy { $0.hasPrefix("#") }, "url() that is not a fragment")

        let second = try Self.run()
        #expect(try Self.text(second, "report.html") == html, "report.html differs between two identical runs")
        // Its time is measured as a stage of its own.
        #expect(first.timings.map(\.name).last == "report.html")
    }

    @Test func unpairedAreListedInUnmatchedCSVsOrder() {
        let standings: [Pool.Standing] = [.waiting, .inRunningPair, .finished]
        let list = (0..<60).map { i in
            let standing = standings[i % 3]
            return UnmatchedApplicant(
                applicant: Applicant(email: EmailAddress("p\(59 - i)@example.org"), name: "P\(i)", yearsOfExperience: 3, role: .either,
                                     appliedOn: LocalDate(year: 2026, month: 1 + i % 7, day: 1 + i % 5)),
                waitingDays: 30 + (i * 37) % 11, overdue: standing == .waiting && i % 4 == 0, reason: "r", standing: standing, full: false)
        }
        // The rule written out on its own: waiting first (past the target first, then the longest
        // wait), then those in running pairs, then juniors whose pair completed; then by e-mail key.
        let rank: [Pool.Standing: Int] = [.waiting: 0, .inRunningPair: 1, .finished: 2]
        let expected = list.sorted { a, b in
            (rank[a.standing]!, a.overdue ? 0 : 1, -a.waitingDays, a.applicant.email.key)
                < (rank[b.standing]!, b.overdue ? 0 : 1, -b.waitingDays, b.applicant.email.key)
        }.map(\.applicant.email.key)
        #expect(Reports.unmatchedOrder(list).map { list[$0].applicant.email.key } == expected)
        #expect(Reports.sortedUnmatched(list).map(\.applicant.email.key) == expected)
    }

    @Test func trendCountsEarlierMonthsWithTheTarget() {
        let month = SchemeMonth(month: YearMonth(year: 2027, month: 3), pairs: 4, waitingDays: [120, 10, 89, 90, 91])
        #expect(month.waitingDays == [10, 89, 90, 91, 120])
        #expect(month.medianWaitDays == 90)
        // 1 March 2027: three months after 1 December 2026 (90 days before) is the target day itself.
        #expect(month.pastTarget(targetMonths: 3) == 3)
        #expect(SchemeMonth(month: month.month, pairs: 0, waitingDays: [1, 4]).medianWaitDays == 2.5)
        #expect(SchemeMonth(month: month.month, pairs: 0, waitingDays: []).medianWaitDays == nil)
    }

    @Test func reasonsGroupByTheirKind() {
        #expect(HTMLReport.kind(of: "cannot be paired: did not consent to share their details")
            == ("cannot be paired", "did not consent to share their details"))
        #expect(HTMLReport.kind(of: "no allowed partner: they were paired before (3 of 40); no monthly slot (2 of 40)")
            == ("no allowed partner", "they were paired before; no monthly slot"))
        #expect(HTMLReport.kind(of: "in a running pair as a senior partner; 1 of their 2 places free, none filled this month")
            == ("in a running pair as a senior partner", "1 of their 2 places free, none filled this month"))
        #expect(HTMLReport.kind(of: "in a running pair as a junior partner") == ("in a running pair as a junior partner", ""))
    }

    @Test func waitingMonthsMeetTheTargetOnItsDay() {
        let first = LocalDate(year: 2026, month: 12, day: 1)
        #expect(HTMLReport.monthsWaited(appliedOn: LocalDate(year: 2026, month: 9, day: 1), firstDay: first) == 3)
        #expect(HTMLReport.monthsWaited(appliedOn: LocalDate(year: 2026, month: 9, day: 2), firstDay: first) == 2)
        #expect(HTMLReport.monthsWaited(appliedOn: LocalDate(year: 2026, month: 11, day: 30), firstDay: first) == 0)
        #expect(HTMLReport.monthsWaited(appliedOn: LocalDate(year: 2025, month: 8, day: 31), firstDay: first) == 15)
    }
}
