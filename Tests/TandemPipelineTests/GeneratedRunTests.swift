import Foundation
import Testing
import TandemIngest
import TandemMatching
import TandemModel
import TandemPipeline
import TandemScheduling
import TandemTestSupport

/// A generated 2,000-applicant export run through the whole pipeline; every hard rule is checked
/// on the output independently of the code that built it.
@Suite struct GeneratedRunTests {
    @Test(.enabled(if: ApplicationGenerator.available, "needs python3 (for scripts/gen_applications.py)"))
    func everyHardRuleHoldsOnA2000ApplicantRun() throws {
        var config = SchemeConfig()
        // Kept small so the suite stays fast; the benchmark measures the defaults.
        config.matching.candidatesPerPerson = 3
        config.matching.solverTimeLimitSeconds = 5
        config.matching.mipGap = 0.02
        var input = RunInput(applications: try ApplicationGenerator.export(n: 2000, seed: 7, badRate: 0.02, dupRate: 0.04), applicationsFile: "generated.csv",
                             config: config, firstMonth: YearMonth(year: 2026, month: 12))
        input.models = .never
        let output = try MonthlyRun.run(input)
        let pairs = output.matching.pairs
        #expect(pairs.count > 500)

        // Every response is accounted for: paired, not paired, rejected or merged.
        let paired = Set(pairs.flatMap { [$0.senior.email.key, $0.junior.email.key] })
        #expect(paired.count + output.matching.unmatched.count == output.ingest.applicants.count)
        #expect(output.ingest.recordCount == output.ingest.applicants.count + output.ingest.duplicateResponses + output.ingest.rejected.count)

        var juniors: [String: Int] = [:]
        var seniors: [String: Int] = [:]
        for pair in pairs {
            let s = pair.senior, j = pair.junior
            #expect(s.consent && j.consent)
            #expect(s.role != .junior && j.role != .senior)
            #expect(s.yearsOfExperience >= config.matching.minimumSeniorYears)
            #expect(!s.conflicts.map { EmailAddress($0).key }.contains(j.email.key))
            #expect(!j.conflicts.map { EmailAddress($0).key }.contains(s.email.key))
            juniors[j.email.key, default: 0] += 1
            seniors[s.email.key, default: 0] += 1
        }
        #expect(juniors.values.allSatisfy { $0 == 1 })
        for pair in pairs { #expect(seniors[pair.senior.email.key]! <= pair.senior.capacity) }
        #expect(Set(juniors.keys).isDisjoint(with: seniors.keys), "someone is both a senior and a junior")

        // Shared availability: every session inside both partners' windows, in their own zones.
        for scheduled in output.schedule.scheduled {
            #expect(scheduled.sessions.count == 6)
            for session in scheduled.sessions {
                for person in [scheduled.pair.senior, scheduled.pair.junior] {
                    #expect(Self.inside(person, start: session.start, end: session.end), "\(person.email.key) at \(session.start)")
                }
            }
        }
        // Nobody double-booked.
        var sessionsByPerson: [String: [(Int64, Int64)]] = [:]
        for session in output.schedule.allSessions {
            for key in [session.senior.key, session.junior.key] { sessionsByPerson[key, default: []].append((session.start, session.end)) }
        }
        for (person, list) in sessionsByPerson {
            let sorted = list.sorted { $0.0 < $1.0 }
            for (a, b) in zip(sorted, sorted.dropFirst()) { #expect(a.1 <= b.0, "\(person) double-booked") }
        }
    }

    /// Whether [start, end) lies inside one of the person's weekly windows, in their time zone.
    static func inside(_ person: Applicant, start: Int64, end: Int64) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: person.timeZone)!
        let date = Date(timeIntervalSince1970: TimeInterval(start))
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        let weekday = (parts.weekday! + 5) % 7 + 1 // Foundation: 1 = Sunday → ISO: 1 = Monday
        let minute = parts.hour! * 60 + parts.minute!
        let length = Int(end - start) / 60
        // Touching windows (morning then lunchtime) count as one stretch.
        var stretches: [(Int, Int)] = []
        for w in person.availability.filter({ $0.weekday == weekday }).sorted() {
            if let last = stretches.last, last.1 >= w.startMinute { stretches[stretches.count - 1].1 = max(last.1, w.endMinute) }
            else { stretches.append((w.startMinute, w.endMinute)) }
        }
        return stretches.contains { $0.0 <= minute && minute + length <= $0.1 }
    }
}
