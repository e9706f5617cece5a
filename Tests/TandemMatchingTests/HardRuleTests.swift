import Testing
import TandemModel
@testable import TandemMatching

/// Each hard rule, set up on a pair the matching made in the generated pool's baseline: once the
/// rule applies, the pair is not made, and the scorer names that rule for it.
@Suite(.enabled(if: GeneratedPools.available, "needs python3 (for scripts/gen_applications.py)"))
struct HardRuleTests {
    func rule(_ pool: Pool, senior: Applicant, junior: Applicant, config: SchemeConfig = Fixture.config) throws -> PairRule? {
        try Scorer(pool: pool, config: config).rule(senior: pool.index(senior), junior: pool.index(junior))
    }

    @Test func baselineIsComplete() throws {
        let base = try Fixture.baseline()
        #expect(base.applicants.count > 190)
        #expect(base.result.pairs.count > 80)
        #expect(base.result.allProvenOptimal)
    }

    @Test func noConsent() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        var applicants = base.applicants
        applicants.modify(pair.junior) { $0.consent = false }
        let (pool, result) = try Fixture.match(applicants)
        #expect(!result.involves(pair.junior))
        let unmatched = try #require(result.unmatched.first { $0.applicant.email == pair.junior.email })
        #expect(unmatched.reason.contains("did not consent"))
        #expect(try rule(pool, senior: pair.senior, junior: pair.junior) == .cannotBeJunior("did not consent to share their details"))
    }

    @Test func seniorWithUnderTwoYears() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        var applicants = base.applicants
        applicants.modify(pair.senior) { $0.yearsOfExperience = 1.5 }
        let (pool, result) = try Fixture.match(applicants)
        #expect(!result.involves(pair.senior), "a senior with 1.5 years is in no pair")
        let unmatched = try #require(result.unmatched.first { $0.applicant.email == pair.senior.email })
        #expect(unmatched.reason.contains("1.5 years of experience, fewer than 2 years"))
        guard case .cannotBeSenior? = try rule(pool, senior: pair.senior, junior: pair.junior) else {
            Issue.record("expected cannotBeSenior")
            return
        }
    }

    @Test func eitherWithUnderTwoYearsIsOnlyAJunior() throws {
        let base = try Fixture.baseline()
        let either = try #require(base.result.pairs.first { $0.senior.role == .either }).senior
        var applicants = base.applicants
        applicants.modify(either) { $0.yearsOfExperience = 1.5 }
        let (pool, result) = try Fixture.match(applicants)
        #expect(!result.pairs.contains { $0.senior.email == either.email }, "never a senior")
        let scorer = try Scorer(pool: pool, config: Fixture.config)
        let i = pool.index(either)
        #expect(scorer.seniorBlock[i]?.contains("fewer than 2 years") == true)
        #expect(scorer.juniorBlock[i] == nil)
        #expect(result.pairs.contains { $0.junior.email == either.email }, "still paired, as a junior")
    }

    @Test(arguments: [true, false])
    func conflictNamedEitherWay(bySenior: Bool) throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        var applicants = base.applicants
        let someoneElse = try #require(base.applicants.first { $0.email != pair.senior.email && $0.email != pair.junior.email })
        if bySenior {
            applicants.modify(pair.senior) { $0.conflicts = [pair.junior.email.text.uppercased()] } // by e-mail
        } else {
            // By name: one nobody else in the pool has (a name two people share names neither).
            applicants.modify(pair.senior) { $0.name = "Quillon Vantreight" }
            applicants.modify(pair.junior) { $0.conflicts = ["quillon vantreight"] }
            // The senior lists a conflict too, with someone else: the rule must still name the junior.
            applicants.modify(pair.senior) { $0.conflicts = [someoneElse.email.text] }
        }
        let (pool, result) = try Fixture.match(applicants)
        #expect(!result.contains(senior: pair.senior, junior: pair.junior))
        let namer = bySenior ? pair.senior.name : pair.junior.name // the junior's name is unchanged
        #expect(try rule(pool, senior: pair.senior, junior: pair.junior) == .conflict(namedBy: namer))
    }

    @Test func noCommonTime() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        var applicants = base.applicants
        let saturday = WeeklyWindow(weekday: 6, startMinute: 9 * 60, endMinute: 12 * 60)
        applicants.modify(pair.senior) { $0.availability.removeAll { $0.weekday == 6 } }
        applicants.modify(pair.junior) {
            $0.availability = [saturday]
            $0.timeZone = pair.senior.timeZone
        }
        let (pool, result) = try Fixture.match(applicants)
        #expect(!result.contains(senior: pair.senior, junior: pair.junior))
        #expect(try rule(pool, senior: pair.senior, junior: pair.junior) == .noCommonTime)
    }

    @Test func sameOrganisationWhenForbidden() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        var applicants = base.applicants
        applicants.modify(pair.senior) { $0.organisation = "Moorfields Eye Hospital" }
        applicants.modify(pair.junior) { $0.organisation = "moorfields eye hospital " }
        var config = Fixture.config
        config.matching.sameOrganisation = "forbid"
        let (pool, result) = try Fixture.match(applicants, config: config)
        #expect(!result.contains(senior: pair.senior, junior: pair.junior))
        #expect(try rule(pool, senior: pair.senior, junior: pair.junior, config: config) == .sameOrganisationForbidden)
        let scorer = try Scorer(pool: pool, config: config)
        for p in result.pairs {
            let s = scorer.organisation[pool.index(p.senior)], j = scorer.organisation[pool.index(p.junior)]
            #expect(s.isEmpty || s != j, "\(p.senior.email) and \(p.junior.email) share \(s)")
        }
        // Under the default, the same pair is allowed but loses points.
        let penalised = try Scorer(pool: pool, config: Fixture.config)
        #expect(penalised.rule(senior: pool.index(pair.senior), junior: pool.index(pair.junior)) == nil)
        #expect(penalised.score(senior: pool.index(pair.senior), junior: pool.index(pair.junior)).organisation == -10)
    }

    @Test func neverPairOverride() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        // Given in the opposite roles: a never-pair holds either way.
        let (overrides, diagnostics) = OverridesFile.parse(
            "rule,senior,junior,note\nnever,\(pair.junior.email),\(pair.senior.email),test\n", file: "overrides.csv")
        #expect(diagnostics.isEmpty)
        let (pool, result) = try Fixture.match(base.applicants) { $0.overrides = overrides }
        #expect(!result.contains(senior: pair.senior, junior: pair.junior))
        #expect(try rule(pool, senior: pair.senior, junior: pair.junior) == .neverPairOverride)
    }

    @Test func pairsMadeBefore() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        let (pool, result) = try Fixture.match(base.applicants) {
            $0.pairsMadeBefore = [Pool.pairKey(senior: pair.senior.email.key, junior: pair.junior.email.key)]
        }
        #expect(!result.contains(senior: pair.senior, junior: pair.junior))
        #expect(try rule(pool, senior: pair.senior, junior: pair.junior) == .pairedBefore)
    }
}

/// The coordinator's overrides on the generated pool.
@Suite(.enabled(if: GeneratedPools.available, "needs python3 (for scripts/gen_applications.py)"))
struct OverrideTests {
    @Test func mustPairIsMadeEvenWhenAnotherScoresHigher() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        let scorer = try Scorer(pool: base.pool, config: Fixture.config)
        let j = base.pool.index(pair.junior)
        // A senior allowed with this junior but scoring lower than the partner the matching chose.
        let weaker = try #require(base.pool.applicants.indices.first { s in
            base.pool.applicants[s].email != pair.senior.email && scorer.rule(senior: s, junior: j) == nil
                && scorer.score(senior: s, junior: j).points < pair.score.points
        })
        let senior = base.pool.applicants[weaker]
        let (overrides, diagnostics) = OverridesFile.parse(
            "rule;senior;junior;note\r\nmust;\(senior.email);\(pair.junior.email);coordinator's choice\r\n", file: "overrides.csv")
        #expect(diagnostics.isEmpty)
        let (_, result) = try Fixture.match(base.applicants) { $0.overrides = overrides }
        let made = try #require(result.pairs.first { $0.junior.email == pair.junior.email })
        #expect(made.senior.email == senior.email)
        #expect(made.forcedByOverride)
        #expect(made.score.points < pair.score.points)
        #expect(!result.contains(senior: pair.senior, junior: pair.junior))
    }

    @Test func mustPairBreakingAHardRuleIsAClearError() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        var applicants = base.applicants
        applicants.modify(pair.junior) { $0.conflicts = [pair.senior.email.text] }
        let (overrides, _) = OverridesFile.parse("rule,senior,junior\nmust,\(pair.senior.email),\(pair.junior.email)\n", file: "o.csv")
        let error = #expect(throws: MatchingError.self) {
            _ = try Fixture.match(applicants) { $0.overrides = overrides }
        }
        guard case .mustPairNotAllowed? = error else { Issue.record("expected mustPairNotAllowed, got \(String(describing: error))"); return }
        #expect(error?.description == "the override pairing \(pair.senior.email.key) with \(pair.junior.email.key) cannot be made: "
            + "\(pair.junior.name) named the other as someone they should not be paired with")

        // A must-pair with the roles the wrong way round.
        let (reversed, _) = OverridesFile.parse("rule,senior,junior\nmust,\(pair.junior.email),\(pair.senior.email)\n", file: "o.csv")
        let roleError = #expect(throws: MatchingError.self) {
            _ = try Fixture.match(base.applicants) { $0.overrides = reversed }
        }
        #expect(roleError?.description.hasSuffix("cannot be the senior partner: applied as a junior partner") == true)
    }

    @Test func mustPairsOverCapacityAreAClearError() throws {
        let base = try Fixture.baseline()
        let pair = try base.plainPair()
        let other = try base.plainPair(skip: 1)
        var applicants = base.applicants
        applicants.modify(pair.senior) { $0.capacity = 1 }
        applicants.modify(other.junior) { // make the second must-pair allowed
            $0.availability = pair.junior.availability
            $0.timeZone = pair.junior.timeZone
            $0.conflicts = []
        }
        let (overrides, diagnostics) = OverridesFile.parse("""
            rule,senior,junior,note
            must,\(pair.senior.email),\(pair.junior.email),
            must,\(pair.senior.email),\(other.junior.email),
            """, file: "overrides.csv")
        #expect(diagnostics.isEmpty)
        let error = #expect(throws: MatchingError.self) {
            _ = try Fixture.match(applicants) { $0.overrides = overrides }
        }
        #expect(error?.description == "the overrides give \(pair.senior.email.key) 2 juniors, but they can take only 1")
    }

    @Test func neverPairsAreNotMade() throws {
        let base = try Fixture.baseline()
        let pairs = Array(base.result.pairs.prefix(6))
        let text = "rule,senior,junior,note\n" + pairs.map { "never,\($0.senior.email),\($0.junior.email)," }.joined(separator: "\n")
        let (overrides, diagnostics) = OverridesFile.parse(text, file: "overrides.csv")
        #expect(diagnostics.isEmpty)
        #expect(overrides.neverPair.count == 6)
        let (_, result) = try Fixture.match(base.applicants) { $0.overrides = overrides }
        for pair in pairs { #expect(!result.contains(senior: pair.senior, junior: pair.junior)) }
        #expect(result.pairs.count >= base.result.pairs.count - 6)
    }
}

/// After every solve the pairs are checked against every hard rule: a broken assignment is an error.
@Suite(.enabled(if: GeneratedPools.available, "needs python3 (for scripts/gen_applications.py)"))
struct VerifyTests {
    @Test func brokenAssignmentsAreCaught() throws {
        let base = try Fixture.baseline()
        let scorer = try Scorer(pool: base.pool, config: Fixture.config)
        let candidates = scorer.candidates().candidates
        let index = Dictionary(candidates.enumerated().map { ("\($0.element.senior)|\($0.element.junior)", $0.offset) },
                               uniquingKeysWith: { a, _ in a })
        let chosen = base.result.pairs.map { index["\(base.pool.index($0.senior))|\(base.pool.index($0.junior))"]! }
        let model = PairingModel(pool: base.pool, candidates: candidates, mustPairs: [], overdue: [])
        try Matcher.verify(pairs: chosen, model: model, scorer: scorer) // the real result passes

        // 1. A pair that breaks a hard rule (here: no common time, or any other rule).
        let n = base.pool.applicants.count
        let forbidden = try #require((0..<n).lazy.flatMap { s in (0..<n).lazy.map { (s, $0) } }.first { s, j in
            scorer.seniorBlock[s] == nil && scorer.juniorBlock[j] == nil && s != j && scorer.rule(senior: s, junior: j) != nil
        })
        let bad = Candidate(senior: forbidden.0, junior: forbidden.1, score: scorer.score(senior: forbidden.0, junior: forbidden.1))
        let withBad = PairingModel(pool: base.pool, candidates: candidates + [bad], mustPairs: [], overdue: [])
        let error = #expect(throws: MatchingError.self) {
            try Matcher.verify(pairs: [candidates.count], model: withBad, scorer: scorer)
        }
        guard case .ruleBroken(let message)? = error else { Issue.record("expected ruleBroken"); return }
        #expect(message.hasPrefix("pair \(base.pool.applicants[forbidden.0].email.key) with"))

        // 2. One junior with two seniors.
        let byJunior = Dictionary(grouping: candidates.indices, by: { candidates[$0].junior })
        let twice = try #require(byJunior.values.sorted { $0[0] < $1[0] }.first { $0.count >= 2 })
        #expect(throws: MatchingError.self) { try Matcher.verify(pairs: Array(twice.prefix(2)), model: model, scorer: scorer) }

        // 3. A senior over capacity.
        let bySenior = Dictionary(grouping: candidates.indices, by: { candidates[$0].senior })
        let full = try #require(bySenior.values.sorted { $0[0] < $1[0] }.first { list in
            let juniors = Set(list.map { candidates[$0].junior })
            return juniors.count > model.remainingCapacity(candidates[list[0]].senior)
        })
        var seen = Set<Int>()
        let over = full.filter { seen.insert(candidates[$0].junior).inserted }
        let capacityError = #expect(throws: MatchingError.self) { try Matcher.verify(pairs: over, model: model, scorer: scorer) }
        #expect(capacityError?.description.contains("capacity") == true)
    }
}
