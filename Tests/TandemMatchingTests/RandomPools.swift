import TandemModel
import TandemTestSupport

enum RandomPools {
    static let areas = Array(FormConfig().areas.prefix(5))
    static let windows = [
        WeeklyWindow(weekday: 1, startMinute: 18 * 60, endMinute: 20 * 60),
        WeeklyWindow(weekday: 2, startMinute: 12 * 60, endMinute: 14 * 60),
        WeeklyWindow(weekday: 3, startMinute: 9 * 60, endMinute: 12 * 60),
        WeeklyWindow(weekday: 4, startMinute: 14 * 60, endMinute: 17 * 60),
    ]

    static func applicants(_ count: Int, rng: inout SeededGenerator) -> [Applicant] {
        var list: [Applicant] = []
        for i in 0..<count {
            let role = [RolePreference.junior, .senior, .either].randomElement(using: &rng)!
            let years = role == .junior ? Double(Int.random(in: 1...8, using: &rng)) : Double(Int.random(in: 1...25, using: &rng))
            let expertise = areas.filter { _ in Bool.random(using: &rng) }
            let development = areas.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
            let availability = windows.filter { _ in Int.random(in: 0..<3, using: &rng) > 0 }
            let zone = Int.random(in: 0..<4, using: &rng) == 0 ? "America/New_York" : "Europe/London"
            var conflicts: [String] = []
            if i > 0 && Int.random(in: 0..<5, using: &rng) == 0 { conflicts.append("p\(Int.random(in: 0..<i, using: &rng))@example.org") }
            let applied = LocalDate(year: 2026, month: 6, day: 1).adding(days: Int.random(in: 0...170, using: &rng))
            list.append(Applicant(
                email: EmailAddress("p\(i)@example.org"), name: "Person \(i)",
                organisation: ["Trust A", "Trust B", "University C"].randomElement(using: &rng)!,
                yearsOfExperience: years, role: role, capacity: Int.random(in: 1...3, using: &rng),
                expertise: expertise, development: development,
                goals: ["teaching and research", "leadership and management", "clinical photography practice"].randomElement(using: &rng)!,
                meeting: [.online, .inPerson, .noPreference].randomElement(using: &rng)!,
                region: ["London", "Scotland"].randomElement(using: &rng)!, timeZone: zone,
                availability: availability, preferredPartner: Int.random(in: 0..<6, using: &rng) == 0 ? "p\(Int.random(in: 0..<count, using: &rng))@example.org" : "",
                conflicts: conflicts, consent: Int.random(in: 0..<12, using: &rng) != 0, appliedOn: applied))
        }
        return list
    }
}
