import Foundation
import TandemModel

/// Scores every allowed senior–junior pair of a pool. Everything that does not depend on the pair
/// (area bitmasks and their scarcity, availability grids, text vectors, normalised organisations)
/// is computed once, so a pair costs a handful of word operations.
public struct Scorer: Sendable {
    public let pool: Pool
    let config: MatchingConfig
    let grid: AvailabilityGrid
    let text: TextProfiles
    let expertiseMask: [UInt64]
    let developmentMask: [UInt64]
    /// Scarcity weight of each area when a senior offers it, and when a junior offers it.
    let seniorAreaWeight: [Double]
    let juniorAreaWeight: [Double]
    let areas: [String]
    let organisation: [String]
    let conflicts: [Set<Int>]
    let preferred: [Int?]
    let neverPairs: Set<Int64>
    public let seniorBlock: [String?]
    public let juniorBlock: [String?]

    /// - Throws: when the configuration lists more than 64 areas (the scorer keeps areas in bitmasks).
    public init(pool: Pool, config: SchemeConfig) throws(MatchingError) {
        self.pool = pool
        self.config = config.matching
        let applicants = pool.applicants
        areas = config.form.areas
        guard areas.count <= 64 else { throw .tooManyAreas(areas.count) }
        let areaIndex = Dictionary(areas.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        func mask(_ names: [String]) -> UInt64 {
            names.reduce(0) { m, name in areaIndex[name].map { m | (1 << UInt64($0)) } ?? m }
        }
        let expertise = applicants.map { mask($0.expertise) }
        expertiseMask = expertise
        developmentMask = applicants.map { mask($0.development) }
        let areaCount = areas.count

        let minimumYears = config.matching.minimumSeniorYears
        var seniorBlock: [String?] = []
        var juniorBlock: [String?] = []
        for a in applicants {
            var senior: String?
            var junior: String?
            if !a.consent { senior = "did not consent to share their details"; junior = senior }
            if a.role == .junior { senior = senior ?? "applied as a junior partner" }
            if a.role == .senior { junior = junior ?? "applied as a senior partner" }
            if senior == nil && a.yearsOfExperience < minimumYears {
                senior = "has \(Self.years(a.yearsOfExperience)) of experience, fewer than \(Self.years(minimumYears))"
            }
            if senior == nil && (pool.capacityInUse[a.email.key] ?? 0) >= a.capacity {
                senior = "all \(a.capacity) of their places are taken by active pairs"
            }
            if junior == nil && pool.activeJuniors.contains(a.email.key) {
                junior = "already in an active pair as a junior"
            }
            seniorBlock.append(senior)
            juniorBlock.append(junior)
        }
        self.seniorBlock = seniorBlock
        self.juniorBlock = juniorBlock

        // Scarcity: an area few possible partners offer counts more.
        func scarcity(offeredBy eligible: [Bool]) -> [Double] {
            let count = Double(eligible.filter { $0 }.count)
            return (0..<areaCount).map { a in
                let offering = zip(expertise, eligible).filter { $0.1 && $0.0 & (1 << UInt64(a)) != 0 }.count
                return 1 + log((count + 1) / (Double(offering) + 1))
            }
        }
        seniorAreaWeight = scarcity(offeredBy: seniorBlock.map { $0 == nil })
        juniorAreaWeight = scarcity(offeredBy: juniorBlock.map { $0 == nil })

        let excluded: Set<String> = ["", "freelance", "self employed", "selfemployed", "none", "n a", "na", "independent"]
        organisation = applicants.map {
            let name = OrganisationName.normalise($0.organisation)
            return excluded.contains(name) ? "" : name
        }
        let byKey = Dictionary(applicants.enumerated().map { ($0.element.email.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        var byName: [String: Int] = [:]
        for (i, a) in applicants.enumerated() {
            let name = PersonName.normalise(a.name)
            if !name.isEmpty { byName[name] = byName[name] == nil ? i : -1 } // -1: ambiguous name
        }
        func person(_ typed: String) -> Int? {
            let key = EmailAddress(typed).key
            if let i = byKey[key] { return i }
            if let i = byName[PersonName.normalise(typed)], i >= 0 { return i }
            return nil
        }
        var conflicts = [Set<Int>](repeating: [], count: applicants.count)
        for (i, a) in applicants.enumerated() {
            for entry in a.conflicts {
                if let j = person(entry), j != i {
                    conflicts[i].insert(j)
                    conflicts[j].insert(i)
                }
            }
        }
        self.conflicts = conflicts
        preferred = applicants.map { $0.preferredPartner.isEmpty ? nil : person($0.preferredPartner) }
        var never: Set<Int64> = []
        for pair in pool.overrides.neverPair {
            let keys = pair.sorted()
            if keys.count == 2, let a = byKey[keys[0]], let b = byKey[keys[1]] {
                never.insert(Self.unorderedKey(a, b))
            }
        }
        neverPairs = never
        grid = AvailabilityGrid(applicants: applicants, firstMonth: pool.firstMonth,
                                sessionMinutes: config.sessions.durationMinutes)
        text = TextProfiles(applicants: applicants)
    }

    static func unorderedKey(_ a: Int, _ b: Int) -> Int64 { Int64(min(a, b)) << 32 | Int64(max(a, b)) }

    static func years(_ y: Double) -> String {
        let text = y == y.rounded() ? String(Int(y)) : String(format: "%.1f", y)
        return y == 1 ? "\(text) year" : "\(text) years"
    }

    /// The first hard rule that forbids senior `s` with junior `j`, or nil when the pair is allowed.
    public func rule(senior s: Int, junior j: Int) -> PairRule? {
        if s == j { return .samePerson }
        if let why = seniorBlock[s] { return .cannotBeSenior(why) }
        if let why = juniorBlock[j] { return .cannotBeJunior(why) }
        return pairRule(s, j)
    }

    /// The rules that depend on both people (roles already checked).
    private func pairRule(_ s: Int, _ j: Int) -> PairRule? {
        if conflicts[s].contains(j) {
            let namer = pool.applicants[s].conflicts.isEmpty ? pool.applicants[j].name : pool.applicants[s].name
            return .conflict(namedBy: namer)
        }
        if !neverPairs.isEmpty && neverPairs.contains(Self.unorderedKey(s, j)) { return .neverPairOverride }
        if !pool.pairsMadeBefore.isEmpty,
           pool.pairsMadeBefore.contains(Pool.pairKey(senior: pool.applicants[s].email.key, junior: pool.applicants[j].email.key)) {
            return .pairedBefore
        }
        if !pool.unschedulable.isEmpty,
           let why = pool.unschedulable[Pool.pairKey(senior: pool.applicants[s].email.key, junior: pool.applicants[j].email.key)] {
            return .noMonthlySlot(why)
        }
        if config.sameOrganisation == "forbid" && !organisation[s].isEmpty && organisation[s] == organisation[j] {
            return .sameOrganisationForbidden
        }
        if !grid.overlap(s, j).everyMonth { return .noCommonTime }
        return nil
    }

    /// The pair's score, part by part (whether or not the pair is allowed). Pruning ranks every
    /// allowed pair by points alone, so it skips the area names (`withAreaNames: false`).
    public func score(senior s: Int, junior j: Int, withAreaNames: Bool = true) -> ScoreBreakdown {
        let a = pool.applicants
        var b = ScoreBreakdown()
        b.development = config.developmentWeight * coverage(wanted: developmentMask[j], offered: expertiseMask[s], weights: seniorAreaWeight)
        b.reciprocal = config.reciprocalWeight * coverage(wanted: developmentMask[s], offered: expertiseMask[j], weights: juniorAreaWeight)
        if withAreaNames {
            b.areasForJunior = names(developmentMask[j] & expertiseMask[s])
            b.areasForSenior = names(developmentMask[s] & expertiseMask[j])
        }
        let overlap = grid.overlap(s, j)
        b.commonHoursPerWeek = (overlap.hoursPerWeek * 100).rounded() / 100
        b.availability = config.availabilityWeight * min(1, overlap.hoursPerWeek / config.fullAvailabilityHours)
        b.experience = config.experienceWeight * experienceFit(a[s].yearsOfExperience - a[j].yearsOfExperience)
        b.meeting = config.meetingWeight * meetingFit(a[s], a[j])
        if config.goalsWeight > 0 { b.goals = config.goalsWeight * text.closeness(s, j) }
        var named = 0
        if preferred[j] == s { named += 1 }
        if preferred[s] == j { named += 1 }
        b.preferredPartner = config.preferredPartnerBonus * Double(named)
        if config.sameOrganisation == "penalise" && !organisation[s].isEmpty && organisation[s] == organisation[j] {
            b.organisation = -config.sameOrganisationPenalty
        }
        // Round each part so that the parts add up exactly to the total shown.
        for keyPath in [\ScoreBreakdown.development, \.reciprocal, \.availability, \.experience, \.meeting, \.goals] {
            b[keyPath: keyPath] = (b[keyPath: keyPath] * 100).rounded() / 100
        }
        return b
    }

    private func coverage(wanted: UInt64, offered: UInt64, weights: [Double]) -> Double {
        guard wanted != 0 else { return 0 }
        var total = 0.0, covered = 0.0
        var bits = wanted
        while bits != 0 {
            let a = bits.trailingZeroBitCount
            bits &= bits - 1
            total += weights[a]
            if offered & (1 << UInt64(a)) != 0 { covered += weights[a] }
        }
        return covered / total
    }

    private func names(_ mask: UInt64) -> [String] {
        (0..<areas.count).filter { mask & (1 << UInt64($0)) != 0 }.map { areas[$0] }
    }

    /// 1 inside the preferred band, falling to 0 five years outside it; 0 when the "senior" is not more experienced.
    private func experienceFit(_ gap: Double) -> Double {
        guard gap > 0 else { return 0 }
        let band = config.experienceGapBand
        let distance = gap < band[0] ? band[0] - gap : gap > band[1] ? gap - band[1] : 0
        return max(0, 1 - distance / 5)
    }

    private func meetingFit(_ x: Applicant, _ y: Applicant) -> Double {
        let inPerson = [x.meeting, y.meeting].filter { $0 == .inPerson }.count
        if inPerson == 0 { return 1 }
        let sameRegion = !x.region.isEmpty && x.region == y.region
        if sameRegion { return 1 }
        return inPerson == 1 ? 0.5 : 0
    }

    /// Every allowed pair, keeping for each person only their best `candidatesPerPerson` partners
    /// (seniors: that many per place), plus must-pairs and `extraPairs` (senior, junior) — the matcher
    /// adds every allowed pair of an overdue applicant whom the pruned solve left unpaired.
    public func candidates(extraPairs: [(Int, Int)] = []) -> CandidateSet {
        let applicants = pool.applicants
        let n = applicants.count
        let k = config.candidatesPerPerson
        let seniors = (0..<n).filter { seniorBlock[$0] == nil }
        let juniors = (0..<n).filter { juniorBlock[$0] == nil }
        var bestForJunior = [[(points: Int, other: Int)]](repeating: [], count: n)
        var bestForSenior = [[(points: Int, other: Int)]](repeating: [], count: n)
        var allowed = 0
        var hasPartner = [Bool](repeating: false, count: n)
        for j in juniors {
            for s in seniors where s != j {
                guard pairRule(s, j) == nil else { continue }
                allowed += 1
                hasPartner[s] = true
                hasPartner[j] = true
                let points = score(senior: s, junior: j, withAreaNames: false).points
                Self.insert(&bestForJunior[j], (points, s), limit: k)
                Self.insert(&bestForSenior[s], (points, j), limit: k * max(1, applicants[s].capacity))
            }
        }
        var kept = Set<Int64>()
        var pairs: [(Int, Int)] = extraPairs
        for j in juniors { for c in bestForJunior[j] { pairs.append((c.other, j)) } }
        for s in seniors { for c in bestForSenior[s] { pairs.append((s, c.other)) } }
        let byKey = Dictionary(applicants.enumerated().map { ($0.element.email.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for must in pool.overrides.mustPair {
            if let s = byKey[must.senior], let j = byKey[must.junior], rule(senior: s, junior: j) == nil {
                pairs.append((s, j))
            }
        }
        var list: [Candidate] = []
        for (s, j) in pairs where kept.insert(Int64(s) << 32 | Int64(j)).inserted && rule(senior: s, junior: j) == nil {
            list.append(Candidate(senior: s, junior: j, score: score(senior: s, junior: j)))
        }
        list.sort { ($0.senior, $0.junior) < ($1.senior, $1.junior) }
        return CandidateSet(candidates: list, allowedPairs: allowed, hasAllowedPartner: hasPartner)
    }

    /// Keeps `list` as the best `limit` entries, highest points first, ties by lower index.
    private static func insert(_ list: inout [(points: Int, other: Int)], _ entry: (Int, Int), limit: Int) {
        if list.count == limit, let last = list.last, (last.points, -last.other) >= (entry.0, -entry.1) { return }
        var i = list.count
        while i > 0, (list[i - 1].points, -list[i - 1].other) < (entry.0, -entry.1) { i -= 1 }
        list.insert((points: entry.0, other: entry.1), at: i)
        if list.count > limit { list.removeLast() }
    }
}

/// The pairs handed to the solver, and how many allowed pairs there were before pruning.
public struct CandidateSet: Sendable {
    public var candidates: [Candidate]
    public var allowedPairs: Int
    /// Per applicant: whether any allowed pair exists before pruning.
    public var hasAllowedPartner: [Bool]
}

extension Scorer {
    /// Every allowed pair in which `person` takes either role, as (senior, junior).
    func allowedPairs(of person: Int) -> [(Int, Int)] {
        var pairs: [(Int, Int)] = []
        for other in pool.applicants.indices where other != person {
            if rule(senior: person, junior: other) == nil { pairs.append((person, other)) }
            if rule(senior: other, junior: person) == nil { pairs.append((other, person)) }
        }
        return pairs
    }
}

public enum MatchingError: Error, Sendable, CustomStringConvertible {
    case tooManyAreas(Int)
    case mustPairNotAllowed(senior: String, junior: String, why: String)
    case mustPairsOverCapacity(senior: String, count: Int, capacity: Int)
    case solver(String)
    case ruleBroken(String)

    public var description: String {
        switch self {
        case let .tooManyAreas(n): return "the configuration lists \(n) areas; Tandem handles at most 64"
        case let .mustPairNotAllowed(s, j, why): return "the override pairing \(s) with \(j) cannot be made: \(why)"
        case let .mustPairsOverCapacity(s, count, capacity):
            return "the overrides give \(s) \(count) juniors, but they can take only \(capacity)"
        case let .solver(message): return "the solver failed: \(message)"
        case let .ruleBroken(message): return "internal check failed, no pairs written: \(message)"
        }
    }
}
