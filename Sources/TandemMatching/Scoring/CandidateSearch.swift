import Foundation
import TandemModel

/// Finds, among the allowed pairs, each junior's best `candidatesPerPerson` seniors and each
/// senior's best `candidatesPerPerson × capacity` juniors (highest points first, ties to the lower
/// index), and counts the allowed pairs — exactly what scoring every allowed pair in full with
/// `Scorer.score` and keeping the best gives, without doing that:
///
/// 1. The hard rules are checked 64 seniors at a time. "A monthly slot inside both partners'
///    hours" is "some pattern in common" (`MonthlyPatterns`). The seniors are ordered by zone class,
///    and for each class and pattern there is a bitset of that class's seniors who are free for it,
///    so a junior's allowed seniors are the OR of the bitsets at the junior's patterns for each
///    class, minus the few seniors ruled out by name (conflicts, overrides, earlier pairs, no
///    monthly slot, organisation).
/// 2. Each allowed pair first gets an integer upper bound of its points from per-junior tables
///    (development, reciprocal and experience parts by the senior's distinct masks and years; the
///    meeting part by two facts; the rest as the junior's best case). Only if that bound could
///    still enter the junior's or the senior's list, a finer bound (goals exact, common hours at
///    most the smaller of the two people's free hours) and then the full score follow, the latter
///    with the same operations in the same order as `Scorer.score`, so its points are identical.
///    A pair whose bound cannot beat a full list could never have entered it: the lists keep the
///    best entries under a total order, whatever the order in which the entries come.
/// 3. Juniors are split over the cores in fixed chunks. Each worker keeps its own seniors' lists;
///    they are merged under the same total order, so the result does not depend on scheduling.
struct CandidateSearch {
    struct Result {
        /// `Scorer.orderedKey(senior, junior)` of every pair in somebody's list (with repeats).
        var pairs: [Int64]
        var allowedPairs: Int
        var hasAllowedPartner: [Bool]
    }

    /// Knobs that change how the search runs, never what it finds (the tests turn them).
    struct Tuning: Sendable {
        /// Workers; nil: one per core, at most 8.
        var workers: Int? = nil
        var chunkSize = 32
        /// Skip pairs whose bound cannot enter a list.
        var pruning = true
        /// Largest total size of the exact goal-cosine tables (entries); 0 turns them off.
        var goalTableLimit = MatchingLimits.goalTableEntries
    }

    /// Exact goal cosines by distinct vectors: the seniors' goals against the juniors' profiles,
    /// and the juniors' goals against the seniors' profiles (`Double(Float)`, as `cosine` returns).
    struct GoalTables: Sendable {
        var seniorGoals: [Int32] // by position
        var seniorProfiles: [Int32] // by position
        var juniorGoals: [Int32] // by applicant index
        var juniorProfiles: [Int32] // by applicant index
        var seniorGoalCount: Int
        var seniorProfileCount: Int
        /// `[juniorProfile * seniorGoalCount + seniorGoal]`, and each row's largest value.
        var seniorGoalsToJuniorProfiles: [Float]
        var rowMaximum1: [Float]
        /// `[juniorGoal * seniorProfileCount + seniorProfile]`, and each row's largest value.
        var juniorGoalsToSeniorProfiles: [Float]
        var rowMaximum2: [Float]
    }

    /// A pair between the second and the third stage: the senior's position and the parts known so far
    /// (development, reciprocal, experience, meeting, goals, preferred partner, organisation).
    struct PartialScore {
        var position: Int
        var parts: (Double, Double, Double, Double, Double, Double, Double)
    }

    /// A list entry: points, and the other person (applicant index).
    struct Entry {
        var points: Int
        var other: Int
    }

    /// What the first bound needs of each senior, by position: indices into the distinct
    /// expertise masks, development masks and years, `(region + 1) << 1 | inPerson`, the
    /// weighted free slots, and the goals' index in the goal tables (0 without tables).
    /// Then what the finer bound needs: the organisation and the profile's index in the goal tables.
    /// (32 bytes: the loop streams through these for every allowed pair.)
    struct SeniorKey {
        var expertise: Int32
        var development: Int32
        var years: Int32
        var meeting: Int32
        var weightedTotal: Int32
        var goals: Int32
        var organisation: Int32
        var profile: Int32
    }

    let scorer: Scorer
    let seniors: [Int]
    let juniors: [Int]
    /// Applicant index → position in `seniors`, or -1.
    let seniorPosition: [Int32]
    let keys: [SeniorKey]
    /// Per position: whom the senior named as preferred partner (applicant index or -1), and
    /// the bound of their goals' cosines when there are no goal tables.
    let seniorPreferred: [Int32]
    let seniorGoalBound: [Double]
    /// The juniors in the order they are searched: by goal-table row, so that the row stays in cache.
    let juniorOrder: [Int]
    let expertiseMasks: [UInt64]
    let developmentMasks: [UInt64]
    let yearValues: [Double]
    let juniorGoalBound: [Double] // by applicant index (juniors only)
    let largestSeniorGoalBound: Double
    /// Whether a person names, or is named by, somebody who can take the other role.
    let namedAcross: [Bool]
    let seniorLimit: [Int]
    let juniorLimit: Int
    /// Seniors each junior may not have for a reason that names them, as positions.
    let ruledOut: [Int: [Int32]]
    /// Seniors by organisation, when the configuration forbids pairs within one.
    let organisationSeniors: [Int32: [Int32]]
    /// Per (zone class, pattern): where the bitset of that class's seniors free for it starts in
    /// `columns`, or -1. A class's bitsets cover only its seniors' words, `classWords[class]`.
    let column: [Int32]
    let columns: [UInt64]
    let classWords: [(from: Int, count: Int)]
    /// Per zone class, `patterns.words` each: the patterns at least one of its seniors is free for.
    let classPatterns: [UInt64]
    let seniorWords: Int
    /// Seniors' free slots by position: per senior, header words (each class's used words, 12
    /// bits a class, five classes a word) and then only the used words.
    let seniorSlots: [UInt64]
    let seniorSlotsStart: [Int]
    let headerWords: Int
    /// The availability part by weighted common slots, its running maximum (the bound), and that
    /// maximum as a ceiling in hundredths (`ceilingHundredths`).
    let availabilityPart: [Double]
    let availabilityBound: [Double]
    let availabilityCeiling: [Int32]
    let meetingPart: (full: Double, half: Double, none: Double)
    let preferredPart: [Double]
    let organisationPart: Double
    let pruning: Bool
    let margin: Double
    let goalTables: GoalTables?
    let tuning: Tuning

    init(scorer: Scorer, tuning: Tuning = Tuning()) {
        self.scorer = scorer
        self.tuning = tuning
        let n = scorer.pool.applicants.count
        let config = scorer.config
        // By zone class (the monthly-slot bitsets of a class then cover a range of words), then index.
        let zoneClass = scorer.patterns.zoneClass
        let seniors = (0..<n).filter { scorer.seniorBlock[$0] == nil }.sorted { (zoneClass[$0], $0) < (zoneClass[$1], $1) }
        let juniors = (0..<n).filter { scorer.juniorBlock[$0] == nil }
        self.seniors = seniors
        self.juniors = juniors
        var position = [Int32](repeating: -1, count: n)
        for (p, s) in seniors.enumerated() { position[s] = Int32(p) }
        seniorPosition = position
        let k = config.candidatesPerPerson
        juniorLimit = k
        seniorLimit = seniors.map { k * max(1, scorer.pool.applicants[$0].capacity) }

        // Distinct values among the seniors, so that per-junior tables stay small.
        let expertise = Self.distinct(seniors.map { scorer.expertiseMask[$0] })
        let development = Self.distinct(seniors.map { scorer.developmentMask[$0] })
        let years = Self.distinct(seniors.map { scorer.years[$0].bitPattern })
        expertiseMasks = expertise.values
        developmentMasks = development.values
        yearValues = years.values.map(Double.init(bitPattern:))
        let goalsOn = config.goalsWeight > 0
        let tables = goalsOn ? Self.goalTables(scorer.text, seniors: seniors, juniors: juniors, limit: tuning.goalTableLimit) : nil
        goalTables = tables
        let noBounds = ([Double](repeating: 0, count: seniors.count), [Double](repeating: 0, count: n))
        (seniorGoalBound, juniorGoalBound) = goalsOn && tables == nil
            ? Self.goalBounds(scorer, seniors: seniors, juniors: juniors) : noBounds
        largestSeniorGoalBound = seniorGoalBound.max() ?? 0
        keys = seniors.indices.map { p in
            let s = seniors[p]
            return SeniorKey(expertise: expertise.ids[p], development: development.ids[p], years: years.ids[p],
                             meeting: (scorer.regionID[s] + 1) << 1 | (scorer.inPerson[s] ? 1 : 0),
                             weightedTotal: Int32(scorer.grid.weightedTotal[s]), goals: tables?.seniorGoals[p] ?? 0,
                             organisation: scorer.organisationID[s], profile: tables?.seniorProfiles[p] ?? 0)
        }
        seniorPreferred = seniors.map { Int32(scorer.preferred[$0] ?? -1) }
        if let tables {
            juniorOrder = juniors.sorted { (tables.juniorGoals[$0], $0) < (tables.juniorGoals[$1], $1) }
        } else {
            juniorOrder = juniors
        }
        namedAcross = Self.namedAcross(scorer, seniors: seniors, juniors: juniors, position: position)

        ruledOut = Self.ruledOutByName(scorer, juniors: juniors, position: position)
        organisationSeniors = Self.seniorsByOrganisation(scorer, seniors: seniors)

        seniorWords = (seniors.count + 63) / 64
        (classWords, classPatterns, column, columns) = Self.patternColumns(scorer.patterns, seniors: seniors)

        (headerWords, seniorSlots, seniorSlotsStart) = Self.compactSlots(scorer.grid, seniors: seniors)

        (availabilityPart, availabilityBound, availabilityCeiling) = Self.availabilityParts(scorer)
        meetingPart = (Scorer.hundredths(config.meetingWeight * 1), Scorer.hundredths(config.meetingWeight * 0.5),
                       Scorer.hundredths(config.meetingWeight * 0))
        preferredPart = (0...2).map { config.preferredPartnerBonus * Double($0) }
        organisationPart = -config.sameOrganisationPenalty
        (pruning, margin) = Self.pruning(config, asked: tuning.pruning, availabilityPart: availabilityPart)
    }

    /// Each value's index among the distinct values, and the distinct values in order of appearance.
    static func distinct<T: Hashable>(_ values: [T]) -> (ids: [Int32], values: [T]) {
        var index: [T: Int32] = [:]
        var list: [T] = []
        let ids = values.map { v -> Int32 in
            if let i = index[v] { return i }
            index[v] = Int32(list.count)
            list.append(v)
            return Int32(list.count - 1)
        }
        return (ids, list)
    }

    /// Bounds of the goals' cosines, for when there are no goal tables: by senior position, and by
    /// applicant index for the juniors (0 for the others).
    static func goalBounds(_ scorer: Scorer, seniors: [Int], juniors: [Int]) -> (seniors: [Double], juniors: [Double]) {
        var juniorBound = [Double](repeating: 0, count: scorer.pool.applicants.count)
        for (j, bound) in zip(juniors, scorer.text.goalBounds(of: juniors, against: seniors)) { juniorBound[j] = bound }
        return (scorer.text.goalBounds(of: seniors, against: juniors), juniorBound)
    }

    /// Whether each person names, or is named by, somebody who can take the other role.
    static func namedAcross(_ scorer: Scorer, seniors: [Int], juniors: [Int], position: [Int32]) -> [Bool] {
        var namedAcross = [Bool](repeating: false, count: scorer.pool.applicants.count)
        for s in seniors {
            if let t = scorer.preferred[s] { namedAcross[t] = true }
        }
        for j in juniors {
            if let t = scorer.preferred[j], position[t] >= 0 { namedAcross[j] = true }
        }
        return namedAcross
    }

    /// Seniors each junior may not have for a reason that names them (conflicts, never-pairs,
    /// earlier pairs, no monthly slot), as positions, by junior.
    static func ruledOutByName(_ scorer: Scorer, juniors: [Int], position: [Int32]) -> [Int: [Int32]] {
        var ruledOut: [Int: [Int32]] = [:]
        func rule(_ s: Int, _ j: Int) {
            if scorer.juniorBlock[j] == nil, position[s] >= 0 { ruledOut[j, default: []].append(position[s]) }
        }
        for j in juniors { for s in scorer.conflicts[j] { rule(s, j) } }
        for key in scorer.neverPairs {
            let a = Int(key >> 32), b = Int(key & 0xFFFF_FFFF)
            rule(a, b)
            rule(b, a)
        }
        for key in scorer.madeBefore { rule(Int(key >> 32), Int(key & 0xFFFF_FFFF)) }
        for key in scorer.unschedulable.keys { rule(Int(key >> 32), Int(key & 0xFFFF_FFFF)) }
        return ruledOut
    }

    /// Seniors (positions) by organisation, when the configuration forbids pairs within one.
    static func seniorsByOrganisation(_ scorer: Scorer, seniors: [Int]) -> [Int32: [Int32]] {
        var organisationSeniors: [Int32: [Int32]] = [:]
        if scorer.forbidsSameOrganisation {
            for (p, s) in seniors.enumerated() where scorer.organisationID[s] != 0 {
                organisationSeniors[scorer.organisationID[s], default: []].append(Int32(p))
            }
        }
        return organisationSeniors
    }

    /// Per zone class and pattern, the bitset of the class's seniors free for it (see `column`),
    /// with each class's words and the patterns some senior of the class is free for.
    static func patternColumns(_ patterns: MonthlyPatterns, seniors: [Int])
        -> (classWords: [(from: Int, count: Int)], classPatterns: [UInt64], column: [Int32], columns: [UInt64]) {
        let zoneClass = patterns.zoneClass
        let patternBits = patterns.words * 64
        var classWords = [(from: Int, count: Int)](repeating: (0, 0), count: patterns.classCount)
        var classPatterns = [UInt64](repeating: 0, count: patterns.classCount * patterns.words)
        var column = [Int32](repeating: -1, count: patterns.classCount * patternBits)
        var columns: [UInt64] = []
        var first = 0
        while first < seniors.count {
            let c = Int(zoneClass[seniors[first]])
            var end = first
            while end < seniors.count && zoneClass[seniors[end]] == c { end += 1 }
            defer { first = end }
            guard c >= 0 else { continue }
            let from = first / 64, count = (end - 1) / 64 - from + 1
            classWords[c] = (from, count)
            for p in first..<end {
                let base = seniors[p] * patterns.words
                for k in 0..<patterns.words {
                    var bits = patterns.seniorBits[base + k]
                    classPatterns[c * patterns.words + k] |= bits
                    while bits != 0 {
                        let slot = c * patternBits + k * 64 + bits.trailingZeroBitCount
                        bits &= bits - 1
                        if column[slot] < 0 {
                            column[slot] = Int32(columns.count)
                            columns += [UInt64](repeating: 0, count: count)
                        }
                        columns[Int(column[slot]) + p / 64 - from] |= 1 << UInt64(p % 64)
                    }
                }
            }
        }
        return (classWords, classPatterns, column, columns)
    }

    /// The seniors' free slots, compact and in position order (few cache lines a senior): per
    /// senior, header words (each class's used words, 12 bits a class, five classes a word) and
    /// then only the used words.
    static func compactSlots(_ grid: AvailabilityGrid, seniors: [Int]) -> (headerWords: Int, slots: [UInt64], start: [Int]) {
        let words = AvailabilityGrid.wordsPerWeek
        let classes = grid.classWeights.count
        let headerWords = (classes + 4) / 5
        var seniorSlots: [UInt64] = []
        var seniorSlotsStart: [Int] = []
        for s in seniors {
            seniorSlotsStart.append(seniorSlots.count)
            let header = seniorSlots.count
            seniorSlots += [UInt64](repeating: 0, count: headerWords)
            for c in 0..<classes {
                for w in 0..<words {
                    let word = grid.bits[s * grid.stride + c * words + w]
                    guard word != 0 else { continue }
                    seniorSlots[header + c / 5] |= 1 << UInt64(12 * (c % 5) + w)
                    seniorSlots.append(word)
                }
            }
        }
        return (headerWords, seniorSlots, seniorSlotsStart)
    }

    /// The availability part by weighted common slots, computed as `Scorer.score` computes it; its
    /// running maximum (the bound); and that as a ceiling in hundredths.
    static func availabilityParts(_ scorer: Scorer) -> (part: [Double], bound: [Double], ceiling: [Int32]) {
        let grid = scorer.grid
        let maximumSlots = AvailabilityGrid.slotsPerWeek * grid.classWeights.reduce(0, +)
        let part = (0...maximumSlots).map {
            Scorer.hundredths(scorer.availabilityPoints(AvailabilityGrid.hours(weightedSlots: $0)))
        }
        var running = -Double.infinity
        let bound = part.map { running = max(running, $0); return running }
        let ceiling = bound.map { $0.isFinite && abs($0) < 1e9 ? Int32(Self.ceilingHundredths($0)) : 0 }
        return (part, bound, ceiling)
    }

    /// Whether to prune (only when asked and every weight is an ordinary number, not absurdly
    /// large), and the margin a finer bound adds for the rounding of the sums.
    static func pruning(_ config: MatchingConfig, asked: Bool, availabilityPart: [Double]) -> (Bool, Double) {
        let weights = [config.developmentWeight, config.reciprocalWeight, config.availabilityWeight, config.experienceWeight,
                       config.meetingWeight, config.goalsWeight, config.preferredPartnerBonus, config.sameOrganisationPenalty,
                       config.fullAvailabilityHours] + config.experienceGapBand
        let pruning = asked && weights.allSatisfy { $0.isFinite && abs($0) < 1e9 } && availabilityPart.allSatisfy(\.isFinite)
        // `Int(sum * 100)` is below `sum * 100 + 1`; the rest allows for the rounding of the sums.
        let largest = abs(config.developmentWeight) + abs(config.reciprocalWeight) + abs(config.availabilityWeight)
            + abs(config.experienceWeight) + abs(config.meetingWeight) + 2 * abs(config.goalsWeight)
            + 2 * abs(config.preferredPartnerBonus) + abs(config.sameOrganisationPenalty) + 1
        return (pruning, 1.01 + largest * 100 * 1e-12)
    }

    /// Seniors are taken 64 × this many at a time (see `search`).
    static let blockWords = 1

    /// An integer at least `part * 100` (a part is a finite number of points).
    @inline(__always) static func ceilingHundredths(_ part: Double) -> Int { Int(part * 100) + 1 }

    /// The tables, when the texts repeat enough for them to be smaller than `limit` and than the
    /// pairs themselves; nil otherwise (each pair's cosines are then computed when needed).
    static func goalTables(_ text: TextProfiles, seniors: [Int], juniors: [Int], limit: Int) -> GoalTables? {
        func distinct(_ people: [Int], _ same: [Int]) -> (ids: [Int32], people: [Int]) {
            var index: [Int: Int32] = [:]
            var list: [Int] = []
            let ids = people.map { person -> Int32 in
                let first = same[person]
                if let i = index[first] { return i }
                index[first] = Int32(list.count)
                list.append(first)
                return Int32(list.count - 1)
            }
            return (ids, list)
        }
        let seniorGoals = distinct(seniors, text.sameGoals), seniorProfiles = distinct(seniors, text.sameProfile)
        let juniorGoals = distinct(juniors, text.sameGoals), juniorProfiles = distinct(juniors, text.sameProfile)
        let size = seniorGoals.people.count * juniorProfiles.people.count + juniorGoals.people.count * seniorProfiles.people.count
        guard size <= limit, size <= seniors.count * juniors.count / 4 else { return nil }
        /// Row r: the cosine of goals `rowGoals[r]` (or of each goal in `goals`) with profile ...
        func table(rows: Int, columns: Int, _ cosine: @escaping @Sendable (Int, Int) -> Double) -> [Float] {
            let slots = ResultSlots<[Float]>(count: rows)
            let workers = workerCount(for: rows / 4)
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                var r = w
                while r < rows {
                    slots.set(r, (0..<columns).map { Float(cosine(r, $0)) })
                    r += workers
                }
            }
            return slots.values().flatMap { $0 }
        }
        let sg = seniorGoals.people, jp = juniorProfiles.people, jg = juniorGoals.people, sp = seniorProfiles.people
        let first = table(rows: jp.count, columns: sg.count) { r, c in text.cosine(goalsOf: sg[c], profileOf: jp[r]) }
        let second = table(rows: jg.count, columns: sp.count) { r, c in text.cosine(goalsOf: jg[r], profileOf: sp[c]) }
        func rowMaxima(_ table: [Float], width: Int) -> [Float] {
            guard width > 0 else { return [Float](repeating: 0, count: table.isEmpty ? 0 : 1) }
            return stride(from: 0, to: table.count, by: width).map { table[$0..<($0 + width)].max() ?? 0 }
        }
        var juniorGoalIDs = [Int32](repeating: -1, count: text.sameGoals.count)
        var juniorProfileIDs = [Int32](repeating: -1, count: text.sameGoals.count)
        for (i, j) in juniors.enumerated() {
            juniorGoalIDs[j] = juniorGoals.ids[i]
            juniorProfileIDs[j] = juniorProfiles.ids[i]
        }
        return GoalTables(
            seniorGoals: seniorGoals.ids, seniorProfiles: seniorProfiles.ids,
            juniorGoals: juniorGoalIDs, juniorProfiles: juniorProfileIDs,
            seniorGoalCount: sg.count, seniorProfileCount: sp.count,
            seniorGoalsToJuniorProfiles: first, rowMaximum1: rowMaxima(first, width: sg.count),
            juniorGoalsToSeniorProfiles: second, rowMaximum2: rowMaxima(second, width: sp.count))
    }

    /// Whether `a` ranks before `b`: more points, or as many and the lower index.
    @inline(__always) static func ranksBefore(_ a: Entry, _ b: Entry) -> Bool {
        a.points > b.points || (a.points == b.points && a.other < b.other)
    }

    /// Keeps `list[0..<count]` as the best `limit` entries, best first (the list has room for `limit`).
    @inline(__always)
    static func insert(_ entry: Entry, into list: UnsafeMutablePointer<Entry>, count: inout Int, limit: Int) {
        guard limit > 0 else { return }
        if count == limit {
            guard ranksBefore(entry, list[count - 1]) else { return }
            count -= 1
        }
        var i = count
        while i > 0 && ranksBefore(entry, list[i - 1]) {
            list[i] = list[i - 1]
            i -= 1
        }
        list[i] = entry
        count += 1
    }

    /// The points a full list needs beaten: `Int.min` while it has room, `Int.max` when it takes nobody.
    @inline(__always)
    static func threshold(_ list: UnsafeMutablePointer<Entry>, count: Int, limit: Int) -> Int {
        if limit <= 0 { return Int.max }
        return count < limit ? Int.min : list[limit - 1].points
    }

    /// One worker's share: its juniors' lists, its view of the seniors' lists, and its counts.
    /// Only its own thread touches it until the workers are done.
    final class Worker: @unchecked Sendable {
        var juniorLists: [(junior: Int, list: [Entry])] = []
        var juniorsWithPartner: [Int] = []
        var allowed = 0
        /// Seniors' lists, each with room for its limit (or for every junior, if fewer).
        let seniorEntries: UnsafeMutableBufferPointer<Entry>
        let seniorStart: [Int]
        let seniorRoom: [Int]
        let seniorCount: UnsafeMutableBufferPointer<Int>
        let seniorThreshold: UnsafeMutableBufferPointer<Int>
        let seniorHasPartner: UnsafeMutableBufferPointer<UInt64>
        // Buffers reused from junior to junior.
        let juniorEntries: UnsafeMutableBufferPointer<Entry>
        let allowedSeniors: UnsafeMutableBufferPointer<UInt64>
        let developmentPart: UnsafeMutableBufferPointer<Double>
        let reciprocalPart: UnsafeMutableBufferPointer<Double>
        let experiencePart: UnsafeMutableBufferPointer<Double>
        let developmentCeiling: UnsafeMutableBufferPointer<Int>
        let reciprocalCeiling: UnsafeMutableBufferPointer<Int>
        let experienceCeiling: UnsafeMutableBufferPointer<Int>
        let goalsCeiling: UnsafeMutableBufferPointer<Int>
        /// The survivors of the first and second stage of one block of seniors.
        let firstStage: UnsafeMutableBufferPointer<Int32>
        let secondStage: UnsafeMutableBufferPointer<PartialScore>

        init(_ search: CandidateSearch) {
            let room = search.seniorLimit.map { max(0, min($0, search.juniors.count)) }
            var start: [Int] = []
            var total = 0
            for r in room { start.append(total); total += r }
            seniorRoom = room
            seniorStart = start
            seniorEntries = .allocate(capacity: max(1, total))
            seniorCount = .allocate(capacity: max(1, room.count))
            seniorCount.initialize(repeating: 0)
            seniorThreshold = .allocate(capacity: max(1, room.count))
            seniorThreshold.initialize(repeating: Int.min)
            for (p, limit) in search.seniorLimit.enumerated() where limit <= 0 { seniorThreshold[p] = Int.max }
            seniorHasPartner = .allocate(capacity: max(1, search.seniorWords))
            seniorHasPartner.initialize(repeating: 0)
            juniorEntries = .allocate(capacity: max(1, min(search.juniorLimit, search.seniors.count)))
            allowedSeniors = .allocate(capacity: max(1, search.seniorWords))
            developmentPart = .allocate(capacity: max(1, search.expertiseMasks.count))
            reciprocalPart = .allocate(capacity: max(1, search.developmentMasks.count))
            experiencePart = .allocate(capacity: max(1, search.yearValues.count))
            developmentCeiling = .allocate(capacity: max(1, search.expertiseMasks.count))
            reciprocalCeiling = .allocate(capacity: max(1, search.developmentMasks.count))
            experienceCeiling = .allocate(capacity: max(1, search.yearValues.count))
            goalsCeiling = .allocate(capacity: max(1, search.goalTables?.seniorGoalCount ?? 1))
            goalsCeiling.initialize(repeating: 0)
            firstStage = .allocate(capacity: CandidateSearch.blockWords * 64)
            secondStage = .allocate(capacity: CandidateSearch.blockWords * 64)
        }

        func seniorList(_ p: Int) -> ArraySlice<Entry> {
            ArraySlice(UnsafeBufferPointer(rebasing: seniorEntries[seniorStart[p]..<(seniorStart[p] + seniorCount[p])]))
        }

        deinit {
            seniorEntries.deallocate()
            seniorCount.deallocate()
            seniorThreshold.deallocate()
            seniorHasPartner.deallocate()
            juniorEntries.deallocate()
            allowedSeniors.deallocate()
            developmentPart.deallocate()
            reciprocalPart.deallocate()
            experiencePart.deallocate()
            developmentCeiling.deallocate()
            reciprocalCeiling.deallocate()
            experienceCeiling.deallocate()
            goalsCeiling.deallocate()
            firstStage.deallocate()
            secondStage.deallocate()
        }
    }

    func run() -> Result {
        let chunkSize = max(1, tuning.chunkSize)
        let chunks = (juniors.count + chunkSize - 1) / chunkSize
        let threads = tuning.workers.map { max(1, $0) } ?? workerCount(for: chunks)
        let workers = (0..<threads).map { _ in Worker(self) }
        DispatchQueue.concurrentPerform(iterations: threads) { w in
            let worker = workers[w]
            var chunk = w
            while chunk < chunks {
                for index in (chunk * chunkSize)..<min(juniors.count, (chunk + 1) * chunkSize) {
                    search(junior: juniorOrder[index], worker: worker)
                }
                chunk += threads
            }
        }
        var hasPartner = [Bool](repeating: false, count: scorer.pool.applicants.count)
        var pairs: [Int64] = []
        var allowed = 0
        for worker in workers {
            allowed += worker.allowed
            for j in worker.juniorsWithPartner { hasPartner[j] = true }
            for (j, list) in worker.juniorLists {
                for e in list { pairs.append(Scorer.orderedKey(e.other, j)) }
            }
        }
        for (p, s) in seniors.enumerated() {
            var merged: [Entry] = []
            for worker in workers {
                merged += worker.seniorList(p)
                if worker.seniorHasPartner[p / 64] & (1 << UInt64(p % 64)) != 0 { hasPartner[s] = true }
            }
            if workers.count > 1 {
                merged.sort(by: Self.ranksBefore)
                if merged.count > seniorLimit[p] { merged.removeLast(merged.count - max(0, seniorLimit[p])) }
            }
            for e in merged { pairs.append(Scorer.orderedKey(s, e.other)) }
        }
        return Result(pairs: pairs, allowedPairs: allowed, hasAllowedPartner: hasPartner)
    }

    /// Junior `j` against every senior: the allowed ones, their count, and `j`'s and the seniors' lists.
    func search(junior j: Int, worker: Worker) {
        let acc = worker.allowedSeniors
        guard markAllowedSeniors(of: j, in: acc) else { return }
        var count = 0
        for x in 0..<seniorWords {
            count += acc[x].nonzeroBitCount
            worker.seniorHasPartner[x] |= acc[x]
        }
        guard count > 0 else { return }
        worker.allowed += count
        worker.juniorsWithPartner.append(j)
        if juniorLimit <= 0 && seniorLimit.allSatisfy({ $0 <= 0 }) { return }
        fillPartTables(for: j, in: worker)
        let junior = JuniorFacts(self, junior: j, goalsCeiling: worker.goalsCeiling)
        scoreAllowedSeniors(of: junior, worker: worker)
    }

    /// Step 1: the allowed seniors as a bitset over positions in `acc` — per zone class, the OR of
    /// the class's bitsets at the junior's patterns (only those some senior of the class has), less
    /// the seniors ruled out by name. False when no pattern of the junior's has any senior.
    func markAllowedSeniors(of j: Int, in acc: UnsafeMutableBufferPointer<UInt64>) -> Bool {
        for x in 0..<seniorWords { acc[x] = 0 }
        let patterns = scorer.patterns
        let row = Int(patterns.juniorRow[j])
        var some = false
        if row >= 0 {
            column.withUnsafeBufferPointer { column in
                columns.withUnsafeBufferPointer { columns in
                    patterns.juniorBits.withUnsafeBufferPointer { juniorBits in
                        classPatterns.withUnsafeBufferPointer { classPatterns in
                            let patternWords = patterns.words, patternBits = patternWords * 64
                            for c in 0..<patterns.classCount where classWords[c].count > 0 {
                                let (from, count) = classWords[c]
                                let mine = (row * patterns.classCount + c) * patternWords
                                for k in 0..<patternWords {
                                    var bits = juniorBits[mine + k] & classPatterns[c * patternWords + k]
                                    while bits != 0 {
                                        let start = Int(column[c * patternBits + k * 64 + bits.trailingZeroBitCount])
                                        bits &= bits - 1
                                        some = true
                                        for x in 0..<count { acc[from + x] |= columns[start + x] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard some else { return false }
        func clear(_ p: Int32) { acc[Int(p) / 64] &= ~(1 << UInt64(Int(p) % 64)) }
        if seniorPosition[j] >= 0 { clear(seniorPosition[j]) }
        if let list = ruledOut[j] { for p in list { clear(p) } }
        let organisation = scorer.organisationID[j]
        if organisation != 0, let list = organisationSeniors[organisation] { for p in list { clear(p) } }
        return true
    }

    /// Step 2: the junior's tables of the parts that depend on the senior through few values
    /// (development, reciprocal and experience by the seniors' distinct masks and years), with
    /// their ceilings when pruning.
    func fillPartTables(for j: Int, in worker: Worker) {
        let config = scorer.config
        let wanted = scorer.developmentMask[j], offered = scorer.expertiseMask[j], juniorYears = scorer.years[j]
        // A senior who covers none of the wanted areas gets the part of a zero coverage.
        let developmentNone = Scorer.hundredths(config.developmentWeight * 0.0)
        let reciprocalNone = Scorer.hundredths(config.reciprocalWeight * 0.0)
        let developmentNoneCeiling = pruning ? Self.ceilingHundredths(developmentNone) : 0
        let reciprocalNoneCeiling = pruning ? Self.ceilingHundredths(reciprocalNone) : 0
        scorer.seniorAreaWeight.withUnsafeBufferPointer { weights in
            for e in expertiseMasks.indices {
                guard wanted & expertiseMasks[e] != 0 else {
                    worker.developmentPart[e] = developmentNone
                    worker.developmentCeiling[e] = developmentNoneCeiling
                    continue
                }
                let part = Scorer.hundredths(
                    config.developmentWeight * Scorer.coverage(wanted: wanted, offered: expertiseMasks[e], weights: weights))
                worker.developmentPart[e] = part
                if pruning { worker.developmentCeiling[e] = Self.ceilingHundredths(part) }
            }
        }
        scorer.juniorAreaWeight.withUnsafeBufferPointer { weights in
            for d in developmentMasks.indices {
                guard developmentMasks[d] & offered != 0 else {
                    worker.reciprocalPart[d] = reciprocalNone
                    worker.reciprocalCeiling[d] = reciprocalNoneCeiling
                    continue
                }
                let part = Scorer.hundredths(
                    config.reciprocalWeight * Scorer.coverage(wanted: developmentMasks[d], offered: offered, weights: weights))
                worker.reciprocalPart[d] = part
                if pruning { worker.reciprocalCeiling[d] = Self.ceilingHundredths(part) }
            }
        }
        for y in yearValues.indices {
            let part = Scorer.hundredths(config.experienceWeight * scorer.experienceFit(yearValues[y] - juniorYears))
            worker.experiencePart[y] = part
            if pruning { worker.experienceCeiling[y] = Self.ceilingHundredths(part) }
        }
    }

    /// Step 3: every allowed senior, a block of seniors at a time: a first bound, then a finer one,
    /// then the full score. Each stage is its own loop over the block's survivors, so that the
    /// memory loads of different seniors overlap; thresholds only rise, so reading them a little
    /// early only keeps more pairs.
    func scoreAllowedSeniors(of junior: JuniorFacts, worker: Worker) {
        let k = juniorLimit
        var listCount = 0
        keys.withUnsafeBufferPointer { keys in
        seniorPreferred.withUnsafeBufferPointer { seniorPreferred in
        seniors.withUnsafeBufferPointer { seniors in
        seniorSlots.withUnsafeBufferPointer { seniorSlots in
        scorer.grid.bits.withUnsafeBufferPointer { allBits in
            var pass = JuniorPass(junior: junior, worker: worker, keys: keys, seniorPreferred: seniorPreferred,
                                  seniors: seniors, seniorSlots: seniorSlots,
                                  juniorBits: allBits.baseAddress! + junior.j * scorer.grid.stride,
                                  list: worker.juniorEntries.baseAddress!, room: max(0, min(k, seniors.count)),
                                  juniorThreshold: k <= 0 ? Int.max : Int.min)
            var blockStart = 0
            while blockStart < seniorWords {
                let firstCount = firstBounds(pass, block: blockStart..<min(seniorWords, blockStart + Self.blockWords))
                let secondCount = finerBounds(pass, survivors: firstCount)
                fullScores(&pass, survivors: secondCount)
                blockStart += Self.blockWords
            }
            listCount = pass.listCount
        }
        }
        }
        }
        }
        let list = worker.juniorEntries.baseAddress!
        if listCount > 0 { worker.juniorLists.append((junior.j, Array(UnsafeBufferPointer(start: list, count: listCount)))) }
    }

    /// Stage 1: the first bound, from the junior's tables, for every allowed senior of the block;
    /// the survivors' positions go to `worker.firstStage`. Returns how many survived.
    @inline(__always)
    func firstBounds(_ pass: JuniorPass, block: Range<Int>) -> Int {
        let junior = pass.junior, worker = pass.worker, keys = pass.keys
        let acc = worker.allowedSeniors, firstStage = worker.firstStage
        let developmentCeiling = worker.developmentCeiling, reciprocalCeiling = worker.reciprocalCeiling
        let experienceCeiling = worker.experienceCeiling, goalsCeiling = worker.goalsCeiling
        var firstCount = 0
        for x in block {
            var bits = acc[x]
            while bits != 0 {
                let p = x * 64 + bits.trailingZeroBitCount
                bits &= bits - 1
                let threshold = pass.threshold(p)
                if threshold == Int.max { continue }
                if pruning && threshold != Int.min {
                    let key = keys[p]
                    let bound = developmentCeiling[Int(key.expertise)] + reciprocalCeiling[Int(key.development)]
                        + experienceCeiling[Int(key.years)] + junior.meetingCeiling[junior.meetingIndex(key)]
                        + goalsCeiling[Int(key.goals)]
                        + Int(availabilityCeiling[Int(min(key.weightedTotal, junior.total32))]) + junior.rest
                    if bound <= threshold { continue }
                }
                firstStage[firstCount] = Int32(p)
                firstCount += 1
            }
        }
        return firstCount
    }

    /// Stage 2: the goals exactly (from the tables) and the finer bound, for the first stage's
    /// survivors; the survivors and their parts go to `worker.secondStage`. Returns how many survived.
    @inline(__always)
    func finerBounds(_ pass: JuniorPass, survivors firstCount: Int) -> Int {
        let junior = pass.junior, worker = pass.worker, keys = pass.keys, j = junior.j
        let firstStage = worker.firstStage, secondStage = worker.secondStage
        let developmentPart = worker.developmentPart, reciprocalPart = worker.reciprocalPart
        let experiencePart = worker.experiencePart
        let goalsWeight = scorer.config.goalsWeight
        var secondCount = 0
        for i in 0..<firstCount {
            let p = Int(firstStage[i])
            let key = keys[p]
            let development = developmentPart[Int(key.expertise)]
            let reciprocal = reciprocalPart[Int(key.development)]
            let experience = experiencePart[Int(key.years)]
            let meeting = junior.meetingByKey[junior.meetingIndex(key)]
            var preferred = preferredPart[0]
            if junior.namedAcross {
                let named = (junior.preferredPosition == p ? 1 : 0) + (Int(pass.seniorPreferred[p]) == j ? 1 : 0)
                preferred = preferredPart[named]
            }
            let sameOrganisation = junior.penalise && key.organisation != 0 && key.organisation == junior.organisation
            let organisationPoints = sameOrganisation ? organisationPart : 0.0
            var goals = 0.0
            var goalsKnown = !junior.goalsOn
            if junior.goalsOn && goalTables != nil {
                // As `TextProfiles.closeness` adds them.
                let closeness = (Double(junior.table1[junior.tableRow1 + Int(key.goals)])
                    + Double(junior.table2[junior.tableRow2 + Int(key.profile)])) / 2
                goals = Scorer.hundredths(goalsWeight * closeness)
                goalsKnown = true
            }
            let threshold = pass.threshold(p)
            if pruning && threshold != Int.min {
                let availabilityBound = self.availabilityBound[min(Int(key.weightedTotal), junior.total)]
                var goalsBound = goals
                if !goalsKnown {
                    let x = goalsWeight * ((seniorGoalBound[p] + junior.goalBound) / 2)
                    goalsBound = x + 0.0051 + abs(x) * 1e-12
                }
                let bound = (development + reciprocal + availabilityBound + experience + meeting + goalsBound
                    + preferred + organisationPoints) * 100 + margin
                if bound < Double(threshold) + 1 { continue }
            }
            if !goalsKnown { goals = Scorer.hundredths(goalsWeight * scorer.text.closeness(pass.seniors[p], j)) }
            secondStage[secondCount] = PartialScore(position: p, parts: (development, reciprocal, experience, meeting,
                                                                   goals, preferred, organisationPoints))
            secondCount += 1
        }
        return secondCount
    }

    /// Stage 3: the common hours and the points as `Scorer.score` adds them up, for the second
    /// stage's survivors; each pair offered to the junior's and the senior's list.
    @inline(__always)
    func fullScores(_ pass: inout JuniorPass, survivors secondCount: Int) {
        let grid = scorer.grid, words = AvailabilityGrid.wordsPerWeek, classes = grid.classWeights.count
        let worker = pass.worker, secondStage = worker.secondStage, seniorSlots = pass.seniorSlots
        let seniorEntries = worker.seniorEntries.baseAddress!, seniorCount = worker.seniorCount
        let seniorThresholds = worker.seniorThreshold, juniorBits = pass.juniorBits
        for i in 0..<secondCount {
            let stage = secondStage[i]
            let p = stage.position
            if pass.threshold(p) == Int.max { continue }
            var weighted = 0
            let start = seniorSlotsStart[p]
            var at = start + headerWords
            for c in 0..<classes {
                var used = (seniorSlots[start + c / 5] >> UInt64(12 * (c % 5))) & 0x7FF
                var common = 0
                while used != 0 {
                    let w = c * words + used.trailingZeroBitCount
                    used &= used - 1
                    common += (seniorSlots[at] & juniorBits[w]).nonzeroBitCount
                    at += 1
                }
                weighted += common * grid.classWeights[c]
            }
            let availability = availabilityPart[weighted]
            let (development, reciprocal, experience, meeting, goals, preferred, organisationPoints) = stage.parts
            let points = Int((development + reciprocal + availability + experience + meeting + goals
                + preferred + organisationPoints) * 100)
            if points >= pass.juniorThreshold {
                Self.insert(Entry(points: points, other: pass.seniors[p]), into: pass.list, count: &pass.listCount, limit: pass.room)
                pass.juniorThreshold = Self.threshold(pass.list, count: pass.listCount, limit: pass.room)
            }
            let seniorThreshold = seniorThresholds[p]
            if points >= seniorThreshold {
                let room = worker.seniorRoom[p], entries = seniorEntries + worker.seniorStart[p]
                Self.insert(Entry(points: points, other: pass.junior.j), into: entries, count: &seniorCount[p], limit: room)
                seniorThresholds[p] = Self.threshold(entries, count: seniorCount[p], limit: room)
            }
        }
    }
}
