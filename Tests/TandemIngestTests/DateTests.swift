import Testing
import TandemModel
@testable import TandemIngest

@Suite struct DateTests {
    func at(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int, _ s: Int, offset: Int? = nil) -> LocalDateTime {
        LocalDateTime(date: LocalDate(year: y, month: m, day: d), secondsOfDay: h * 3600 + min * 60 + s, utcOffset: offset)
    }

    @Test func everyShapeParses() {
        let cases: [(String, DateOrder?, LocalDateTime)] = [
            ("2026/10/03 4:12:55 PM GMT+1", nil, at(2026, 10, 3, 16, 12, 55, offset: 3600)),
            ("2026/10/03 12:05:00 AM GMT", nil, at(2026, 10, 3, 0, 5, 0, offset: 0)),
            ("2026/01/03 12:05:00 PM GMT-5", nil, at(2026, 1, 3, 12, 5, 0, offset: -18000)),
            ("03/10/2026 16:12:55", .dayFirst, at(2026, 10, 3, 16, 12, 55)),
            ("11/3/26 16:12:07", .monthFirst, at(2026, 11, 3, 16, 12, 7)),
            ("2026-10-03T16:12:55Z", nil, at(2026, 10, 3, 16, 12, 55, offset: 0)),
            ("2026-10-03T16:12:55.250+05:30", nil, at(2026, 10, 3, 16, 12, 55, offset: 19800)),
            ("2026-10-03 16:12:55", nil, at(2026, 10, 3, 16, 12, 55)),
            ("2026-10-03", nil, at(2026, 10, 3, 0, 0, 0)),
            ("3.10.2026 16:12", .dayFirst, at(2026, 10, 3, 16, 12, 0)),
        ]
        for (text, order, expected) in cases {
            #expect(TimestampParser.parse(text)?.dateTime(order: order) == expected, "\(text)")
        }
        for bad in ["", "yesterday", "2026/13/03 4:12:55 PM", "2026/02/30", "32/10/2026", "03/10/2026 25:00", "2026-10-03 4:12:55 PM GMT+99",
                    "1/2", "2026/10/03 13:00:00 PM", "03/10/2026 16:12:55 extra"] {
            #expect(TimestampParser.parse(bad)?.dateTime(order: .dayFirst) == nil, "\(bad)")
        }
        #expect(TimestampParser.parse("10/13/2026")?.evidence == .monthFirst)
        #expect(TimestampParser.parse("13/10/2026")?.evidence == .dayFirst)
        #expect(TimestampParser.parse("03/10/2026")?.isAmbiguous == true)
        #expect(TimestampParser.parse("03/03/2026")?.isAmbiguous == false)
    }

    @Test func theColumnDecidesTheOrder() {
        let dayFirst = read([header, row(when: "03/10/2026 10:00:00"), row(email: "b@example.org", when: "13/10/2026 10:00:00")].joined(separator: "\n"))
        #expect(!dayFirst.hasErrors)
        #expect(dayFirst.applicants.first?.appliedOn == LocalDate(year: 2026, month: 10, day: 3))
        let monthFirst = read([header, row(when: "03/10/26 10:00"), row(email: "b@example.org", when: "10/13/26 10:00")].joined(separator: "\n"))
        #expect(monthFirst.applicants.first?.appliedOn == LocalDate(year: 2026, month: 3, day: 10))
    }

    @Test func anAmbiguousColumnAsksForTheSetting() {
        let text = [header, row(when: "03/10/2026 10:00:00"), row(email: "b@example.org", when: "04/04/2026 10:00:00")].joined(separator: "\n")
        let r = read(text)
        let error = r.diagnostics.first { $0.severity == .error }
        #expect(error?.line == nil && error?.column == "Timestamp" && error?.message.contains("date_order") == true)
        // No guessing: the ambiguous row is not used; the one with equal day and month is.
        #expect(r.applicants.map(\.email.key) == ["b@example.org"])
        #expect(r.rejected.map(\.line) == [2])
        var config = FormConfig()
        config.dateOrder = .monthFirst
        let settled = read(text, config: config)
        #expect(!settled.hasErrors && settled.applicants.count == 2)
        #expect(settled.applicants.first?.appliedOn == LocalDate(year: 2026, month: 3, day: 10))
    }

    @Test func mixedOrdersAreAnError() {
        let r = read([header, row(when: "13/10/2026 10:00:00"), row(email: "b@example.org", when: "10/13/2026 10:00:00")].joined(separator: "\n"))
        #expect(r.diagnostics.contains { $0.severity == .error && $0.line == nil && $0.message.contains("mix") })
    }
}
