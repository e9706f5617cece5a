import Foundation
import Testing
import TandemIngest
import TandemModel
import TandemTestSupport
@testable import TandemMatching

/// The fast candidate generation must give exactly what the straightforward scorer gave
/// (`ReferenceScorer`, the old code kept in the tests): the same candidates in the same order with
/// the same score breakdowns, the same count of allowed pairs and the same `hasAllowedPartner`.
@Suite struct ScoringEquivalenceTests {
    /// One variation of the pool and settings, applied on top of a list of applicants.
    struct Variant: Sendable, CustomStringConvertible {
        var sameOrganisation = "penalise"
        var candidatesPerPerson = 10
        var goalsWeight = 10.0
        var ruledOut = false // pairsMadeBefore, unschedulable, never-pairs, must-pairs, capacity in use, active juniors
        var extraPairs = false
        var description: String {
            "\(sameOrganisation) k=\(candidatesPerPerson) goals=\(goalsWeight) ruledOut=\(ruledOut) extra=\(extraPairs)"
        }
    }

    static let variants: [Variant] = [
        Variant(),
        Variant(sameOrganisation: "forbid", ruledOut: true),
        Variant(sameOrganisation: "allow", candidatesPerPerson: 3, goalsWeight: 0, ruledOut: true, extraPairs: true),
        Variant(sameOrganisation: "penalise", candidatesPerPerson: 1, ruledOut: true),
        Variant(sameOrganisation: "forbid", candidatesPerPerson: 25, extraPairs: true),
    ]

    /// Rules out a seeded selection of pairs the way the ledger, the scheduler and the coordinator do.
    static func adjust(_ pool: inout Pool, _ variant: Variant, seed: Int) {
        guard variant.ruledOut else { return }
        var rng = SeededGenerator(seed: UInt64(seed) &+ 1000)
        let keys = pool.applicants.map(\.email.key)
        let n = keys.count
        guard n > 2 else { return }
        func two() -> (String, String) {
            let a = Int.random(in: 0..<n, using: &rng)
            var b = Int.random(in: 0..<n, using: &rng)
            if b == a { b = (a + 1) % n }
            return (keys[a], keys[b])
        }
        for _ in 0..<max(3, n / 4) {
            let (s, j) = two()
            pool.pairsMadeBefore.insert(Pool.pairKey(senior: s, junior: j))
        }
        for _ in 0..<max(3, n / 5) {
            let (s, j) = two()
            pool.unschedulable[Pool.pairKey(senior: s, junior: j)] = "no slot \(s) \(j)"
        }
        for _ in 0..<max(3, n / 6) {
            let (a, b) = two()
            pool.overrides.neverPair.insert([a, b])
        }
        for _ in 0..<3 {
            let (s, j) = two()
            pool.overrides.mustPair.append((senior: s, junior: j))
        }
        for _ in 0..<max(2, n / 10) {
            let (a, b) = two()
            pool.capacityInUse[a] = Int.random(in: 1...2, using: &rng)
            pool.runningJuniors.insert(b)
        }
    }

    static func config(_ variant: Variant) -> SchemeConfig {
        var config = SchemeConfig()
        config.matching.sameOrganisation = variant.sameOrganisation
        config.matching.candidatesPerPerson = variant.candidatesPerPerson
        config.matching.goalsWeight = variant.goalsWeight
        return config
    }

    static func extraPairs(_ n: Int, seed: Int) -> [(Int, Int)] {
        var rng = SeededGenerator(seed: UInt64(seed) &+ 77)
        return (0..<(n / 3)).map { _ in (Int.random(in: 0..<n, using: &rng), Int.random(in: 0..<n, using: &rng)) }
    }

    /// Ways of running the search that must not change its result: the default, without the goal
    /// tables (each cosine computed when needed), without pruning, and on 1 or 3 workers with
    /// small chunks (so that seniors' lists are merged from several workers).
    static let tunings: [(String, CandidateSearch.Tuning)] = {
        var noTables = CandidateSearch.Tuning()
        noTables.goalTableLimit = 0
        var noPruning = CandidateSearch.Tuning()
        noPruning.pruning = false
        var one = CandidateSearch.Tuning()
        one.workers = 1
        var three = CandidateSearch.Tuning()
        three.workers = 3
        three.chunkSize = 5
        three.goalTableLimit = 0
        return [("default", CandidateSearch.Tuning()), ("no goal tables", noTables), ("no pruning", noPruning),
                ("1 worker", one), ("3 workers, chunks of 5, no tables", three)]
    }()

    /// Compares everything public about the two scorers' candidate sets, and rules and scores of sample pairs.
    static func compare(_ pool: Pool, _ variant: Variant, seed: Int, allTunings: Bool = true) throws {
        let config = config(variant)
        let fast = try Scorer(pool: pool, config: config)
        let slow = try ReferenceScorer(pool: pool, config: config)
        let extra = variant.extraPairs ? extraPairs(pool.applicants.count, seed: seed) : []
        let b = slow.candidates(extraPairs: extra)
        // On the largest pools, the default and the most different way only (debug builds are slow).
        for (name, tuning) in allTunings ? tunings : [tunings[0], tunings[4]] {
            let a = fast.candidates(extraPairs: extra, tuning: tuning)
            let context = "\(variant), \(name), seed \(seed)"
            #expect(a.allowedPairs == b.allowedPairs, "allowed pairs, \(context)")
            #expect(a.hasAllowedPartner == b.hasAllowedPartner, "hasAllowedPartner, \(context)")
            #expect(a.candidates.count == b.candidates.count, "candidate count, \(context)")
            if a.candidates != b.candidates {
                let first = zip(a.candidates, b.candidates).first { $0 != $1 }
                Issue.record("candidates differ, \(context); first difference: \(String(describing: first))")
            }
            // Bit for bit, the sign of a zero included (reports print the parts).
            let bits = { (c: [Candidate]) in c.map { c in c.score.parts.map(\.points.bitPattern) + [c.score.commonHoursPerWeek.bitPattern] } }
            #expect(bits(a.candidates) == bits(b.candidates), "score bits, \(context)")
        }
        #expect(b.allowedPairs > 0)
        // Pairs given back later (`adding`) give what a search with them as extra pairs gives.
        let searched = fast.candidates()
        #expect(fast.adding(extra, to: searched).candidates == b.candidates, "adding, \(variant), seed \(seed)")
        #expect(fast.adding([], to: searched).candidates == searched.candidates)
        #expect(fast.without(ruledOut: searched).candidates == searched.candidates, "nothing ruled out by the scheduler yet")
        // A scheduling round rules pairs out: exactly those leave, the rest stay as they were.
        if searched.candidates.count > 3 {
            var later = pool
            let gone = [searched.candidates[0], searched.candidates[searched.candidates.count / 2]]
            for c in gone { later.unschedulable[pool.applicants[c.senior].email.key + "|" + pool.applicants[c.junior].email.key] = "no slot" }
            let fresh = try Scorer(pool: later, config: config)
            let reused = fresh.without(ruledOut: searched)
            // The next round's scorer is the earlier one with the pairs ruled out: the same rules.
            let ruling = fast.ruling(out: later.unschedulable)
            #expect(ruling.without(ruledOut: searched).candidates == reused.candidates)
            for c in gone + searched.candidates.prefix(50) {
                #expect(ruling.rule(senior: c.senior, junior: c.junior) == fresh.rule(senior: c.senior, junior: c.junior))
            }
            #expect(reused.candidates == searched.candidates.filter { c in !gone.contains { $0.senior == c.senior && $0.junior == c.junior } },
                    "without(ruledOut:), \(variant), seed \(seed)")
            #expect(reused.allowedPairs == searched.allowedPairs - 2)
        }
        #expect(fast.seniorBlock == slow.seniorBlock && fast.juniorBlock == slow.juniorBlock)
        // Rules and full scores of a sample of pairs (allowed or not), as `explain` and the matcher see them.
        let n = pool.applicants.count
        var rng = SeededGenerator(seed: UInt64(seed) &+ 5)
        for _ in 0..<min(3000, n * n) {
            let s = Int.random(in: 0..<n, using: &rng), j = Int.random(in: 0..<n, using: &rng)
            if fast.rule(senior: s, junior: j) != slow.rule(senior: s, junior: j) {
                Issue.record("rule(\(s), \(j)) differs, \(variant) seed \(seed)")
                break
            }
            if fast.score(senior: s, junior: j) != slow.score(senior: s, junior: j) {
                Issue.record("score(\(s), \(j)) differs, \(variant) seed \(seed)")
                break
            }
        }
        for p in 0..<min(n, 5) {
            var expected: [[Int]] = []
            for other in 0..<n where other != p {
                if slow.rule(senior: p, junior: other) == nil { expected.append([p, other]) }
                if slow.rule(senior: other, junior: p) == nil { expected.append([other, p]) }
            }
            #expect(fast.allowedPairs(of: p).map { [$0.0, $0.1] } == expected)
        }
    }

    @Test(.enabled(if: GeneratedPools.available, "needs python3 (for scripts/gen_applications.py)"),
          arguments: [(300, 1), (500, 2), (800, 3), (1200, 4), (2000, 5)])
    func generatedPools(n: Int, seed: Int) throws {
        let applicants = try GeneratedPools.applicants(n: n, seed: seed)
        for (v, variant) in Self.variants.enumerated() {
            var pool = Pool(applicants: applicants, firstMonth: GeneratedPools.firstMonth)
            Self.adjust(&pool, variant, seed: seed * 10 + v)
            try Self.compare(pool, variant, seed: seed * 10 + v, allTunings: n < 1000)
        }
    }

    @Test(arguments: 0..<12)
    func randomPools(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(seed) &* 104_729 &+ 3)
        var applicants = RandomPools.applicants(Int.random(in: 20...300, using: &rng), rng: &rng)
        // Some non-ASCII text, which the text profiles read without their shortcut for ASCII.
        for i in applicants.indices where i % 7 == 3 {
            applicants[i].jobTitle = ["Fotógrafo clínico", "Ärztlicher Fotograf", "Illustratrice médicale"][i % 3]
            applicants[i].goals += [" enseñanza e investigación", " Führung und Forschung", " photographie clinique"][i % 3]
            applicants[i].organisation = ["Hôpital Saint-Louis", "Trust A", "Universität C"][i % 3]
        }
        for (v, variant) in Self.variants.enumerated() {
            var pool = Pool(applicants: applicants, firstMonth: YearMonth(year: 2026, month: [3, 10, 12][seed % 3]))
            Self.adjust(&pool, variant, seed: seed * 10 + v)
            try Self.compare(pool, variant, seed: seed * 10 + v)
        }
    }
}

@Suite struct ExactRoundingTests {
    /// `Scorer.roundedHalfAway` is `rounded()` without a library call: the same bits for every input.
    @Test func sameBitsAsRounded() {
        var rng = SeededGenerator(seed: 42)
        var values: [Double] = [0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, -0.49999999999999994,
                                0x1p52, -0x1p52, 0x1p52 - 0.5, 0x1p53 + 2, .infinity, -.infinity, .nan,
                                .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
                                4503599627370495.5, -4503599627370495.5, 1e300, 123.455, -0.3, 0.3, 1234.5]
        for _ in 0..<200_000 {
            let hundredths = Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 100
            values += [hundredths * 100, Double.random(in: -1e6...1e6, using: &rng),
                       Double(bitPattern: rng.next()), hundredths * 40 * 0.37]
        }
        for t in values {
            let fast = Scorer.roundedHalfAway(t), slow = t.rounded()
            if fast.isNaN && slow.isNaN { continue }
            #expect(fast.bitPattern == slow.bitPattern, "\(t): \(fast) vs \(slow)")
            if fast.bitPattern != slow.bitPattern { break }
        }
    }
}

/// Timing of `Scorer.init` + `candidates()` on an export, only when `TANDEM_SCORING_BENCH` names
/// one (`swift test -c release -Xswiftc -enable-testing --filter ScoringBenchmark`). With
/// `TANDEM_SCORING_BENCH_REFERENCE=1` the old scorer is timed too and the results compared; with
/// `=only`, only the old scorer is timed (`=read`: the export is only read, a memory baseline). `TANDEM_SCORING_WORKERS=N` sets the search's workers.
@Suite struct ScoringBenchmark {
    static let file = ProcessInfo.processInfo.environment["TANDEM_SCORING_BENCH"]

    @Test(.enabled(if: ScoringBenchmark.file != nil, "set TANDEM_SCORING_BENCH=/path/export.csv"))
    func timeScoring() throws {
        let path = try #require(Self.file)
        let config = SchemeConfig()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let ingest = FormReader.read(bytes, file: path, config: config.form, minimumSeniorYears: config.matching.minimumSeniorYears)
        let pool = Pool(applicants: ingest.applicants, firstMonth: YearMonth(year: 2026, month: 12))
        func cpu() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        }
        let clock = ContinuousClock()
        func f(_ x: Double) -> String { String(format: "%.3f s", x) }
        if ProcessInfo.processInfo.environment["TANDEM_SCORING_BENCH_REFERENCE"] == "read" { return } // memory baseline
        if ProcessInfo.processInfo.environment["TANDEM_SCORING_BENCH_REFERENCE"] == "only" {
            let t0 = clock.now, c0 = cpu()
            let old = try ReferenceScorer(pool: pool, config: config)
            let t1 = clock.now, c1 = cpu()
            let slow = old.candidates()
            print("reference scoring \(path): \(pool.applicants.count) applicants; wall: init \(t1 - t0), candidates "
                  + "\(clock.now - t1); cpu: init \(f(c1 - c0)), candidates \(f(cpu() - c1)); \(slow.allowedPairs) allowed pairs, "
                  + "\(slow.candidates.count) candidates")
            return
        }
        let t0 = clock.now, c0 = cpu()
        let scorer = try Scorer(pool: pool, config: config)
        let t1 = clock.now, c1 = cpu()
        var tuning = CandidateSearch.Tuning()
        tuning.workers = ProcessInfo.processInfo.environment["TANDEM_SCORING_WORKERS"].flatMap { Int($0) }
        let fast = scorer.candidates(extraPairs: [], tuning: tuning)
        let t2 = clock.now, c2 = cpu()
        print("scoring \(path): \(pool.applicants.count) applicants; wall: init \(t1 - t0), candidates \(t2 - t1), "
              + "total \(t2 - t0); cpu: init \(f(c1 - c0)), candidates \(f(c2 - c1)); "
              + "\(fast.allowedPairs) allowed pairs, \(fast.candidates.count) candidates")
        if ProcessInfo.processInfo.environment["TANDEM_SCORING_BENCH_REFERENCE"] == "1" {
            let r0 = clock.now
            let slow = try ReferenceScorer(pool: pool, config: config).candidates()
            print("reference: \(clock.now - r0)")
            #expect(slow.allowedPairs == fast.allowedPairs)
            #expect(slow.hasAllowedPartner == fast.hasAllowedPartner)
            #expect(slow.candidates == fast.candidates)
        }
    }
}
