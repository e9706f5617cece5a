import Foundation
import TandemModel
import Testing
@testable import TandemIngest

/// Nothing in an export or a configuration is guessed silently: each guess is named, with the place.
@Suite struct SilentGuessTests {
    @Test func aSecondColumnForTheSameAnswerIsReported() {
        let doubled = header + ",Email Address\n" + row() + ",someone.else@example.org\n"
        let result = read(doubled)
        let warning = result.diagnostics.first { $0.message.contains("two columns are for the e-mail address") }
        #expect(warning?.severity == .warning)
        #expect(warning?.message.contains("'Email Address' (column 2) and 'Email Address' (column 19); the first is used") == true, "\(result.diagnostics)")
        #expect(result.applicants.map(\.email.text) == ["ann@example.org"])
        #expect(!read(header + "\n" + row() + "\n").diagnostics.contains { $0.message.contains("two columns") })
    }

    @Test func aUTF8FileWithAFewWindows1252BytesKeepsItsUTF8() {
        // Line 2 in UTF-8 (José), line 3 with one Windows-1252 byte (0xE9, é), as rows pasted from an older sheet.
        var bytes = Array((header + "\n" + row([2: "José Núñez"]) + "\n").utf8)
        let third = Array((row([2: "Ren~~"], email: "ren@example.org") + "\n").utf8)
        let mark = third.firstIndex(of: UInt8(ascii: "~"))!
        bytes += third[..<mark] + [0xE9] + third[(mark + 2)...]
        let result = FormReader.read(bytes, file: "mixed.csv", config: FormConfig())
        #expect(result.applicants.map(\.name).sorted() == ["José Núñez", "René"], "\(result.applicants.map(\.name))")
        let warning = result.diagnostics.first { $0.message.contains("holds bytes that are not") }
        #expect(warning?.severity == .warning && warning?.message.contains("line 3") == true, "\(result.diagnostics)")
        // A file all in Windows-1252 is still read as such, with a note.
        let old = TextDecoding.toWindows1252(header + "\n" + row([2: "José Núñez"]) + "\n")
        let legacy = FormReader.read(old, file: "old.csv", config: FormConfig())
        #expect(legacy.applicants.map(\.name) == ["José Núñez"])
        #expect(!legacy.diagnostics.contains { $0.message.contains("holds bytes that are not") })
    }

    @Test func aConfigurationValueIsNeverRewrittenAndTypeErrorsSayWhatWasExpected() {
        for domain in ["evil.org\r\nX-INJECT:1", "evil.org>", "localhost", "a..b.org", "-x.org"] {
            let toml = "[scheme]\ndomain = \"\(domain.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n"))\"\n"
            #expect(throws: ConfigError.self, "\(domain)") { try SchemeConfig.load(toml: toml, file: "s.toml") }
        }
        #expect((try? SchemeConfig.load(toml: "[scheme]\ndomain = \"mentoring.nhs-trust.example.org\"\n", file: "s.toml")) != nil)
        do {
            _ = try SchemeConfig.load(toml: "[matching]\ndevelopment_weight = \"forty\"\n", file: "s.toml")
            Issue.record("a word for a number was accepted")
        } catch {
            #expect(error.description == "s.toml: error: matching.development_weight: expected a number, such as 30 or 2.5 — not \"forty\"",
                    "\(error.description)")
        }
        do {
            _ = try SchemeConfig.load(toml: "[matching]\nwaiting_target_months = \"three\"\n", file: "s.toml")
            Issue.record("a word for a whole number was accepted")
        } catch {
            #expect(error.description.hasPrefix("s.toml: error: matching.waiting_target_months: expected a whole number"), "\(error.description)")
            #expect(!error.description.contains("DecodingError"))
        }
    }

    @Test func anAddressIsWrittenAsItIsWhereASpreadsheetCannotRunIt() {
        var w = CSVWriter(header: ["email", "name", "senior_email"])
        w.append(["=cmd@example.com", "=cmd@example.com", "+44@example.com"])
        w.append(["-x@example.com", "x", "=HYPERLINK(\"http://x\")@example.com"])
        w.append(["=cmd|'/C calc'!A0@example.com", "@x", "=1+1"])
        #expect(w.text == "email,name,senior_email\r\n=cmd@example.com,'=cmd@example.com,+44@example.com\r\n"
                + "-x@example.com,x,\"'=HYPERLINK(\"\"http://x\"\")@example.com\"\r\n'=cmd|'/C calc'!A0@example.com,'@x,'=1+1\r\n", "\(w.text)")
    }
}
