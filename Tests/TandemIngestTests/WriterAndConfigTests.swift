import TandemTestSupport
import Testing
import TandemModel
@testable import TandemIngest

@Suite struct CSVWriterTests {
    @Test func writesExcelSafeCSV() {
        var w = CSVWriter(header: ["name", "note"])
        w.append(["=HYPERLINK(\"x\")", "a, b"])
        w.append(["+1", "-3.5"])
        w.append(["@SUM(A1)", "\tx"])
        w.append(["line\nbreak", "say \"hi\""])
        w.append(["plain"])
        let bytes = w.bytes
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        w.append(["Rebecca\u{1B}[31m Ng\u{07}", "evil\u{202E}txt"])
        #expect(w.text == "name,note\r\n\"'=HYPERLINK(\"\"x\"\")\",\"a, b\"\r\n'+1,'-3.5\r\n'@SUM(A1),\" x\"\r\n\"line\nbreak\",\"say \"\"hi\"\"\"\r\nplain,\r\n"
                + "Rebecca\u{241B}[31m Ng\u{2407},evil\u{FFFD}txt\r\n")
    }

    @Test func roundTripsThroughTheReader() {
        var rng = SeededGenerator(seed: 42)
        let alphabet = Array("ab ,;\"\n\r\té€=+-@'x")
        var rows: [[String]] = []
        for _ in 0 ..< 200 {
            rows.append((0 ..< 4).map { _ in String((0 ..< Int.random(in: 1 ... 12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }) })
        }
        var w = CSVWriter(header: ["a", "b", "c", "d"])
        rows.forEach { w.append($0) }
        let table = CSVTable.parse(TextDecoding.utf8Bytes(w.bytes, override: nil).bytes)
        // The reader trims answers, normalises line breaks and skips all-empty rows; compare what survives that.
        func expected(_ cell: String) -> String {
            // Control characters other than line feeds are made visible first (CR LF becomes LF, a tab a space).
            var c = VisibleText.clean(cell, keepingLineBreaks: true)
            if let f = c.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(f) { c = "'" + c }
            return c.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n").trimmingWhitespace()
        }
        let kept = rows.map { $0.map(expected) }.filter { !$0.allSatisfy(\.isEmpty) }
        #expect(table.count == kept.count + 1)
        for (i, row) in kept.enumerated() { #expect(Array(table.record(i + 1)) == row) }
    }
}

@Suite struct FormConfigTests {
    @Test func coordinatorsRenameQuestionsAndAddOptions() throws {
        let toml = """
        [form]
        regions = ["Highlands", "Lowlands"]
        date_order = "day-first"
        time_zones = ["Europe/London", "Europe/Dublin"]
        capacity_options = ["One", "Two"]
        [form.columns]
        email = ["Work e-mail"]
        time_zone = "Zone"
        [form.roles]
        senior = ["Mentor"]
        [form.consent]
        yes = ["I agree"]
        """
        let config = try SchemeConfig.load(toml: toml, file: "scheme.toml").form
        #expect(config.columns.email == ["Work e-mail"] && config.columns.timeZone == ["Zone"])
        #expect(config.roles.senior == ["Mentor"] && config.roles.junior == RoleAnswers().junior)
        #expect(config.dateOrder == .dayFirst && config.timeZones?.count == 2)
        let text = header.replacingOccurrences(of: "Email Address", with: "work E-MAIL ").replacingOccurrences(of: "Your time zone", with: "Zone")
            + "\n" + row([6: "mentor", 7: "Two", 12: "Highlands", 13: "europe/dublin", 17: "I agree"], when: "03/10/2026 10:00")
            + "\n" + row([6: "Mentor", 12: "Lowlands", 13: "Europe/Paris", 17: "I agree"], email: "b@example.org", when: "03/10/2026 10:00")
        let r = read(text, config: config)
        #expect(r.applicants.count == 1)
        let a = try #require(r.applicants.first)
        #expect(a.role == .senior && a.capacity == 2 && a.region == "Highlands" && a.timeZone == "Europe/Dublin")
        #expect(a.appliedOn == LocalDate(year: 2026, month: 10, day: 3))
        let paris = r.diagnostics.first { $0.line == 3 }
        #expect(paris?.message == "'Europe/Paris' is not one of the form's time zones; choose one from the form's list, such as Europe/London")
    }

    @Test func unknownKeysAreRejected() {
        #expect(throws: ConfigError.self) { try SchemeConfig.load(toml: "[form.columns]\nemial = [\"E\"]\n", file: "s.toml") }
        #expect(throws: ConfigError.self) { try SchemeConfig.load(toml: "[form]\ndate_order = \"sideways\"\n", file: "s.toml") }
        #expect(throws: ConfigError.self) { try SchemeConfig.load(toml: "[form.roles]\nmentor = [\"E\"]\n", file: "s.toml") }
    }

    @Test func microsoftFormsPrefersTheFullNameQuestion() {
        let text = "ID,Start time,Completion time,Email,Name,Full name,Years of professional experience,I would like to join the scheme as,Your time zone,\"I agree that my name, e-mail and answers may be shared with my mentoring partner and the scheme coordinator\"\r\n"
            + "1,10/3/26 16:00,10/3/26 16:12,a@example.org,Account Name,Ann Lee,\"1,5\",Junior partner (mentee),Europe/London,Yes\r\n"
            + "2,10/13/26 16:00,10/13/26 16:12,b@example.org,Bo,,3,Junior,Europe/London,Yes\r\n"
        let r = read(text)
        #expect(r.applicants.map(\.name) == ["Ann Lee", "b"])
        #expect(r.applicants.first?.yearsOfExperience == 1.5)
        #expect(r.applicants.first?.appliedOn == LocalDate(year: 2026, month: 10, day: 3))
    }
}

@Suite struct CheckReportTests {
    @Test func rendersDiagnosticsAndASummary() {
        let text = [header, row(), row([13: "Europe/Londn"], email: "b@example.org"), row([8: "Knitting"], email: "c@example.org")]
            .joined(separator: "\n")
        let r = read(text)
        let report = CheckReport.render(r, file: "applications.csv")
        #expect(report == """
            applications.csv:3:Your time zone: error: 'Europe/Londn' is not a time zone; choose one from the form's list, such as Europe/London
            applications.csv:4:My areas of expertise: warning: 'Knitting' is not one of the areas; it was left out. Correct the cell, or add the area to form.areas in the configuration
            applications.csv: 3 responses, 2 applicants, 1 row rejected, 1 error, 1 warning

            """)
        #expect(CheckReport.failed(r, strict: false))
        let fine = read([header, row([8: "Knitting"])].joined(separator: "\n"))
        #expect(!CheckReport.failed(fine, strict: false) && CheckReport.failed(fine, strict: true))
    }
}
