import Foundation
import Testing
import TandemMatching
import TandemModel
import TandemPipeline

/// Matching and scheduling agree (issue 39): nobody past the waiting target is left "chosen for a
/// pair the scheduler could not fit" while another senior could take them. The pool is built so
/// that every round the matching gives one senior a third junior the senior has no slot for (two
/// monthly slots only: one week, one-hour starts in a two-hour window), since the juniors score far
/// higher with that senior than with the others; the scheduler turns one pair away each round, and
/// it takes five rounds to rule out all four, more than the usual three.
struct ScheduleRoundsTests {
    static let tuesday = "Tuesday lunchtime (12:00-14:00)"
    static let tuesdayAndThursday = "Tuesday lunchtime (12:00-14:00);Thursday lunchtime (12:00-14:00)"

    static let header = "Timestamp,Email Address,Full name,Organisation,Job title,Years of professional experience,"
        + "I would like to join the scheme as,How many junior partners could you support at once?,My areas of expertise,"
        + "Areas I would like to develop,What do you hope to get out of the mentorship?,Preferred way to meet,"
        + "Nearest city or region,Your time zone,When are you usually free for a one-hour session? (your local time),"
        + "\"Preferred partner (e-mail, optional)\",\"People you should not be paired with (e-mails, optional)\","
        + "\"I agree that my name, e-mail and answers may be shared with my mentoring partner and the scheme coordinator\""

    static func row(_ day: Int, _ email: String, _ name: String, organisation: String, years: Int, role: String, capacity: String,
                    expertise: String, development: String, free: String) -> String {
        "2026/05/\(String(format: "%02d", day)) 9:00:00 AM GMT+1,\(email),\(name),\(organisation),Photographer,\(years),\(role),\(capacity),"
            + "\(expertise),\(development),Learning from each other.,Online (video call),London,Europe/London,"
            + "\(free),,,Yes"
    }

    @Test func nobodyPastTheTargetIsLeftChosenButNotMadeWhileAnotherSeniorCouldTakeThem() throws {
        var rows = [Self.header]
        // The senior every junior scores best with: three places, their expertise what the juniors want.
        rows.append(Self.row(1, "sam@a.example", "Sam Senior", organisation: "Alpha", years: 20, role: "Senior partner (mentor)",
                             capacity: "3", expertise: "Clinical photography;Video and animation", development: "Career progression",
                             free: Self.tuesday))
        // Two other seniors, two places each, who offer other areas and are free on Thursdays too.
        for t in 1...2 {
            rows.append(Self.row(1 + t, "t\(t)@b\(t).example", "Tess Other\(t)", organisation: "Beta\(t)", years: 15,
                                 role: "Senior partner (mentor)", capacity: "2", expertise: "Management and leadership",
                                 development: "Career progression", free: Self.tuesdayAndThursday))
        }
        // Six juniors, all applied in May: past the three-month target for December's sessions.
        for j in 1...6 {
            rows.append(Self.row(6 + j, "j\(j)@c\(j).example", "Jo Junior\(j)", organisation: "Gamma\(j)", years: 1,
                                 role: "Junior partner (mentee)", capacity: "", expertise: "Digital asset management",
                                 development: "Clinical photography;Video and animation", free: Self.tuesdayAndThursday))
        }
        var config = SchemeConfig()
        config.sessions.weeks = [1]
        config.sessions.startStepMinutes = 60
        var input = RunInput(applications: Array((rows.joined(separator: "\n") + "\n").utf8), applicationsFile: "applications.csv",
                             config: config, firstMonth: YearMonth(year: 2026, month: 12))
        input.models = .never
        let output = try MonthlyRun.run(input)

        let chosenNotMade = output.matching.unmatched.filter { $0.reason.hasPrefix("chosen for a pair the scheduler could not fit") }
        #expect(chosenNotMade.isEmpty, "left without a slot: \(chosenNotMade.map { ($0.applicant.email.key, $0.overdue) })")
        #expect(output.rounds > MatchingLimits.scheduleRounds, "the pool was meant to need more than the usual rounds: \(output.rounds)")
        #expect(output.rounds <= MatchingLimits.overdueScheduleRounds)
        // Everyone is paired: Sam's two slots and the other seniors' four places.
        #expect(output.schedule.scheduled.count == 6 && output.schedule.unscheduled.isEmpty)
        #expect(output.matching.pairs.filter { $0.senior.email.key == "sam@a.example" }.count == 2)
    }
}
