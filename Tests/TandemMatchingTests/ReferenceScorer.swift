// The scorer as it was before candidate generation was made fast (commit 3178874), kept verbatim
// apart from the renamed types, so that ScoringEquivalenceTests can check the fast `Scorer`
// produces exactly the same `CandidateSet`. Do not "improve" this file: it is the specification.
// One change since: whether a pair has a monthly slot is now the scheduler's rule, `MonthlyPatterns.fits`
// (checked against the scheduler itself in MonthlyPatternsTests), where it was "a common stretch in
// each sample week".
import Foundation
import TandemModel
@testable import TandemMatching

/// Scores every allowed senior–junior pair of a pool. Everything that does not depend on the pair
/// (area bitmasks and their scarcity, availability grids, text vectors, normalised organisations)
/// is computed once, so a pair costs a handful of word operations.
struct ReferenceScorer {
    public let pool: Pool
    let config: MatchingConfig
    let grid: ReferenceAvailabilityGrid
    let patterns: MonthlyPatterns
    let text: ReferenceTextProfiles
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
        for index in applicants.indices {
            // The role rules are the pool's own (`Pool.roleBlocks`); the scoring below is the oracle.
            let (senior, junior) = pool.roleBlocks(index, minimumSeniorYears: minimumYears)
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
        self.conflicts = conflicts
        conflictNamedBy = named
        preferred = applicants.map { $0.preferredPartner.isEmpty ? nil : person($0.preferredPartner) }
        var never: Set<Int64> = []
        for pair in pool.overrides.neverPair {
            let keys = pair.sorted()
            if keys.count == 2, let a = byKey[keys[0]], let b = byKey[keys[1]] {
                never.insert(Self.unorderedKey(a, b))
            }
        }
        neverPairs = never
        grid = ReferenceAvailabilityGrid(applicants: applicants, firstMonth: pool.firstMonth,
                                sessionMinutes: config.sessions.durationMinutes)
        text = ReferenceTextProfiles(applicants: applicants)
        patterns = MonthlyPatterns(applicants: applicants, canBeSenior: seniorBlock.map { $0 == nil },
                                   canBeJunior: juniorBlock.map { $0 == nil }, firstMonth: pool.firstMonth,
                                   sessions: config.sessions, blackouts: pool.blackoutDays)
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
            // Whoever listed the other (the senior when both did).
            let namer = conflictNamedBy.contains(Int64(s) << 32 | Int64(j)) ? pool.applicants[s].name : pool.applicants[j].name
            return .conflict(namedBy: namer)
        }
        if !neverPairs.isEmpty && neverPairs.contains(Self.unorderedKey(s, j)) { return .neverPairOverride }
        let (sk, jk) = (pool.applicants[s].email.key, pool.applicants[j].email.key)
        if !pool.pairsMadeBefore.isEmpty,
           pool.pairsMadeBefore.contains(Pool.pairKey(senior: sk, junior: jk)) || pool.pairsMadeBefore.contains(Pool.pairKey(senior: jk, junior: sk)) {
            return .pairedBefore
        }
        if !pool.unschedulable.isEmpty,
           let why = pool.unschedulable[Pool.pairKey(senior: pool.applicants[s].email.key, junior: pool.applicants[j].email.key)] {
            return .noMonthlySlot(why)
        }
        if config.sameOrganisation == "forbid" && !organisation[s].isEmpty && organisation[s] == organisation[j] {
            return .sameOrganisationForbidden
        }
        if !patterns.fits(s, j) { return .noCommonTime }
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

struct ReferenceAvailabilityGrid {
    static let slotMinutes = 15
    static let slotsPerWeek = 7 * 24 * 60 / slotMinutes // 672
    static let wordsPerWeek = (slotsPerWeek + 63) / 64 // 11

    /// How many sample weeks (months) each distinct offset situation stands for.
    let classWeights: [Int]
    /// Per person: `classWeights.count` weeks of `wordsPerWeek` words.
    private let bits: [[UInt64]]
    let sessionSlots: Int

    /// - Parameters:
    ///   - firstMonth: the month of the first session; the sample is the second week of each of six months.
    init(applicants: [Applicant], firstMonth: YearMonth, sessionMinutes: Int) {
        sessionSlots = max(1, (sessionMinutes + Self.slotMinutes - 1) / Self.slotMinutes)
        // One sample week per session month: the Monday on or before the month's second Wednesday.
        let mondays = (0..<6).map { k -> LocalDate in
            let wednesday = firstMonth.adding(months: k).day(ordinal: 2, weekday: 3)
            return wednesday.adding(days: -2)
        }
        var zones: [String: TimeZone] = [:]
        for zone in Set(applicants.map(\.timeZone)).sorted() {
            zones[zone] = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
        }
        // Group the sample weeks by the offsets every zone in use has on each day of the week.
        var classOfWeek: [Int] = []
        var keys: [[Int]] = []
        for monday in mondays {
            var key: [Int] = []
            for name in zones.keys.sorted() {
                for d in 0..<7 { key.append(Self.offsetMinutes(zones[name]!, on: monday.adding(days: d), minute: 12 * 60)) }
            }
            if let index = keys.firstIndex(of: key) {
                classOfWeek.append(index)
            } else {
                keys.append(key)
                classOfWeek.append(keys.count - 1)
            }
        }
        var weights = [Int](repeating: 0, count: keys.count)
        for c in classOfWeek { weights[c] += 1 }
        classWeights = weights
        let representative = (0..<keys.count).map { c in mondays[classOfWeek.firstIndex(of: c)!] }

        bits = applicants.map { applicant in
            var words = [UInt64](repeating: 0, count: representative.count * Self.wordsPerWeek)
            let zone = zones[applicant.timeZone]!
            for (c, monday) in representative.enumerated() {
                for window in applicant.availability {
                    let date = monday.adding(days: window.weekday - 1)
                    let offset = Self.offsetMinutes(zone, on: date, minute: window.startMinute)
                    // UTC minute of the week (Monday 00:00 UTC = 0), wrapping around the week.
                    let start = (window.weekday - 1) * 1440 + window.startMinute - offset
                    let firstSlot = Int((Double(start) / Double(Self.slotMinutes)).rounded(.up))
                    let lastSlot = Int((Double(start + window.minutes) / Double(Self.slotMinutes)).rounded(.down))
                    guard lastSlot > firstSlot else { continue }
                    for slot in firstSlot..<lastSlot {
                        let s = ((slot % Self.slotsPerWeek) + Self.slotsPerWeek) % Self.slotsPerWeek
                        words[c * Self.wordsPerWeek + s / 64] |= 1 << UInt64(s % 64)
                    }
                }
            }
            return words
        }
    }

    /// Offset from UTC in minutes in `zone` at local `minute` of `date`.
    static func offsetMinutes(_ zone: TimeZone, on date: LocalDate, minute: Int) -> Int {
        let localSeconds = Double(date.daysSinceEpoch * 86_400 + minute * 60)
        let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds))
        let exact = zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds - Double(guess)))
        return exact / 60
    }

    /// Common free time of persons `a` and `b`: average hours a week over the six months, and whether
    /// every sample week holds at least one common stretch as long as a session.
    func overlap(_ a: Int, _ b: Int) -> (hoursPerWeek: Double, everyMonth: Bool) {
        let words = Self.wordsPerWeek
        return bits[a].withUnsafeBufferPointer { x in
            bits[b].withUnsafeBufferPointer { y in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { common in
                    var weightedSlots = 0
                    var everyMonth = true
                    for c in 0..<classWeights.count {
                        let base = c * words
                        var count = 0
                        for w in 0..<words {
                            common[w] = x[base + w] & y[base + w]
                            count += common[w].nonzeroBitCount
                        }
                        weightedSlots += count * classWeights[c]
                        if everyMonth && (count < sessionSlots || !Self.hasRun(common, length: sessionSlots)) {
                            everyMonth = false
                        }
                    }
                    let hours = Double(weightedSlots) * Double(Self.slotMinutes) / 60 / 6
                    return (hours, everyMonth)
                }
            }
        }
    }

    /// Whether `words` holds `length` consecutive set bits.
    static func hasRun(_ words: UnsafeMutableBufferPointer<UInt64>, length: Int) -> Bool {
        // Shrink every run by one bit, length - 1 times (bit i+1 moves to bit i across words);
        // anything left marks the start of a long-enough run. Destroys `words`.
        for _ in 1..<max(length, 1) {
            for w in 0..<words.count {
                let next = w + 1 < words.count ? words[w + 1] << 63 : 0
                words[w] &= (words[w] >> 1) | next
            }
        }
        return words.contains { $0 != 0 }
    }
}

struct ReferenceTextProfiles {
    /// Sorted (term, weight) pairs with unit length.
    typealias Vector = [(term: Int32, weight: Float)]
    let goals: [Vector]
    let profiles: [Vector]

    private static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "for", "from", "get", "have", "i",
        "in", "into", "is", "it", "its", "me", "more", "my", "of", "on", "or", "our", "out", "so", "some", "that",
        "the", "their", "them", "this", "to", "up", "want", "was", "we", "what", "which", "who", "will", "with",
        "would", "you", "your", "like", "hope", "also", "how", "about", "others", "other", "being", "am", "do",
    ]

    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).compactMap { word in
            let w = String(word)
            guard w.count > 2, !stopWords.contains(w) else { return nil }
            // A light stemmer: enough for "teaching"/"teach", "publishing"/"publish".
            for suffix in ["ing", "ers", "er", "es", "s"] where w.count > suffix.count + 3 && w.hasSuffix(suffix) {
                return String(w.dropLast(suffix.count))
            }
            return w
        }
    }

    init(applicants: [Applicant]) {
        var dictionary: [String: Int32] = [:]
        func ids(_ text: String) -> [Int32] {
            Self.words(text).map { word in
                if let id = dictionary[word] { return id }
                let id = Int32(dictionary.count)
                dictionary[word] = id
                return id
            }
        }
        let goalTerms = applicants.map { ids($0.goals) }
        let profileTerms = applicants.map { ids([$0.jobTitle, $0.expertise.joined(separator: " "), $0.goals].joined(separator: " ")) }
        var documentFrequency = [Int](repeating: 0, count: dictionary.count)
        for terms in profileTerms {
            for t in Set(terms) { documentFrequency[Int(t)] += 1 }
        }
        let n = Double(max(applicants.count, 1))
        let idf = documentFrequency.map { Float(log((1 + n) / (1 + Double($0))) + 1) }
        func vector(_ terms: [Int32]) -> Vector {
            var counts: [Int32: Float] = [:]
            for t in terms { counts[t, default: 0] += 1 }
            var v = counts.map { (term: $0.key, weight: $0.value * idf[Int($0.key)]) }.sorted { $0.term < $1.term }
            let norm = sqrt(v.reduce(Float(0)) { $0 + $1.weight * $1.weight })
            if norm > 0 { for i in v.indices { v[i].weight /= norm } }
            return v
        }
        goals = goalTerms.map(vector)
        profiles = profileTerms.map(vector)
    }

    static func cosine(_ a: Vector, _ b: Vector) -> Double {
        var i = 0, j = 0
        var sum: Float = 0
        while i < a.count && j < b.count {
            if a[i].term == b[j].term {
                sum += a[i].weight * b[j].weight
                i += 1; j += 1
            } else if a[i].term < b[j].term {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(sum)
    }

    /// How close each partner's goals are to the other's profile, 0…1.
    func closeness(_ a: Int, _ b: Int) -> Double {
        (Self.cosine(goals[a], profiles[b]) + Self.cosine(goals[b], profiles[a])) / 2
    }
}
