import Foundation
import TandemModel

/// Scores every allowed senior–junior pair of a pool. Everything that does not depend on the pair
/// (area bitmasks and their scarcity, availability grids, text vectors, normalised organisations,
/// the pairs ruled out by index) is computed once, so a pair costs a handful of word operations.
/// `candidates` goes further (see `CandidateSearch`): it finds each person's best partners without
/// scoring every pair in full, with exactly the result of scoring them all.
public struct Scorer: Sendable {
    public private(set) var pool: Pool
    let config: MatchingConfig
    let grid: AvailabilityGrid
    let patterns: MonthlyPatterns
    let text: TextProfiles
    let expertiseMask: [UInt64]
    let developmentMask: [UInt64]
    /// Scarcity weight of each area when a senior offers it, and when a junior offers it.
    let seniorAreaWeight: [Double]
    let juniorAreaWeight: [Double]
    let areas: [String]
    let organisation: [String]
    let conflicts: [Set<Int>]
    /// (who named, whom) as `namer << 32 | named`: a conflict's rule names the person who listed it.
    let conflictNamedBy: Set<Int64>
    let preferred: [Int?]
    let neverPairs: Set<Int64>
    public let seniorBlock: [String?]
    public let juniorBlock: [String?]
    /// Per person: years of experience, whether they want to meet in person, and their region and
    /// normalised organisation as small numbers (-1: no region; 0: no organisation that counts).
    let years: [Double]
    let inPerson: [Bool]
    let regionID: [Int32]
    let organisationID: [Int32]
    /// `pool.pairsMadeBefore` and `pool.unschedulable` by index pair (`orderedKey(senior, junior)`).
    let madeBefore: Set<Int64>
    private(set) var unschedulable: [Int64: String]
    /// The run's clock and debug lines.
    let instruments: Instruments

    /// - Throws: when the configuration lists more than 64 areas (the scorer keeps areas in bitmasks).
    public init(pool: Pool, config: SchemeConfig, instruments: Instruments = .system) throws(MatchingError) {
        let started = instruments.now()
        defer { instruments.debug("scorer: ready in \(instruments.seconds(since: started))s") }
        self.instruments = instruments
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

        var seniorBlock: [String?] = []
        var juniorBlock: [String?] = []
        for i in applicants.indices {
            let blocks = pool.roleBlocks(i, minimumSeniorYears: config.matching.minimumSeniorYears)
            seniorBlock.append(blocks.senior)
            juniorBlock.append(blocks.junior)
        }
        self.seniorBlock = seniorBlock
        self.juniorBlock = juniorBlock

        // Scarcity: an area few possible partners offer counts more.
        func scarcity(offeredBy eligible: [Bool]) -> [Double] {
            let count = Double(eligible.filter { $0 }.count)
            var offering = [Int](repeating: 0, count: areaCount)
            for (m, ok) in zip(expertise, eligible) where ok {
                var bits = m
                while bits != 0 {
                    let a = bits.trailingZeroBitCount
                    bits &= bits - 1
                    if a < areaCount { offering[a] += 1 }
                }
            }
            return (0..<areaCount).map { a in 1 + log((count + 1) / (Double(offering[a]) + 1)) }
        }
        seniorAreaWeight = scarcity(offeredBy: seniorBlock.map { $0 == nil })
        juniorAreaWeight = scarcity(offeredBy: juniorBlock.map { $0 == nil })

        (organisation, organisationID, regionID) = Self.organisationsAndRegions(applicants)
        years = applicants.map(\.yearsOfExperience)
        inPerson = applicants.map { $0.meeting == .inPerson }

        let named = Self.namedPeople(applicants)
        (conflicts, conflictNamedBy, preferred) = (named.conflicts, named.namedBy, named.preferred)
        let byKey = named.byKey
        var never: Set<Int64> = []
        for pair in pool.overrides.neverPair {
            let keys = pair.sorted()
            if keys.count == 2, let a = byKey[keys[0]], let b = byKey[keys[1]] {
                never.insert(Self.unorderedKey(a, b))
            }
        }
        neverPairs = never

        // Two people paired before are never paired again, in either order of roles.
        madeBefore = Self.indexPairs(Array(pool.pairsMadeBefore), of: applicants).reduce(into: []) { set, found in
            for key in found.pairs {
                set.insert(key)
                set.insert(Self.orderedKey(Int(key & 0xFFFF_FFFF), Int(key >> 32)))
            }
        }
        unschedulable = Self.indexed(pool.unschedulable, of: applicants)

        grid = AvailabilityGrid(applicants: applicants, firstMonth: pool.firstMonth)
        let began = instruments.now()
        patterns = MonthlyPatterns(applicants: applicants, canBeSenior: seniorBlock.map { $0 == nil },
                                   canBeJunior: juniorBlock.map { $0 == nil }, firstMonth: pool.firstMonth,
                                   sessions: config.sessions, blackouts: pool.blackoutDays)
        instruments.debug("scorer: monthly patterns in \(instruments.seconds(since: began))s, \(patterns.classCount) zone classes")
        text = TextProfiles(applicants: applicants)
    }

    /// Each applicant's organisation normalised (empty: none that counts, such as "freelance"),
    /// with a small number for it (0: none) and for their region (-1: none).
    static func organisationsAndRegions(_ applicants: [Applicant]) -> (names: [String], organisationID: [Int32], regionID: [Int32]) {
        let excluded: Set<String> = ["", "freelance", "self employed", "selfemployed", "none", "n a", "na", "independent"]
        var normalised: [String: String] = [:]
        let names = applicants.map {
            if let known = normalised[$0.organisation] { return known }
            let name = OrganisationName.normalise($0.organisation)
            let kept = excluded.contains(name) ? "" : name
            normalised[$0.organisation] = kept
            return kept
        }
        var organisationIDs: [String: Int32] = ["": 0]
        let organisationID = names.map { name in
            if let id = organisationIDs[name] { return id }
            let id = Int32(organisationIDs.count)
            organisationIDs[name] = id
            return id
        }
        var regionIDs: [String: Int32] = [:]
        let regionID = applicants.map { a -> Int32 in
            if a.region.isEmpty { return -1 }
            if let id = regionIDs[a.region] { return id }
            let id = Int32(regionIDs.count)
            regionIDs[a.region] = id
            return id
        }
        return (names, organisationID, regionID)
    }

    /// The people the form names: conflicts (kept both ways, and who named whom) and preferred
    /// partners, each found by e-mail or by a name no one else has; and applicants by e-mail key.
    static func namedPeople(_ applicants: [Applicant])
        -> (conflicts: [Set<Int>], namedBy: Set<Int64>, preferred: [Int?], byKey: [String: Int]) {
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
        var named = Set<Int64>()
        for (i, a) in applicants.enumerated() {
            for entry in a.conflicts {
                if let j = person(entry), j != i {
                    conflicts[i].insert(j)
                    conflicts[j].insert(i)
                    named.insert(Int64(i) << 32 | Int64(j))
                }
            }
        }
        let preferred = applicants.map { $0.preferredPartner.isEmpty ? nil : person($0.preferredPartner) }
        return (conflicts, named, preferred, byKey)
    }

    static func unorderedKey(_ a: Int, _ b: Int) -> Int64 { Int64(min(a, b)) << 32 | Int64(max(a, b)) }
    static func orderedKey(_ senior: Int, _ junior: Int) -> Int64 { Int64(senior) << 32 | Int64(junior) }

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

    var forbidsSameOrganisation: Bool { config.sameOrganisation == "forbid" }
    var penalisesSameOrganisation: Bool { config.sameOrganisation == "penalise" }

    /// The rules that depend on both people (roles already checked).
    private func pairRule(_ s: Int, _ j: Int) -> PairRule? {
        if conflicts[s].contains(j) {
            // Whoever listed the other (the senior when both did).
            let namer = conflictNamedBy.contains(Int64(s) << 32 | Int64(j)) ? pool.applicants[s].name : pool.applicants[j].name
            return .conflict(namedBy: namer)
        }
        if !neverPairs.isEmpty && neverPairs.contains(Self.unorderedKey(s, j)) { return .neverPairOverride }
        if !madeBefore.isEmpty && madeBefore.contains(Self.orderedKey(s, j)) { return .pairedBefore }
        if !unschedulable.isEmpty, let why = unschedulable[Self.orderedKey(s, j)] { return .noMonthlySlot(why) }
        if forbidsSameOrganisation && organisationID[s] != 0 && organisationID[s] == organisationID[j] {
            return .sameOrganisationForbidden
        }
        if !patterns.fits(s, j) { return .noCommonTime }
        return nil
    }

    /// A part of the score rounded to hundredths, so that the parts add up exactly to the total shown.
    @inline(__always) static func hundredths(_ x: Double) -> Double { roundedHalfAway(x * 100) / 100 }

    /// Exactly `t.rounded()` (to nearest, halves away from zero, the sign of a zero kept) without
    /// calling the C library, which the generic x86-64 target otherwise does for every part.
    @inline(__always) static func roundedHalfAway(_ t: Double) -> Double {
        guard abs(t) < 0x1p52 else { return t.rounded() } // also NaN; from 2^52 on every Double is whole
        let whole = Int(t) // toward zero, exact here
        let fraction = t - Double(whole) // exact: the low bits of t
        let r = whole + (fraction >= 0.5 ? 1 : 0) - (fraction <= -0.5 ? 1 : 0)
        // A nonzero result has the sign of t; a zero takes it too (-0.3 rounds to -0.0).
        return Double(signOf: t, magnitudeOf: Double(r))
    }

    /// The pair's score, part by part (whether or not the pair is allowed). Pruning ranks every
    /// allowed pair by points alone, so it skips the area names (`withAreaNames: false`).
    public func score(senior s: Int, junior j: Int, withAreaNames: Bool = true) -> ScoreBreakdown {
        var b = ScoreBreakdown()
        b.development = Self.hundredths(config.developmentWeight * coverage(wanted: developmentMask[j], offered: expertiseMask[s], weights: seniorAreaWeight))
        b.reciprocal = Self.hundredths(config.reciprocalWeight * coverage(wanted: developmentMask[s], offered: expertiseMask[j], weights: juniorAreaWeight))
        if withAreaNames {
            b.areasForJunior = names(developmentMask[j] & expertiseMask[s])
            b.areasForSenior = names(developmentMask[s] & expertiseMask[j])
        }
        let hours = AvailabilityGrid.hours(weightedSlots: grid.weightedSlots(s, j))
        b.commonHoursPerWeek = Self.hundredths(hours)
        b.availability = Self.hundredths(availabilityPoints(hours))
        b.experience = Self.hundredths(config.experienceWeight * experienceFit(years[s] - years[j]))
        b.meeting = Self.hundredths(config.meetingWeight * meetingFit(s, j))
        if config.goalsWeight > 0 { b.goals = Self.hundredths(config.goalsWeight * text.closeness(s, j)) }
        var named = 0
        if preferred[j] == s { named += 1 }
        if preferred[s] == j { named += 1 }
        b.preferredPartner = config.preferredPartnerBonus * Double(named)
        if penalisesSameOrganisation && organisationID[s] != 0 && organisationID[s] == organisationID[j] {
            b.organisation = -config.sameOrganisationPenalty
        }
        return b
    }

    /// The availability part before rounding, from the average common hours a week.
    func availabilityPoints(_ hours: Double) -> Double {
        config.availabilityWeight * min(1, hours / config.fullAvailabilityHours)
    }

    func coverage(wanted: UInt64, offered: UInt64, weights: [Double]) -> Double {
        weights.withUnsafeBufferPointer { Self.coverage(wanted: wanted, offered: offered, weights: $0) }
    }

    /// The share of `wanted`'s weight that `offered` covers (areas added in index order).
    @inline(__always)
    static func coverage(wanted: UInt64, offered: UInt64, weights: UnsafeBufferPointer<Double>) -> Double {
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
        var names: [String] = []
        names.reserveCapacity(mask.nonzeroBitCount)
        var bits = mask
        while bits != 0 {
            let a = bits.trailingZeroBitCount
            bits &= bits - 1
            if a < areas.count { names.append(areas[a]) }
        }
        return names
    }

    /// 1 inside the preferred band, falling to 0 five years outside it; 0 when the "senior" is not more experienced.
    func experienceFit(_ gap: Double) -> Double {
        guard gap > 0 else { return 0 }
        let band = config.experienceGapBand
        let distance = gap < band[0] ? band[0] - gap : gap > band[1] ? gap - band[1] : 0
        return max(0, 1 - distance / 5)
    }

    /// 1 when neither wants to meet in person or both are in one region; else 0.5 when one wants to, 0 when both do.
    func meetingFit(_ s: Int, _ j: Int) -> Double {
        let inPerson = (inPerson[s] ? 1 : 0) + (inPerson[j] ? 1 : 0)
        if inPerson == 0 { return 1 }
        let sameRegion = regionID[s] >= 0 && regionID[s] == regionID[j]
        if sameRegion { return 1 }
        return inPerson == 1 ? 0.5 : 0
    }

    /// Every allowed pair, keeping for each person only their best `candidatesPerPerson` partners
    /// (seniors: that many per place), plus must-pairs and `extraPairs` (senior, junior) — the matcher
    /// adds every allowed pair of an overdue applicant whom the pruned solve left unpaired.
    public func candidates(extraPairs: [(Int, Int)] = []) -> CandidateSet {
        candidates(extraPairs: extraPairs, tuning: CandidateSearch.Tuning())
    }

    /// `candidates(extraPairs:)`, with the search's knobs set (the result does not depend on them).
    func candidates(extraPairs: [(Int, Int)], tuning: CandidateSearch.Tuning) -> CandidateSet {
        let applicants = pool.applicants
        let began = instruments.now()
        let search = CandidateSearch(scorer: self, tuning: tuning)
        let prepared = instruments.now()
        let best = search.run()
        instruments.debug("scorer: search prepared in \(prepared - began)s, run in \(instruments.seconds(since: prepared))s")
        var keys = best.pairs // allowed by construction
        let byKey = Dictionary(applicants.enumerated().map { ($0.element.email.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        for must in pool.overrides.mustPair {
            if let s = byKey[must.senior], let j = byKey[must.junior], rule(senior: s, junior: j) == nil {
                keys.append(Self.orderedKey(s, j))
            }
        }
        let searched = CandidateSet(candidates: Self.scored(Self.sortedOnce(keys), by: self), allowedPairs: best.allowedPairs,
                                    hasAllowedPartner: best.hasAllowedPartner)
        return adding(extraPairs, to: searched)
    }

    /// Pair keys sorted by (senior, junior), each once: the order the solver has always been given.
    static func sortedOnce(_ keys: [Int64]) -> [Int64] {
        var unique: [Int64] = []
        unique.reserveCapacity(keys.count)
        for key in keys.sorted() where unique.last != key { unique.append(key) }
        return unique
    }

    /// "senior|junior" keys to index pairs. A key may split at more than one "|" (keys may hold
    /// one), and two applicants may share a key: every reading that names applicants counts.
    static func indexPairs(_ keys: [String], of applicants: [Applicant]) -> [(key: String, pairs: [Int64])] {
        guard !keys.isEmpty else { return [] }
        var allByKey: [String: [Int]] = [:]
        for (i, a) in applicants.enumerated() { allByKey[a.email.key, default: []].append(i) }
        return keys.map { key in
            var found: [Int64] = []
            let scalars = key.unicodeScalars
            var i = scalars.startIndex
            while i != scalars.endIndex {
                if scalars[i] == "|" {
                    let senior = String(scalars[..<i]), junior = String(scalars[scalars.index(after: i)...])
                    if let ss = allByKey[senior], let js = allByKey[junior] {
                        for s in ss {
                            for j in js where Pool.pairKey(senior: applicants[s].email.key, junior: applicants[j].email.key) == key {
                                found.append(orderedKey(s, j))
                            }
                        }
                    }
                }
                i = scalars.index(after: i)
            }
            return (key, found)
        }
    }

    /// `pool.unschedulable` by index pair.
    static func indexed(_ unschedulable: [String: String], of applicants: [Applicant]) -> [Int64: String] {
        var result: [Int64: String] = [:]
        for (key, pairs) in indexPairs(Array(unschedulable.keys), of: applicants) {
            for pair in pairs { result[pair] = unschedulable[key] }
        }
        return result
    }

    /// This scorer after a scheduling round ruled out more pairs (`pool.unschedulable` replaced):
    /// the same pool otherwise, so nothing else is computed again.
    func ruling(out pairs: [String: String]) -> Scorer {
        var copy = self
        copy.pool.unschedulable = pairs
        copy.unschedulable = Self.indexed(pairs, of: pool.applicants)
        return copy
    }

    /// `set` with the allowed pairs among `extraPairs` (senior, junior) added, in the solver's
    /// order (by senior, then junior), without searching again.
    func adding(_ extraPairs: [(Int, Int)], to set: CandidateSet) -> CandidateSet {
        guard !extraPairs.isEmpty else { return set }
        let known = Set(set.candidates.map { Self.orderedKey($0.senior, $0.junior) })
        var keys: [Int64] = []
        for (s, j) in extraPairs where !known.contains(Self.orderedKey(s, j)) && rule(senior: s, junior: j) == nil {
            keys.append(Self.orderedKey(s, j))
        }
        var result = set
        result.candidates = (set.candidates + Self.scored(Self.sortedOnce(keys), by: self))
            .sorted { ($0.senior, $0.junior) < ($1.senior, $1.junior) }
        return result
    }

    /// `previous` without the pairs this scorer's rules now rule out (pairs the scheduler could not
    /// fit): the people of those pairs keep their other candidates and get no new ones.
    func without(ruledOut previous: CandidateSet) -> CandidateSet {
        let ruledOut = { (c: Candidate) in self.unschedulable[Self.orderedKey(c.senior, c.junior)] != nil }
        let dropped = previous.candidates.filter(ruledOut)
        guard !dropped.isEmpty else { return previous }
        var result = previous
        result.candidates.removeAll(where: ruledOut)
        result.allowedPairs -= dropped.count
        // Only the people of the dropped pairs can have lost their last allowed partner.
        for c in dropped {
            for p in [c.senior, c.junior] where result.hasAllowedPartner[p] {
                result.hasAllowedPartner[p] = hasAllowedPartner(p)
            }
        }
        return result
    }

    /// The full score of each pair (`orderedKey`s), computed on all cores, in the order given.
    static func scored(_ keys: [Int64], by scorer: Scorer) -> [Candidate] {
        let workers = workerCount(for: keys.count / 2048)
        let box = ResultSlots<[Candidate]>(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let range = (keys.count * w / workers)..<(keys.count * (w + 1) / workers)
            box.set(w, range.map { k -> Candidate in
                let s = Int(keys[k] >> 32), j = Int(keys[k] & 0xFFFF_FFFF)
                return Candidate(senior: s, junior: j, score: scorer.score(senior: s, junior: j))
            })
        }
        return box.values().flatMap { $0 }
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
    /// Whether `person` has an allowed pair in either role (stops at the first).
    func hasAllowedPartner(_ person: Int) -> Bool {
        pool.applicants.indices.contains { other in
            other != person && (rule(senior: person, junior: other) == nil || rule(senior: other, junior: person) == nil)
        }
    }

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
