import Foundation
import TandemModel

/// Whether a pair can have one monthly slot — the same week of the month, weekday and start time in
/// the senior partner's zone — inside both partners' hours on every session date and clear of
/// blackout dates. This is the scheduler's own test (`CandidateBuilder`) as bit operations, so the
/// matching does not propose pairs the scheduler must turn away for want of a slot: each pair so
/// turned away costs the whole pairing another solve.
///
/// A *pattern* is (week of the month, weekday, start slot of the day) in the senior's zone. Every
/// possible senior has the set of patterns they are free for (their weekly hours, starts on the
/// configured grid, at wall-clock times that exist on every date). Every possible junior has, per
/// *zone class* of seniors (zones with the same offsets on every date), the set of patterns at whose
/// instants they are free on every date, each instant converted to the junior's own zone on its
/// own date. A pair fits when the senior's set meets the junior's set for the senior's class.
///
/// Exact when the marked hours fall on the slot grid (whole quarter hours with the default
/// settings); a session that would run across a clock change in either zone counts as not fitting.
/// Sessions people already have (pairs still running) are not looked at here: the scheduler sees those.
struct MonthlyPatterns: Sendable {
    /// Words per set of patterns: per week of the month, 7 days × the slots of a day, in bits.
    let words: Int
    /// Per person: their zone's class, or -1 when the zone is not known (nothing fits).
    let zoneClass: [Int32]
    let classCount: Int
    /// Per person, `words` each: the patterns they are free for as the senior (zero for non-seniors).
    let seniorBits: [UInt64]
    /// Per person: their row in `juniorBits` (people with the same zone and hours share one), or -1.
    let juniorRow: [Int32]
    /// Per row and class, `words` each: the patterns of a senior of that class the junior is free for.
    let juniorBits: [UInt64]

    /// - Parameters:
    ///   - canBeSenior, canBeJunior: per applicant; only these get pattern sets.
    ///   - blackouts: days on which no session may fall (each partner's local date is checked).
    init(applicants: [Applicant], canBeSenior: [Bool], canBeJunior: [Bool], firstMonth: YearMonth,
         sessions: SessionConfig, blackouts: Set<LocalDate>) {
        let n = applicants.count
        let layout = Layout(sessions: sessions, firstMonth: firstMonth, blackouts: blackouts)
        words = layout.words
        var zones: [String: ZoneOffsets?] = [:]
        for (p, a) in applicants.enumerated() where (canBeSenior[p] || canBeJunior[p]) && zones.index(forKey: a.timeZone) == nil {
            zones[a.timeZone] = ZoneOffsets(identifier: a.timeZone, from: layout.spanFrom, to: layout.spanTo)
        }
        let seniorZones = Set(applicants.indices.filter { canBeSenior[$0] }.map { applicants[$0].timeZone })
        let classes = layout.zoneClasses(zones, seniorZones: seniorZones)
        classCount = classes.instants.count
        zoneClass = applicants.map { classes.classOfZone[$0.timeZone] ?? -1 }

        var seniorBits = [UInt64](repeating: 0, count: n * words)
        for p in 0..<n where canBeSenior[p] && zoneClass[p] >= 0 {
            let local = layout.runStarts(applicants[p]), ok = classes.zoneOK[Int(zoneClass[p])]
            for q in 0..<layout.weekCount {
                for k in 0..<layout.wordsPerWeek {
                    seniorBits[p * words + q * layout.wordsPerWeek + k] = local[k] & ok[q * layout.wordsPerWeek + k]
                }
            }
        }
        self.seniorBits = seniorBits

        // Juniors: one row per distinct (zone, run starts).
        var rowOf: [Layout.Signature: Int32] = [:]
        var rows: [Layout.Signature] = []
        var juniorRow = [Int32](repeating: -1, count: n)
        for p in 0..<n where canBeJunior[p] {
            let a = applicants[p]
            guard let zone = zones[a.timeZone], zone != nil else { continue }
            let signature = Layout.Signature(zone: a.timeZone, bits: layout.runStarts(a))
            if let r = rowOf[signature] {
                juniorRow[p] = r
            } else {
                rowOf[signature] = Int32(rows.count)
                juniorRow[p] = Int32(rows.count)
                rows.append(signature)
            }
        }
        self.juniorRow = juniorRow
        var runsByZone: [String: Layout.Runs] = [:]
        for zone in Set(rows.map(\.zone)) { runsByZone[zone] = layout.runs(in: zones[zone]!!, instants: classes.instants) }
        juniorBits = layout.juniorBits(rows, runsByZone: runsByZone, classCount: classCount)
    }

    /// The shape of the pattern sets for one month range: the slot (the largest step that divides
    /// the start step, the session length and 15 minutes), the weeks of the month, and every date a
    /// pattern falls on.
    fileprivate struct Layout {
        let step: Int, duration: Int, slot: Int
        let slotsPerDay: Int, sessionSlots: Int, wordsPerWeek: Int
        let weekCount: Int, words: Int
        let months: [YearMonth]
        /// Every date a pattern falls on: [week][weekday - 1][month], as days since the epoch.
        let dates: [[[Int]]]
        let blackoutDays: Set<Int>
        /// The span the zones' offsets are needed for (a few days either side of the months).
        let spanFrom: Int64, spanTo: Int64

        /// A junior row: the zone and the run starts in it.
        struct Signature: Hashable { var zone: String; var bits: [UInt64] }
        /// A run of consecutive slots: first slot of the day, count, slot of the junior's week.
        struct Run: Equatable { var from: Int32; var count: Int32; var weekSlot: Int32 }
        /// Per (class, week, weekday) `g`, lists of runs: list `i` is `runs[runStart[i] ..< runStart[i + 1]]`
        /// for `i` in `listStart[g] ..< listStart[g + 1]`.
        typealias Runs = (runs: [Run], runStart: [Int32], listStart: [Int32])

        init(sessions: SessionConfig, firstMonth: YearMonth, blackouts: Set<LocalDate>) {
            step = max(1, sessions.startStepMinutes)
            duration = max(1, sessions.durationMinutes)
            slot = MonthlyPatterns.gcd(MonthlyPatterns.gcd(step, duration), 15)
            slotsPerDay = 1440 / slot
            sessionSlots = duration / slot
            wordsPerWeek = (7 * slotsPerDay + 63) / 64
            let weeks = Array(Set(sessions.weeks)).sorted()
            weekCount = weeks.count
            words = weekCount * wordsPerWeek
            let months = (0..<max(1, sessions.plan.count)).map { firstMonth.adding(months: $0) }
            self.months = months
            spanFrom = Int64(firstMonth.firstDay.daysSinceEpoch - 3) * 86_400
            spanTo = Int64(months.last!.lastDay.daysSinceEpoch + 3) * 86_400
            blackoutDays = Set(blackouts.map(\.daysSinceEpoch))
            dates = weeks.map { ordinal in
                (1...7).map { weekday in months.map { $0.day(ordinal: ordinal, weekday: weekday).daysSinceEpoch } }
            }
        }

        /// Index of (week, weekday, month, slot) in a class's table of instants.
        func instantIndex(week q: Int, weekday w: Int, month m: Int, slot ts: Int) -> Int {
            ((q * 7 + w) * months.count + m) * slotsPerDay + ts
        }
        /// Per senior zone: the instant of every pattern on every date (`instantIndex`; `.min` when
        /// the time does not exist that day, a clock change falls inside the session, or the date is
        /// a blackout), and the patterns that work on every date. Zones whose tables are equal form
        /// one class; classes are numbered in the order of the zones' names.
        func zoneClasses(_ zones: [String: ZoneOffsets?], seniorZones: Set<String>)
            -> (classOfZone: [String: Int32], instants: [[Int64]], zoneOK: [[UInt64]]) {
            var classOfZone: [String: Int32] = [:]
            var classIndex: [[Int64]: Int32] = [:]
            var instants: [[Int64]] = [] // per class
            var zoneOK: [[UInt64]] = [] // per class, `words` each
            for (name, zone) in zones.sorted(by: { $0.key < $1.key }) where seniorZones.contains(name) {
                guard let zone else { continue }
                let (table, ok) = instantTable(in: zone)
                if let c = classIndex[table] {
                    classOfZone[name] = c
                } else {
                    let c = Int32(instants.count)
                    classIndex[table] = c
                    classOfZone[name] = c
                    instants.append(table)
                    zoneOK.append(ok)
                }
            }
            return (classOfZone, instants, zoneOK)
        }

        /// One senior zone's table of instants, and the patterns that work on every date.
        func instantTable(in zone: ZoneOffsets) -> (table: [Int64], ok: [UInt64]) {
            var table = [Int64](repeating: .min, count: weekCount * 7 * months.count * slotsPerDay)
            var ok = [UInt64](repeating: 0, count: words)
            for q in 0..<weekCount {
                for w in 0..<7 {
                    for ts in 0..<slotsPerDay where (ts * slot) % step == 0 {
                        var fits = true
                        for (m, day) in dates[q][w].enumerated() {
                            let local = Int64(day) * 86_400 + Int64(ts * slot) * 60
                            guard !blackoutDays.contains(day), let utc = zone.utc(fromLocal: local), zone.local(utc) == local,
                                  zone.offset(at: utc + Int64(duration) * 60 - 1) == zone.offset(at: utc)
                            else { fits = false; continue }
                            table[instantIndex(week: q, weekday: w, month: m, slot: ts)] = utc
                        }
                        if fits { MonthlyPatterns.set(&ok, q * wordsPerWeek * 64 + w * slotsPerDay + ts) }
                    }
                }
            }
            return (table, ok)
        }

        /// A person's weekly run starts in their own zone: slot k of a day is set when the slots
        /// k ..< k + sessionSlots all lie in one of their (merged) windows that day.
        func runStarts(_ a: Applicant) -> [UInt64] {
            var bits = [UInt64](repeating: 0, count: wordsPerWeek)
            let merged = MergedWindows(a.availability)
            for weekday in 1...7 {
                for window in merged.byWeekday[weekday] {
                    let first = (window.start + slot - 1) / slot, last = window.end / slot
                    guard last - first >= sessionSlots else { continue }
                    for k in first...(last - sessionSlots) { MonthlyPatterns.set(&bits, (weekday - 1) * slotsPerDay + k) }
                }
            }
            return bits
        }

        /// Where each pattern's instants lie in a junior zone's week, as runs of consecutive slots.
        /// Per (class, week, weekday) one list of runs per month, months with the same list kept
        /// once (usually all but a clock change or two).
        func runs(in zone: ZoneOffsets, instants: [[Int64]]) -> Runs {
            var runs: [Run] = [], runStart: [Int32] = [], listStart: [Int32] = []
            for table in instants {
                for q in 0..<weekCount {
                    for w in 0..<7 {
                        listStart.append(Int32(runStart.count))
                        for m in months.indices {
                            let first = runs.count
                            appendRuns(of: table, week: q, weekday: w, month: m, in: zone, to: &runs)
                            // The same list as an earlier month's adds nothing to the AND.
                            let made = runs[first...]
                            let seen = (Int(listStart.last!)..<runStart.count).contains { i in
                                runs[Int(runStart[i])..<(i + 1 < runStart.count ? Int(runStart[i + 1]) : first)].elementsEqual(made)
                            }
                            if seen { runs.removeLast(runs.count - first) } else { runStart.append(Int32(first)) }
                        }
                    }
                }
            }
            listStart.append(Int32(runStart.count))
            runStart.append(Int32(runs.count))
            return (runs, runStart, listStart)
        }

        /// The runs of one date's instants in the junior's zone, appended to `runs`.
        func appendRuns(of table: [Int64], week q: Int, weekday w: Int, month m: Int, in zone: ZoneOffsets, to runs: inout [Run]) {
            let first = runs.count
            for ts in 0..<slotsPerDay {
                let utc = table[instantIndex(week: q, weekday: w, month: m, slot: ts)]
                guard utc != .min else { continue }
                let offset = zone.offset(at: utc)
                guard zone.offset(at: utc + Int64(duration) * 60 - 1) == offset else { continue }
                let local = utc + offset
                let day = Int(floorDivide(local, 86_400))
                let second = Int(local - Int64(day) * 86_400)
                guard second % (slot * 60) == 0, !blackoutDays.contains(day) else { continue }
                let weekSlot = Int32((isoWeekday(daysSinceEpoch: day) - 1) * slotsPerDay + second / (slot * 60))
                if runs.count > first, let last = runs.last, Int(last.from + last.count) == ts,
                   last.weekSlot + last.count == weekSlot {
                    runs[runs.count - 1].count += 1
                } else {
                    runs.append(Run(from: Int32(ts), count: 1, weekSlot: weekSlot))
                }
            }
        }

        /// A junior row's patterns for class c, week q, weekday w: the AND over the months of the
        /// junior's run starts at that date's instants (stopping as soon as nothing is left).
        /// Rows in contiguous shares, one per core; each writes only its own rows' words.
        func juniorBits(_ rows: [Signature], runsByZone: [String: Runs], classCount: Int) -> [UInt64] {
            let rowWords = (slotsPerDay + 63) / 64
            var juniorBits = [UInt64](repeating: 0, count: rows.count * classCount * words)
            juniorBits.withUnsafeMutableBufferPointer { all in
                let shared = SharedWords(base: all.baseAddress, count: all.count)
                let workers = workerCount(for: rows.count / 64)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let out = UnsafeMutableBufferPointer(start: shared.base, count: shared.count)
                    let acc = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: rowWords)
                    let day = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: rowWords)
                    defer { acc.deallocate(); day.deallocate() }
                    for r in (rows.count * worker / workers)..<(rows.count * (worker + 1) / workers) {
                        rows[r].bits.withUnsafeBufferPointer { local in
                            rowBits(local, runsByZone[rows[r].zone]!, classCount: classCount,
                                    to: out, at: r * classCount * words * 64, acc: acc, day: day)
                        }
                    }
                }
            }
            return juniorBits
        }

        /// One junior row's bits for every class, week and weekday, written at bit `base` of `out`.
        func rowBits(_ local: UnsafeBufferPointer<UInt64>, _ lists: Runs, classCount: Int, to out: UnsafeMutableBufferPointer<UInt64>,
                     at base: Int, acc: UnsafeMutableBufferPointer<UInt64>, day: UnsafeMutableBufferPointer<UInt64>) {
            let (runs, runStart, listStart) = lists
            let rowWords = acc.count
            var group = 0
            for c in 0..<classCount {
                let classBase = base + c * words * 64
                for q in 0..<weekCount {
                    for w in 0..<7 {
                        defer { group += 1 }
                        for k in 0..<rowWords { acc[k] = ~0 }
                        var any: UInt64 = ~0
                        for list in Int(listStart[group])..<Int(listStart[group + 1]) where any != 0 {
                            for k in 0..<rowWords { day[k] = 0 }
                            for e in Int(runStart[list])..<Int(runStart[list + 1]) {
                                let run = runs[e]
                                MonthlyPatterns.copy(Int(run.count), from: local, at: Int(run.weekSlot), to: day, at: Int(run.from))
                            }
                            any = 0
                            for k in 0..<rowWords { acc[k] &= day[k]; any |= acc[k] }
                        }
                        guard any != 0 else { continue }
                        MonthlyPatterns.copy(slotsPerDay, from: UnsafeBufferPointer(acc), at: 0,
                                             to: out, at: classBase + q * wordsPerWeek * 64 + w * slotsPerDay)
                    }
                }
            }
        }
    }

    /// Whether senior `s` and junior `j` have a pattern in common.
    func fits(_ s: Int, _ j: Int) -> Bool {
        let c = Int(zoneClass[s]), r = Int(juniorRow[j])
        guard c >= 0, r >= 0 else { return false }
        let a = s * words, b = (r * classCount + c) * words
        for k in 0..<words where seniorBits[a + k] & juniorBits[b + k] != 0 { return true }
        return false
    }

    // MARK: Bits

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    static func set(_ bits: inout [UInt64], _ i: Int) { bits[i >> 6] |= 1 << UInt64(i & 63) }

    /// `count` (1…64) bits from bit `start` on.
    @inline(__always)
    static func bits(_ words: UnsafeBufferPointer<UInt64>, from start: Int, count: Int) -> UInt64 {
        let w = start >> 6, b = start & 63
        var value = words[w] >> UInt64(b)
        if b != 0 && b + count > 64 { value |= words[w + 1] << UInt64(64 - b) }
        return count == 64 ? value : value & ((1 << UInt64(count)) - 1)
    }

    /// ORs `count` bits of `source` from bit `from` into `target` from bit `to`, 64 at a time.
    @inline(__always)
    static func copy(_ count: Int, from source: UnsafeBufferPointer<UInt64>, at from: Int,
                     to target: UnsafeMutableBufferPointer<UInt64>, at to: Int) {
        var done = 0
        while done < count {
            let part = min(64, count - done)
            put(target, at: to + done, bits(source, from: from + done, count: part), count: part)
            done += part
        }
    }

    /// ORs `count` (1…64) bits of `value` in at bit `start`.
    @inline(__always)
    static func put(_ words: UnsafeMutableBufferPointer<UInt64>, at start: Int, _ value: UInt64, count: Int) {
        let w = start >> 6, b = start & 63
        words[w] |= value << UInt64(b)
        if b != 0 && b + count > 64 { words[w + 1] |= value >> UInt64(64 - b) }
    }
}

/// The words `MonthlyPatterns` fills from several threads, each in its own rows.
private struct SharedWords: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt64>?
    let count: Int
}
