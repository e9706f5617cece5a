import Foundation
import Testing
import TandemModel
@testable import TandemMatching

@Suite struct OverridesFileTests {
    @Test func readsWhatASpreadsheetSaves() {
        // A European Excel: byte-order mark, CRLF, `;`, a quoted note holding `;` and a line break.
        let text = "\u{FEFF}Rule;Senior;Junior;Note\r\n"
            + "# asked for by the steering group\r\n"
            + "\r\n"
            + "MUST; Ann@Example.org ;ben@example.org;\"met at the conference; \r\nboth keen\"\r\n"
            + "never;dan@example.org;cara@example.org;line manager\r\n"
            + ";;;\r\n"
        let (overrides, diagnostics) = OverridesFile.parse(text, file: "overrides.csv")
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(overrides.mustPair.map { "\($0.senior)|\($0.junior)" } == ["ann@example.org|ben@example.org"])
        #expect(overrides.neverPair == [["cara@example.org", "dan@example.org"]])
    }

    @Test func everyBadLineIsReportedWithTheFix() {
        let text = """
            rule,senior,junior,note
            must,ann@example.org,ben@example.org,fine
            mst,cara@example.org,dan@example.org,
            never,eve@example,fay@example.org,
            never,gus@example.org,GUS@example.org,
            never,ben@example.org,ann@example.org,the must-pair above the other way round
            must,hal@example.org,Ben@example.org,
            must,ida@example.org,,
            must,ann@example.org,ben@example.org,again
            """
        let (overrides, diagnostics) = OverridesFile.parse(text, file: "overrides.csv")
        #expect(diagnostics.map(\.description) == [
            "overrides.csv:3:rule: error: unknown rule 'mst'; write must (the pair must be made) or never (the two must never be paired)",
            "overrides.csv:4:senior: error: 'eve@example' is not an e-mail address; give one address as in the applications export, such as ann.lee@example.org",
            "overrides.csv:5:junior: error: gus@example.org is given twice; a pair needs two different people",
            "overrides.csv:6:rule: error: ben@example.org and ann@example.org are also a must-pair on line 2; keep only one of the two lines",
            "overrides.csv:7:junior: error: Ben@example.org is already the junior of a must-pair with ann@example.org on line 2; a junior has one senior, so keep one of the two lines",
            "overrides.csv:8:junior: error: the junior e-mail is empty; give the e-mail address as in the applications export",
            "overrides.csv:9:rule: warning: the same must-pair is already on line 2; this line is ignored (delete it)",
        ])
        #expect(overrides.mustPair.count == 1)
        #expect(overrides.neverPair.isEmpty)
    }

    @Test func aHeaderIsExpected() {
        let (overrides, diagnostics) = OverridesFile.parse("never,a@example.org,b@example.org\n", file: "o.csv")
        #expect(diagnostics.map(\.description) == [
            "o.csv:1: warning: no header line; reading the columns as rule,senior,junior,note (add that line at the top to silence this)",
        ])
        #expect(overrides.neverPair.count == 1)
        let (_, missing) = OverridesFile.parse("rule,who,junior\nnever,a@example.org,b@example.org\n", file: "o.csv")
        #expect(missing.first?.description == "o.csv:1: error: the header lacks senior; the first line must be: rule,senior,junior,note")
    }

    @Test func theExampleFileParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/overrides.example.csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let (overrides, diagnostics) = OverridesFile.parse(text, file: "overrides.example.csv")
        #expect(diagnostics.isEmpty)
        #expect(overrides == Overrides(), "the examples are commented out")
        let uncommented = text.replacingOccurrences(of: "\n#must,", with: "\nmust,").replacingOccurrences(of: "\n#never,", with: "\nnever,")
        let (examples, problems) = OverridesFile.parse(uncommented, file: "overrides.example.csv")
        #expect(problems.isEmpty)
        #expect(examples.mustPair.count == 1 && examples.neverPair.count == 1)
    }
}
