import Testing
import TandemModel
@testable import TandemReports

/// The CPD record's page and CSV: hours from held sessions only, and every answer shown as text.
@Suite struct CPDRecordTests {
    static func session(_ number: Int, _ state: String, minutes: Int = 60) -> CPDRecord.Session {
        CPDRecord.Session(number: number, count: 6, title: "Two-way discussion", agenda: "Review <b>progress</b>",
                          when: "Tuesday 5 January 2027, 14:00–15:00", date: "2027-01-0\(number)", minutes: minutes, state: state, note: "")
    }

    static let record = CPDRecord(
        schemeName: "Scheme *one*", coordinatorName: "Co <ord>", name: "<script>alert(1)</script>", email: "x@example.org",
        jobTitle: "Photographer\u{202E}gpj.exe", organisation: "=HYPERLINK(\"x\")", timeZone: "Europe/London",
        hopes: "Line one\nline two & <three>\u{1B}[31m",
        activities: [CPDRecord.Activity(role: "mentee", partnerName: "Ann <i>Lee</i>", partnerEmail: "ann@example.org",
                                        monthFormed: "2027-01", status: "active",
                                        sessions: [session(1, "held"), session(2, "missed"), session(3, "cancelled"),
                                                   session(4, "held", minutes: 90), session(5, "scheduled")])])

    @Test func hoursCountHeldSessionsOnly() {
        #expect(Self.record.activities[0].minutesHeld == 150)
        #expect(CPDRecord.hours(150) == "2 h 30 min" && CPDRecord.hours(60) == "1 h")
        let rows = String(decoding: Self.record.csv().dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 6)
        #expect(rows.dropFirst().map { $0.split(separator: ",")[1] } == ["1.00", "0", "0", "1.50", "0"])
    }

    @Test func everyAnswerIsShownAsText() {
        let page = Self.record.html()
        for raw in ["<script>", "<b>", "<i>", "<ord>", "<three>", "\u{202E}", "\u{1B}"] { #expect(!page.contains(raw), "\(raw) raw in the page") }
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && page.contains("Ann &lt;i&gt;Lee&lt;/i&gt;"))
        #expect(page.contains("Line one<br>line two &amp; &lt;three&gt;␛[31m"))
        #expect(!page.contains("<script") && !page.contains("http"), "nothing fetched, nothing run")
        let csv = String(decoding: Self.record.csv(), as: UTF8.self)
        #expect(csv.contains("Ann <i>Lee</i>"), "the CSV keeps the name as typed (it is text there)")
    }
}
