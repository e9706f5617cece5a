import Foundation
import Testing
import TandemModel
@testable import TandemIngest

/// The time-zone question: every zone the database resolves is accepted, in any case; fixed offsets
/// are kept with a warning naming the applicant's likely zone.
@Suite struct TimeZoneTests {
    /// The form's dropdown as docs/form.md lists it, written out here rather than read from the reader's
    /// own list, so a zone dropped from the code is caught.
    static let formDropdown = [
        "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "America/New_York", "America/Toronto",
        "America/Chicago", "America/Los_Angeles", "Australia/Sydney", "Pacific/Auckland", "Asia/Singapore", "Asia/Kolkata",
    ]

    /// Current names of renamed zones and the backward names they replaced (Foundation on Linux lists
    /// only some of either in `knownTimeZoneIdentifiers`).
    static let renamed = ["Asia/Kolkata", "Europe/Kyiv", "America/Nuuk", "Asia/Calcutta", "Europe/Kiev", "Asia/Ho_Chi_Minh",
                          "Asia/Saigon", "Asia/Yangon", "Pacific/Kanton", "US/Eastern", "Europe/Belfast"]

    /// One row per answer, each its own applicant; region "London" unless given.
    static func rows(_ zones: [String], region: String = "London") -> String {
        ([header] + zones.enumerated().map { row([12: region, 13: $0.element], email: "p\($0.offset)@example.org") })
            .joined(separator: "\n") + "\n"
    }

    @Test(arguments: formDropdown + renamed)
    func everyFormZoneAndRenamedZoneIsAccepted(zone: String) {
        let r = read(Self.rows([zone]))
        #expect(r.rejected.isEmpty, "\(zone): \(r.diagnostics)")
        #expect(r.applicants.map(\.timeZone) == [zone])
        #expect(r.diagnostics.filter { $0.column == "Your time zone" }.isEmpty, "\(r.diagnostics)")
    }

    @Test func answersAreMatchedWithoutCaseAndSpacesAndMistakesGetASuggestion() {
        let r = read(Self.rows(["asia/kolkata", " EUROPE/KYIV ", "america/nuuk", "Asia/Kolkatta", "Europe/Kyyiv", "Mars/Olympus"]))
        #expect(r.applicants.map(\.timeZone) == ["Asia/Kolkata", "Europe/Kyiv", "America/Nuuk"])
        let errors = r.diagnostics.filter { $0.severity == .error }.map(\.description)
        #expect(errors == [
            "applications.csv:5:Your time zone: error: 'Asia/Kolkatta' is not a time zone; choose one from the form's list, such as Asia/Kolkata",
            "applications.csv:6:Your time zone: error: 'Europe/Kyyiv' is not a time zone; choose one from the form's list, such as Europe/Kyiv",
            "applications.csv:7:Your time zone: error: 'Mars/Olympus' is not a time zone; choose one from the form's list, such as Europe/London",
        ])
    }

    /// Every name in the machine's tzdata folder that Foundation resolves is accepted, in lower case too.
    @Test func everyZoneTheDatabaseResolvesIsAccepted() {
        let names = TimeZoneCatalog.tzdataNames().filter { TimeZone(identifier: $0) != nil }
        #expect(names.count > 400 || names.isEmpty, "tzdata folder read only partly: \(names.count)")
        let catalog = TimeZoneCatalog(configured: nil)
        for name in names {
            #expect(catalog.canonical(name) == name, "\(name)")
            #expect(catalog.canonical(name.lowercased()) == name, "\(name.lowercased())")
        }
        for name in TimeZone.knownTimeZoneIdentifiers { #expect(catalog.canonical(name.uppercased()) == name) }
    }

    /// A fixed offset is kept (the row is usable) with a warning at its line and column, naming the
    /// zone the region answer points to, or one with the same standard offset, or Europe/London.
    @Test func aFixedOffsetIsAWarningNamingTheLikelyZone() {
        let cases: [(zone: String, region: String, stored: String, likely: String)] = [
            ("UTC", "London", "UTC", "Europe/London (for the region London)"),
            ("GMT", "Scotland", "GMT", "Europe/London (for the region Scotland)"),
            ("Etc/UTC", "Republic of Ireland", "Etc/UTC", "Europe/Dublin (for the region Republic of Ireland)"),
            ("Etc/GMT-1", "Europe (outside UK and Ireland)", "Etc/GMT-1", "such as Europe/Paris"),
            ("UTC+1", "Other", "GMT+0100", "such as Europe/Paris"),
            ("utc+5:30", "Other", "GMT+0530", "such as Asia/Kolkata"),
            ("GMT-5", "North America", "GMT-0500", "such as America/New_York"),
            ("Etc/GMT-10", "Australia and New Zealand", "Etc/GMT-10", "such as Australia/Sydney"),
            ("UTC-3", "Other", "GMT-0300", "such as Europe/London"),
        ]
        for (index, item) in cases.enumerated() {
            let r = read(Self.rows([item.zone], region: item.region))
            #expect(r.applicants.map(\.timeZone) == [item.stored], "\(item.zone)")
            #expect(TimeZone(identifier: item.stored) != nil)
            let warnings = r.diagnostics.filter { $0.column == "Your time zone" }
            #expect(warnings.count == 1, "\(item.zone): \(r.diagnostics)")
            guard let warning = warnings.first else { continue }
            #expect(warning.severity == .warning && warning.line == 2, "\(index)")
            #expect(warning.description.hasPrefix("applications.csv:2:Your time zone: warning: '\(item.zone)' is one offset all year"))
            #expect(warning.message.hasSuffix("correct the cell to the applicant's own zone, \(item.likely)"), "\(warning.message)")
        }
        // Regional zones without daylight saving are not fixed offsets.
        let regional = read(Self.rows(["Asia/Singapore", "Asia/Kolkata", "Pacific/Kanton"]))
        #expect(regional.diagnostics.filter { $0.column == "Your time zone" }.isEmpty)
    }

    /// With the configuration's own list, the warning names only a zone the form offers, and there is
    /// none when it offers no regional zone.
    @Test func aConfiguredListLimitsTheSuggestion() {
        var config = FormConfig()
        config.timeZones = ["UTC", "Europe/Dublin"]
        let offered = read(Self.rows(["UTC", "utc"]), config: config)
        #expect(offered.applicants.map(\.timeZone) == ["UTC", "UTC"])
        #expect(offered.diagnostics.filter { $0.severity == .warning }.map(\.message).allSatisfy { $0.hasSuffix("such as Europe/Dublin") })
        #expect(offered.diagnostics.filter { $0.severity == .warning }.count == 2)
        config.timeZones = ["UTC"]
        let only = read(Self.rows(["UTC"]), config: config)
        #expect(only.applicants.count == 1 && only.diagnostics.isEmpty, "\(only.diagnostics)")
        config.timeZones = ["Europe/London"]
        let outside = read(Self.rows(["Asia/Kolkata"]), config: config)
        #expect(outside.diagnostics.map(\.message) == ["'Asia/Kolkata' is not one of the form's time zones; choose one from the form's list, such as Europe/London"])
    }
}
