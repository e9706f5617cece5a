import Foundation
import TandemModel
@testable import TandemIngest

/// The shared generator, `../shared/tools/gen-applications` beside the repository.
enum Generator {
    static let script: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/tools/gen-applications")

    static var available: Bool {
        FileManager.default.fileExists(atPath: script.path)
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    static func make(n: Int, seed: Int, flavour: String, badRate: Double = 0, dupRate: Double = 0) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script.path, "--n", "\(n)", "--seed", "\(seed)", "--flavour", flavour,
                             "--bad-rate", "\(badRate)", "--dup-rate", "\(dupRate)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }
}

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

/// A small seeded generator (SplitMix64) so fuzzing is repeatable.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
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
