import Testing
import TandemModel
@testable import TandemMatching

/// Explanations a coordinator can read, on the generated pool.
@Suite(.enabled(if: GeneratedPools.available, "needs python3 (for scripts/gen_applications.py)"))
struct ExplanationTests {
    @Test func aMatchedJunior() throws {
        let base = try Fixture.baseline()
        let pair = try #require(base.result.pairs.first { $0.junior.role == .junior && $0.junior.appliedOn < Fixture.firstMonth.firstDay })
        let days = base.pool.waitingDays(base.pool.index(pair.junior))
        let text = try Explanation.explain(emails: [pair.junior.email.text], pool: base.pool, config: Fixture.config, result: base.result)
        #expect(text.hasPrefix("\(pair.junior.name) <\(pair.junior.email)>"))
        #expect(text.contains("Applied on \(pair.junior.appliedOn) as a junior partner (mentee)"))
        #expect(text.contains("Waiting: \(days) days by 2026-09-01, when this round's sessions start; "))
        #expect(text.contains("Paired as the junior partner with:\n  \(pair.senior.name) <\(pair.senior.email)>: score "))
        #expect(text.contains("    - development "))
        #expect(text.contains(" of 40: "))
        #expect(text.contains("Best alternatives (the top 5 senior partners by score):\n  1. "))
        #expect(!text.contains("LP") && !text.contains("variable") && !text.contains("binary"))
        // Deterministic: the same inputs give the same text.
        #expect(text == (try Explanation.explain(emails: [pair.junior.email.text], pool: base.pool, config: Fixture.config, result: base.result)))
        #expect(throws: ExplanationError.self) {
            try Explanation.explain(emails: ["nobody@example.org"], pool: base.pool, config: Fixture.config, result: base.result)
        }
    }

    /// A pair the matching chose but the scheduler could not fit is shown as chosen and not made,
    /// with the scheduler's reason, for both partners; the other pairs are not touched.
    @Test func aChosenPairTheSchedulerCouldNotFit() throws {
        let base = try Fixture.baseline()
        let pair = try #require(base.result.pairs.first { $0.junior.role == .junior })
        let other = try #require(base.result.pairs.first { $0.junior.role == .junior && $0.senior.email != pair.senior.email })
        let reason = "every slot both partners marked is taken by another new pair"
        let notMade = [pair.senior.email.key + "|" + pair.junior.email.key: reason]
        let junior = try Explanation.explain(emails: [pair.junior.email.text], pool: base.pool, config: Fixture.config,
                                             result: base.result, notMade: notMade)
        #expect(junior.contains("Chosen as the junior partner of a pair that was not made:\n  \(pair.senior.name) <\(pair.senior.email)>: score "))
        #expect(junior.contains("Chosen, but not made: the scheduler could not fit the pair (\(reason)); both are considered again next month."))
        #expect(!junior.contains("Paired as the junior partner with:"))
        let senior = try Explanation.explain(emails: [pair.senior.email.text], pool: base.pool, config: Fixture.config,
                                             result: base.result, notMade: notMade)
        #expect(senior.contains("Chosen, but not made: the scheduler could not fit the pair (\(reason))"))
        let unaffected = try Explanation.explain(emails: [other.junior.email.text], pool: base.pool, config: Fixture.config,
                                                 result: base.result, notMade: notMade)
        #expect(unaffected.contains("Paired as the junior partner with:") && !unaffected.contains("not made"))
        // Asked about with someone else, the not-made pair is named as such there too.
        let two = try Explanation.explain(emails: [pair.junior.email.text, other.senior.email.text], pool: base.pool,
                                          config: Fixture.config, result: base.result, notMade: notMade)
        let instead = try #require(two.split(separator: "\n").first { $0.hasPrefix("- \(pair.junior.name): ") })
        #expect(instead.contains("junior partner of \(named(pair.senior, in: base.pool))") && instead.hasSuffix(", chosen but not made: both wait for next month)."))
        let untouched = try Explanation.explain(emails: [other.junior.email.text, pair.senior.email.text], pool: base.pool,
                                                config: Fixture.config, result: base.result)
        #expect(!untouched.contains("not made"))
    }

    /// One senior with one place; two juniors whose only allowed senior is that one, the first
    /// waiting longer. `withFallback` gives the first junior a second senior to fall back on.
    /// Someone not asked about, as an explanation names them: with their address where another
    /// applicant has the same name (the generated pools repeat names).
    func named(_ person: Applicant, in pool: Pool) -> String {
        pool.applicants.filter { $0.name == person.name }.count > 1 ? "\(person.name) <\(person.email)>" : person.name
    }

    /// `sharedName`: the senior and the fallback senior both called that (two people of one name).
    func scarceSenior(withFallback: Bool, sharedName: String? = nil) throws -> (pool: Pool, result: MatchingResult, senior: Applicant,
                                                                                fallback: Applicant, first: Applicant, second: Applicant,
                                                                                refused: Applicant) {
        let base = try Fixture.baseline()
        var senior = try base.plainPair(skip: 0).senior
        var fallback = try #require(base.result.pairs.first { $0.senior.role == .senior && $0.senior.email != senior.email }).senior
        if let sharedName { (senior.name, fallback.name) = (sharedName, sharedName) }
        let juniors = base.result.pairs.map(\.junior).filter { $0.role == .junior }
        let first = juniors[1], second = juniors[2], refused = juniors[3]
        var applicants = base.applicants
        for s in [senior, fallback] {
            applicants.modify(s) { $0.capacity = 1; $0.conflicts = []; $0.timeZone = senior.timeZone; $0.name = s.name }
        }
        for junior in [first, second] {
            applicants.modify(junior) {
                $0.availability = Array(Set(senior.availability + fallback.availability)).sorted()
                $0.conflicts = []
                $0.preferredPartner = ""
            }
        }
        applicants.modify(first) { $0.appliedOn = LocalDate(year: 2026, month: 7, day: 1); $0.timeZone = senior.timeZone }
        applicants.modify(second) { $0.appliedOn = LocalDate(year: 2026, month: 8, day: 15); $0.timeZone = senior.timeZone }
        applicants.modify(refused) { $0.consent = false }
        let (pool, result) = try Fixture.match(applicants) { pool in
            // Everyone else was "paired before" with these four, so only the pairs set up here are allowed.
            let allowed: Set<String> = Set([(senior, first), (senior, second)].map { Pool.pairKey(senior: $0.0.email.key, junior: $0.1.email.key) }
                + (withFallback ? [Pool.pairKey(senior: fallback.email.key, junior: first.email.key)] : []))
            for other in pool.applicants {
                for (s, j) in [(senior, other), (fallback, other), (other, first), (other, second)] {
                    let key = Pool.pairKey(senior: s.email.key, junior: j.email.key)
                    if s.email != j.email && !allowed.contains(key) { pool.pairsMadeBefore.insert(key) }
                }
            }
        }
        return (pool, result, senior, fallback, first, second, refused)
    }

    @Test func anUnmatchedJuniorWhoWaitedLess() throws {
        let s = try scarceSenior(withFallback: false)
        #expect(s.result.contains(senior: s.senior, junior: s.first))
        #expect(!s.result.involves(s.second))
        let text = try Explanation.explain(emails: [s.second.email.text], pool: s.pool, config: Fixture.config, result: s.result)
        #expect(text.contains("Applied on 2026-08-15 as a junior partner (mentee)"))
        #expect(text.contains("Waiting: 17 days by 2026-09-01, when this round's sessions start; within the scheme's 3-month target."))
        let (senior, first) = (named(s.senior, in: s.pool), named(s.first, in: s.pool))
        #expect(text.contains("Not paired this month.\nWhy: 1 allowed partner (\(senior)), but that partner was placed elsewhere"))
        #expect(text.contains("\(senior) is full: their place went to \(first) (score "))
        #expect(text.contains("Pairing them would pair as many people, but not the same ones: \(first) (waiting 62 days) would be left unpaired so that \(s.second.name) (waiting 17 days) could be paired"))

        let refused = try Explanation.explain(emails: [s.refused.email.text], pool: s.pool, config: Fixture.config, result: s.result)
        #expect(refused.contains("Cannot be paired in any role: did not consent to share their details."))
        #expect(refused.contains("Not paired this month.\nWhy: cannot be paired in any role (see above)."))
    }

    @Test func twoPeopleNotPairedBecauseThatKeepsMorePeoplePaired() throws {
        let s = try scarceSenior(withFallback: true)
        #expect(s.result.contains(senior: s.senior, junior: s.second))
        #expect(s.result.contains(senior: s.fallback, junior: s.first))
        let text = try Explanation.explain(emails: [s.first.email.text, s.senior.email.text], pool: s.pool, config: Fixture.config, result: s.result)
        let (fallback, second) = (named(s.fallback, in: s.pool), named(s.second, in: s.pool))
        #expect(text.contains("They were not paired together."))
        #expect(text.contains("- \(s.first.name) as senior, \(s.senior.name) as junior: not allowed: \(s.first.name) cannot be a senior partner: applied as a junior partner."))
        #expect(text.contains("- \(s.senior.name) as senior, \(s.first.name) as junior: allowed, score "))
        #expect(text.contains("What each got instead:\n- \(s.first.name): junior partner of \(fallback) (score "))
        #expect(text.contains("- \(s.senior.name): senior partner for \(second) (score "))
        #expect(text.contains("Why not \(s.senior.name) with \(s.first.name): \(s.senior.name) is full: their place went to \(second)"))
        #expect(text.contains("\(s.first.name) was paired with \(fallback) instead"))
        #expect(text.contains("Pairing them would leave 2 more people unpaired"))
        #expect(text.contains("the chosen pairs keep more people paired (everyone else keeping the role this month's pairing gave them)."))
    }

    /// Someone who shares their name with a person asked about is told apart by their e-mail
    /// address: "junior partner of Pat Quinn" must not read as the Pat Quinn the question was about.
    @Test func aPartnerOfTheSameNameAsThePersonAskedAboutIsToldApart() throws {
        let s = try scarceSenior(withFallback: true, sharedName: "Pat Quinn")
        #expect(s.result.contains(senior: s.fallback, junior: s.first))
        let text = try Explanation.explain(emails: [s.first.email.text, s.senior.email.text], pool: s.pool, config: Fixture.config, result: s.result)
        #expect(text.hasPrefix("\(s.first.name) <\(s.first.email)> and Pat Quinn <\(s.senior.email)>"))
        #expect(text.contains("What each got instead:\n- \(s.first.name): junior partner of Pat Quinn <\(s.fallback.email)> (score "))
        #expect(text.contains("\n- Pat Quinn: senior partner for \(named(s.second, in: s.pool)) (score "), "\(text)")
        #expect(!text.contains("of Pat Quinn (score"))
    }
}

/// On a pool whose roles are all given (no "either"), the pairing model is a network and both ways
/// of weighing a what-if are exact: the network method large pools use must reach the same verdict,
/// stage and value as GLPK's branch-and-bound.
@Suite(.enabled(if: GeneratedPools.available, "needs python3 (for scripts/gen_applications.py)"))
struct WhatIfMethodTests {
    @Test func theNetworkWhatIfAgreesWithGLPKWhenRolesAreGiven() throws {
        var applicants = try GeneratedPools.applicants(n: 120, seed: 23)
        for i in applicants.indices where applicants[i].role == .either {
            applicants[i].role = applicants[i].yearsOfExperience >= 2 ? .senior : .junior
        }
        let (pool, result) = try Fixture.match(applicants)
        let explainer = try Explainer(pool: pool, config: Fixture.config, result: result)
        let made = Set(result.pairs.map { "\($0.senior.email.key)|\($0.junior.email.key)" })
        let alternatives = explainer.candidates.filter { !made.contains("\(pool.applicants[$0.senior].email.key)|\(pool.applicants[$0.junior].email.key)") }
        try #require(alternatives.count >= 10)
        var compared: [String: Int] = [:]
        for candidate in alternatives.prefix(16) {
            let exact = try explainer.tradeOff(senior: candidate.senior, junior: candidate.junior, byNetwork: false)
            let network = try explainer.tradeOff(senior: candidate.senior, junior: candidate.junior, byNetwork: true)
            let what = "\(pool.applicants[candidate.senior].email) with \(pool.applicants[candidate.junior].email)"
            switch (exact, network) {
            case let (.worse(a, _, x), .worse(b, _, y)):
                #expect(a == b, "\(what): worse at \(a) by GLPK, at \(b) by the network")
                if a != .minimumScore, let x, let y { #expect(abs(x - y) < 1e-6, "\(what): \(a) \(x) by GLPK, \(y) by the network") }
                compared["worse at \(a.rawValue)", default: 0] += 1
            case (.tie, .tie): compared["tie", default: 0] += 1
            case let (.better(a), .better(b)): #expect(a == b); compared["better", default: 0] += 1
            case (.overrides, .overrides): break
            default: Issue.record("\(what): \(exact) by GLPK, \(network) by the network")
            }
        }
        #expect(compared.values.reduce(0, +) >= 10, "\(compared)")
    }
}
