import Foundation
import Testing
@testable import TandemModel

@Suite struct DatesTests {
    @Test func daysSinceEpochRoundTripsAndWeekdaysAreRight() {
        for z in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(LocalDate(daysSinceEpoch: z).daysSinceEpoch == z)
        }
        #expect(LocalDate(year: 2026, month: 11, day: 22).weekday == 7) // a Sunday
        #expect(LocalDate(year: 2024, month: 2, day: 29).weekday == 4) // a Thursday
        #expect(LocalDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
    }

    @Test func nthWeekdayOfMonth() {
        let march = YearMonth(year: 2027, month: 3)
        #expect(march.day(ordinal: 2, weekday: 2) == LocalDate(year: 2027, month: 3, day: 9))
        #expect(march.day(ordinal: 5, weekday: 3) == LocalDate(year: 2027, month: 3, day: 31))
        #expect(YearMonth(year: 2026, month: 12).adding(months: 2) == YearMonth(year: 2027, month: 2))
        #expect(YearMonth("2026-13") == nil)
        #expect(LocalDate(iso: "2027-02-29") == nil)
    }

    @Test func configRejectsUnknownKeysAndKeepsDefaults() throws {
        let config = try SchemeConfig.load(toml: "[matching]\nwaiting_target_months = 4\n", file: "scheme.toml")
        #expect(config.matching.waitingTargetMonths == 4)
        #expect(config.form.areas.count == 16)
        #expect(throws: ConfigError.self) { try SchemeConfig.load(toml: "[matching]\nwaiting_target = 4\n", file: "s.toml") }
    }
}

@Suite struct ConfigNumberTests {
    @Test func wholeNumbersAreAcceptedWhereDecimalsAreExpected() throws {
        let config = try SchemeConfig.load(toml: "[matching]\nsolver_time_limit_seconds = 30\nexperience_gap_band = [2, 12]\n", file: "s.toml")
        #expect(config.matching.solverTimeLimitSeconds == 30)
        #expect(config.matching.experienceGapBand == [2, 12])
    }

    @Test func safeFileNamesNeverLeaveTheFolder() {
        for raw in ["../../etc/passwd", "/abs/path@x.org", ".hidden@x.org", "a b\\c@x.org", ""] {
            let name = SafeFileName.make(raw)
            #expect(!name.contains("/") && !name.contains("\\") && !name.hasPrefix(".") && !name.isEmpty, "\(raw) → \(name)")
        }
    }
}

@Suite struct ExampleConfigTests {
    /// The documented example must load, and state the defaults.
    @Test func exampleConfigurationLoadsAndEqualsTheDefaults() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/scheme.example.toml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let config = try SchemeConfig.load(toml: text, file: "scheme.example.toml")
        #expect(config == SchemeConfig())
    }
}
