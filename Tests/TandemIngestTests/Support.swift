import Foundation
import TandemModel
import TandemTestSupport
@testable import TandemIngest

func read(_ text: String, config: FormConfig = FormConfig(), file: String = "applications.csv") -> IngestResult {
    FormReader.read(Array(text.utf8), file: file, config: config)
}

/// Applicants with the parts that legitimately differ between shapes cleared.
func comparable(_ applicants: [Applicant]) -> [Applicant] {
    applicants.map {
        var a = $0
        a.line = 0
        a.submittedAt.utcOffset = nil
        return a
    }
}

/// Re-writes a table with another delimiter, quoting where needed, optionally transforming cells.
func rewrite(_ bytes: [UInt8], delimiter: String, lineEnd: String = "\n",
             cell transform: (Int, Int, String) -> String = { _, _, c in c }) -> String {
    let table = CSVTable.parse(bytes)
    var out = ""
    for r in 0 ..< table.count {
        let cells = table.record(r).enumerated().map { (c, value) -> String in
            let v = transform(r, c, value)
            if v.contains(delimiter) || v.contains("\"") || v.contains("\n") || v.contains("\r") {
                return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return v
        }
        out += cells.joined(separator: delimiter) + lineEnd
    }
    return out
}

let header = "Timestamp,Email Address,Full name,Organisation,Job title,Years of professional experience,I would like to join the scheme as,How many junior partners could you support at once?,My areas of expertise,Areas I would like to develop,What do you hope to get out of the mentorship?,Preferred way to meet,Nearest city or region,Your time zone,When are you usually free for a one-hour session? (your local time),\"Preferred partner (e-mail, optional)\",\"People you should not be paired with (e-mails, optional)\",\"I agree that my name, e-mail and answers may be shared with my mentoring partner and the scheme coordinator\""

/// A good Google Forms row with the given cells replaced (by header position).
func row(_ replacements: [Int: String] = [:], email: String = "ann@example.org", when: String = "2026/10/03 4:12:55 PM GMT+1") -> String {
    var cells = [when, email, "Ann Lee", "Royal Free", "Medical Illustrator", "5", "Senior partner (mentor)", "2",
                 "Team dynamics;Clinical photography", "Career progression", "To learn.", "Online (video call)", "London",
                 "Europe/London", "Monday evening (18:00-20:00);Tuesday morning (09:00-12:00)", "", "", "Yes"]
    for (k, v) in replacements { cells[k] = v }
    return cells.map { $0.contains(",") || $0.contains("\"") || $0.contains("\n") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
        .joined(separator: ",")
}
