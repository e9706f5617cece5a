import Testing
import TandemModel
@testable import TandemIngest

@Suite struct RowTests {
    func diagnostic(_ r: IngestResult, line: Int) -> [Diagnostic] { r.diagnostics.filter { $0.line == line } }

    @Test func eachBadRowKindHasItsLineColumnAndSeverity() {
        let lines = [
            header,                                                            // 1
            row([10: "Line one,\nline \"two\"\nline three"]),                  // 2-4: a good row over three lines
            row(email: "bob at example.org"),                                  // 5
            row([5: "about 3"], email: "c@example.org"),                       // 6
            row([13: "Europe/Londn"], email: "d@example.org"),                 // 7
            row([8: "Team dynamics;Underwater photography"], email: "e@example.org"), // 8
            row([17: "No"], email: "f@example.org"),                           // 9
            row([17: ""], email: "g@example.org"),                             // 10
            row([5: "1", 6: "Senior partner (mentor)"], email: "h@example.org"), // 11
            row([5: "1,5", 6: "Either - pair me where I can help most"], email: "i@example.org"), // 12
            row([7: "5", 12: "Atlantis", 14: ""], email: "j@example.org"),    // 13
            row([6: "Boss"], email: "k@example.org"),                          // 14
            row([2: ""], email: "lee.k@example.org"),                          // 15
            row(email: ""),                                                    // 16
            row([5: "-2"], email: "m@example.org"),                            // 17
            row(email: "n@example.org", when: "yesterday"),                    // 18
        ]
        let r = read(lines.joined(separator: "\n") + "\n")
        #expect(r.recordCount == 15)
        #expect(r.applicants.count + r.duplicateResponses + r.rejected.count == 15)
        func only(_ line: Int) -> Diagnostic? {
            let ds = diagnostic(r, line: line)
            #expect(ds.count == 1, "line \(line): \(ds)")
            return ds.first
        }
        #expect(diagnostic(r, line: 2).isEmpty)
        #expect(r.applicants.first { $0.email.key == "ann@example.org" }?.goals == "Line one,\nline \"two\"\nline three")
        #expect(r.applicants.first { $0.email.key == "ann@example.org" }?.line == 2)

        let email = only(5)
        #expect(email?.severity == .error && email?.column == "Email Address")
        #expect(email?.description.hasPrefix("applications.csv:5:Email Address: error: 'bob at example.org' is not an e-mail address") == true)
        #expect(only(6).map { $0.severity == .error && $0.column == "Years of professional experience" } == true)
        let zone = only(7)
        #expect(zone?.description == "applications.csv:7:Your time zone: error: 'Europe/Londn' is not a time zone; choose one from the form's list, such as Europe/London")
        let area = only(8)
        #expect(area?.severity == .warning && area?.column == "My areas of expertise" && area?.message.contains("'Underwater photography'") == true)
        #expect(r.applicants.first { $0.email.key == "e@example.org" }?.expertise == ["Team dynamics"])
        let declined = only(9)
        #expect(declined?.severity == .warning && declined?.message.contains("did not consent") == true)
        #expect(r.rejected.first { $0.line == 9 }?.reasons == ["did not consent to share their details"])
        #expect(only(10).map { $0.severity == .error && $0.column?.hasPrefix("I agree") == true } == true)
        let senior = only(11)
        #expect(senior?.severity == .error && senior?.column == "I would like to join the scheme as")
        let either = only(12)
        #expect(either?.severity == .warning)
        #expect(r.applicants.first { $0.email.key == "i@example.org" }?.yearsOfExperience == 1.5)
        let j = diagnostic(r, line: 13)
        #expect(j.count == 3 && j.allSatisfy { $0.severity == .warning })
        #expect(Set(j.compactMap(\.column)) == ["How many junior partners could you support at once?", "Nearest city or region",
                                                  "When are you usually free for a one-hour session? (your local time)"])
        let jApplicant = r.applicants.first { $0.email.key == "j@example.org" }
        #expect(jApplicant?.capacity == 1 && jApplicant?.region == "Atlantis" && jApplicant?.availability.isEmpty == true)
        #expect(only(14).map { $0.severity == .error && $0.message.contains("'Boss' is not one of the options") } == true)
        let noName = only(15)
        #expect(noName?.severity == .warning && noName?.column == "Full name")
        #expect(r.applicants.first { $0.email.key == "lee.k@example.org" }?.name == "lee.k")
        #expect(only(16).map { $0.severity == .error && $0.column == "Email Address" } == true)
        #expect(only(17).map { $0.severity == .error && $0.message.contains("negative") } == true)
        #expect(only(18).map { $0.severity == .error && $0.column == "Timestamp" } == true)

        #expect(r.rejected.map(\.line) == [5, 6, 7, 9, 10, 11, 14, 16, 17, 18])
        #expect(r.rejected.first { $0.line == 7 }?.reasons == ["Your time zone: 'Europe/Londn' is not a time zone"])
        #expect(r.rejected.allSatisfy { !$0.reasons.isEmpty })
        // Diagnostics are in line order; messages never mention another row's e-mail.
        let ordered = r.diagnostics.compactMap(\.line)
        #expect(ordered == ordered.sorted())
        for d in r.diagnostics where d.line != 5 { #expect(!d.message.contains("@example.org")) }
    }

    @Test func readsEveryAnswer() throws {
        let r = read(header + "\n" + row([15: " Bob@Example.org ", 16: "x@y.org; z@w.org  Pat Smith", 7: "3", 11: "in person",
                                          12: " south east "]) + "\n")
        let a = try #require(r.applicants.first)
        #expect(a.email.key == "ann@example.org" && a.name == "Ann Lee" && a.organisation == "Royal Free")
        #expect(a.role == .senior && a.capacity == 3 && a.yearsOfExperience == 5)
        #expect(a.expertise == ["Team dynamics", "Clinical photography"] && a.development == ["Career progression"])
        #expect(a.meeting == .inPerson && a.region == "South East" && a.timeZone == "Europe/London")
        #expect(a.availability == [WeeklyWindow(weekday: 1, startMinute: 1080, endMinute: 1200),
                                   WeeklyWindow(weekday: 2, startMinute: 540, endMinute: 720)])
        #expect(a.preferredPartner == "Bob@Example.org")
        #expect(a.conflicts == ["x@y.org", "z@w.org", "Pat", "Smith"])
        #expect(a.consent)
        #expect(a.submittedAt == LocalDateTime(date: LocalDate(year: 2026, month: 10, day: 3), secondsOfDay: 16 * 3600 + 12 * 60 + 55, utcOffset: 3600))
        #expect(a.appliedOn == LocalDate(year: 2026, month: 10, day: 3))
        #expect(r.diagnostics.isEmpty)
    }

    @Test func checkboxesSplitAgainstTheOptions() {
        let splitter = CheckboxSplitter(options: FormConfig().areas)
        let sheet = splitter.split("3D imaging, scanning and printing, Team dynamics, Patient consent, ethics and confidentiality")
        #expect(sheet.indices == [6, 3, 13] && sheet.unknown.isEmpty)
        let ms = splitter.split("team DYNAMICS ;3D imaging, scanning and printing;")
        #expect(ms.indices == [3, 6] && ms.unknown.isEmpty)
        let odd = splitter.split("Team dynamics, Underwater photography, Career progression")
        #expect(odd.indices == [3, 2] && odd.unknown == ["Underwater photography"])
        let semis = splitter.split("Foo;Team dynamics;Bar, baz;")
        #expect(semis.indices == [3] && semis.unknown == ["Foo", "Bar, baz"])
        #expect(splitter.split("").indices.isEmpty)
        #expect(splitter.split("Team dynamicsX").unknown == ["Team dynamicsX"])
    }

    @Test func duplicatesKeepTheLatestAndTheFirstDate() {
        let text = [
            header,
            row([13: "Europe/Paris"], email: "ann@example.org", when: "2026/07/01 9:00:00 AM GMT+1"),          // 2
            row([13: "Europe/Dublin"], email: " ANN@example.org ", when: "2026/08/01 9:00:00 AM GMT+1"),       // 3: wins
            row([13: "Mars/Olympus"], email: "Ann@Example.org", when: "2026/09/01 9:00:00 AM GMT+1"),           // 4: unusable
            row([13: "Europe/Berlin"], email: "bo@example.org", when: "2026/09/02 9:00:00 AM GMT+1"),           // 5
            row([17: "No"], email: "bo@example.org", when: "2026/09/03 9:00:00 AM GMT+1"),                      // 6: withdraws
            row([13: "Bad"], email: "cy@example.org", when: "2026/09/02 9:00:00 AM GMT+1"),                     // 7: fixed later
            row([13: "Europe/Paris"], email: "cy@example.org", when: "2026/09/05 9:00:00 AM GMT+1"),            // 8
        ].joined(separator: "\r\n")
        let r = read(text)
        #expect(r.recordCount == 7)
        #expect(r.applicants.map(\.email.key) == ["ann@example.org", "cy@example.org"])
        let ann = r.applicants[0]
        #expect(ann.timeZone == "Europe/Dublin" && ann.line == 3 && ann.appliedOn == LocalDate(year: 2026, month: 7, day: 1))
        #expect(r.duplicateResponses == 3) // lines 2, 5, 7
        #expect(r.rejected.map(\.line) == [4, 6])
        #expect(r.diagnostics.contains { $0.line == 2 && $0.severity == .note && $0.message.contains("line 3") })
        #expect(r.diagnostics.contains { $0.line == 4 && $0.severity == .warning && $0.message.contains("line 3 is used") })
        #expect(r.diagnostics.contains { $0.line == 4 && $0.severity == .error })
        // The fixed time zone on line 7 no longer counts as an error.
        #expect(!r.diagnostics.contains { $0.line == 7 && $0.severity == .error })
        #expect(r.diagnostics.contains { $0.line == 7 && $0.severity == .note })
        #expect(r.applicants[1].appliedOn == LocalDate(year: 2026, month: 9, day: 2))
    }

    @Test func missingRequiredColumnRejectsEveryRowWithoutCrashing() {
        let noEmail = header.replacingOccurrences(of: "Email Address", with: "Contact")
        let r = read([noEmail, row(), row(email: "b@example.org")].joined(separator: "\n"))
        #expect(r.recordCount == 2 && r.applicants.isEmpty && r.rejected.count == 2)
        let fileWide = r.diagnostics.filter { $0.line == nil && $0.severity == .error }
        #expect(fileWide.count == 1)
        #expect(fileWide.first?.message.contains("'Email Address' or 'Email'") == true)
        #expect(r.rejected.allSatisfy { $0.reasons == ["no column for the e-mail address (Email Address)"] })
        #expect(r.diagnostics.first?.line == nil)
        #expect(r.diagnostics.contains { $0.severity == .note && $0.message.contains("'Contact'") })
    }

    @Test func unbalancedQuoteAtEndOfFileIsAnErrorAtItsRecord() {
        let text = [header, row(), row([10: "GOALS"], email: "b@example.org"), row(email: "c@example.org")]
            .joined(separator: "\n")
        // An opening quote on line 3 that nothing closes.
        let broken = text.replacingOccurrences(of: "GOALS", with: "\"never closed")
        let r = read(broken)
        let error = r.diagnostics.first { $0.severity == .error }
        #expect(error?.line == 3)
        #expect(r.recordCount == 3)
        #expect(r.applicants.count + r.rejected.count == 3)
        #expect(r.rejected.contains { $0.line == 3 })
        #expect(r.applicants.map(\.email.key) == ["ann@example.org", "c@example.org"])
        #expect(r.applicants.last?.line == 4)
    }

    @Test func emptyAndHeaderOnlyFiles() {
        #expect(read("").hasErrors)
        #expect(read("\n\r\n").recordCount == 0)
        let h = read(header + "\n")
        #expect(!h.hasErrors && h.recordCount == 0)
        #expect(read(header + "\n,,,,,,\n" + row()).recordCount == 1)
        // A trailing delimiter on the header only is not a missing cell.
        let trailing = read(header + ",\n" + row())
        #expect(trailing.applicants.count == 1 && trailing.diagnostics.isEmpty)
        let short = read(header + "\n" + row().split(separator: ",").dropLast(2).joined(separator: ","))
        #expect(short.diagnostics.contains { $0.severity == .warning && $0.line == 2 && $0.message.contains("delimiter may be missing") })
    }

    @Test func numbers() {
        #expect(Reader.number("1,5") == 1.5 && Reader.number("7") == 7 && Reader.number(" 2") == nil)
        #expect(Reader.number("1e3") == nil && Reader.number("0x10") == nil && Reader.number("1.2.3") == nil && Reader.number("nan") == nil)
    }

    @Test func controlCharactersAreReplacedAndTheirCellNamed() {
        let lines = [
            header,                                                                              // 1
            row([2: "Rebecca\u{1B}[31m Ng\u{07}"], email: "r@example.org"),                     // 2
            row([2: "Line\r\nBreak", 3: "Evil\u{202E}Corp"], email: "s@example.org"),           // 3-4
            row([10: "First line\r\nsecond\u{0} line"], email: "t@example.org"),                 // 5-6
            row(email: "nul\u{0}x@example.org"),                                                 // 7
        ]
        let r = read(lines.joined(separator: "\n") + "\n")
        let names = Dictionary(r.applicants.map { ($0.email.key, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(names["r@example.org"]?.name == "Rebecca\u{241B}[31m Ng\u{2407}")
        #expect(names["s@example.org"]?.name == "Line\u{240A}Break") // the CSV reader reads CR LF in a cell as LF
        #expect(names["s@example.org"]?.organisation == "Evil\u{FFFD}Corp")
        #expect(names["t@example.org"]?.goals == "First line\nsecond\u{2400} line", "a paragraph answer keeps its lines")
        for (line, column, count) in [(2, "Full name", 1), (3, "Full name", 1), (3, "Organisation", 1),
                                      (5, "What do you hope to get out of the mentorship?", 1)] {
            let found = r.diagnostics.filter { $0.line == line && $0.column == column && $0.severity == .warning }
            #expect(found.count == count, "line \(line) \(column): \(r.diagnostics.filter { $0.line == line })")
            #expect(found.first?.message.contains("control character") == true)
        }
        // An address with a control character is no address: the row is rejected, and its text is shown visibly.
        let rejected = r.rejected.first { $0.line == 7 }
        #expect(rejected?.email == "nul\u{2400}x@example.org")
        #expect(rejected?.reasons.first?.contains("control character") == true)
        // Nothing printed for the coordinator holds a control character.
        for diagnostic in r.diagnostics {
            #expect(!diagnostic.description.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" })
        }
    }

    @Test func responseDatesOutsideTheSupportedYearsAreErrors() {
        let lines = [header, row(email: "a@example.org", when: "0001/01/01 12:00:00 AM GMT"),
                     row(email: "b@example.org", when: "9999/12/31 11:59:59 PM GMT"),
                     row(email: "c@example.org", when: "2026/10/03 4:12:55 PM GMT+1")]
        let r = read(lines.joined(separator: "\n") + "\n")
        #expect(r.applicants.map(\.email.key) == ["c@example.org"])
        #expect(r.rejected.map(\.line) == [2, 3])
        #expect(r.diagnostics.filter { $0.severity == .error }.map(\.message).allSatisfy { $0.contains("is not a plausible date for a response") })
    }
}
