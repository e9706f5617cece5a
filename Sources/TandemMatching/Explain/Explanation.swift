import Foundation
import GLPK
import TandemModel

/// An e-mail given to `Explanation.explain` that cannot be explained.
public enum ExplanationError: Error, Sendable, CustomStringConvertible {
    case noEmails
    case notInPool(String)

    public var description: String {
        switch self {
        case .noEmails: return "give one e-mail to explain a person, or two to explain a pair"
        case let .notInPool(email):
            return "\(email) is not among this month's usable applicants (check the spelling, and the check report for a rejected response)"
        }
    }
}

/// Why the matching did what it did, in words a coordinator understands.
///
/// For one person: their roles and waiting time, their partner(s) with the score part by part,
/// and the best alternatives with what kept each from being chosen — a hard rule, a partner's
/// full places, or a trade-off. A trade-off is not guessed: the alternative pair is forced (as a
/// must-pair would be) and the stages are solved again, stopping at the first stage that gets
/// worse — more people left unpaired, longer waits left unserved, a weaker weakest pair, or a lower
/// total score. For two people: why they were, or were not, paired together.
///
/// The output depends only on the inputs (sorted, fixed number formats).
public enum Explanation {
    /// Alternatives listed per person, and how many of them get a what-if solve.
    public static let alternativesShown = 5
    public static let whatIfsPerPerson = 3

    /// - Parameter notMade: pairs of `result` the scheduler could not fit, by `senior-key|junior-key`,
    ///   with its explanation: chosen, but not made (their people wait for next month).
    public static func explain(emails: [String], pool: Pool, config: SchemeConfig, result: MatchingResult,
                               notMade: [String: String] = [:]) throws -> String {
        guard !emails.isEmpty else { throw ExplanationError.noEmails }
        var explainer = try Explainer(pool: pool, config: config, result: result)
        explainer.notMade = notMade
        let people = try emails.map { email throws(ExplanationError) -> Int in
            guard let i = explainer.index[EmailAddress(email).key] else { throw .notInPool(EmailAddress(email).text) }
            return i
        }
        explainer.asked = Set(people)
        if people.count == 2 && people[0] != people[1] {
            return try explainer.explainPair(people[0], people[1])
        }
        var texts: [String] = []
        for p in people { texts.append(try explainer.explainPerson(p)) }
        return texts.joined(separator: "\n")
    }
}

/// The facts of one matching result, indexed for explaining.
struct Explainer {
    let pool: Pool
    let config: SchemeConfig
    let scorer: Scorer
    let index: [String: Int]
    /// Candidate pairs as the matching weighed them, plus any pair of the result missing from them.
    let candidates: [Candidate]
    let candidateIndex: [Int64: Int]
    let chosen: [Int]
    let mustPairs: Set<Int>
    /// Pairs chosen but not made, by `senior-key|junior-key` (`Explanation.explain`).
    var notMade: [String: String] = [:]
    let overdue: Set<Int>
    let model: PairingModel
    /// The result's value for each stage, in stage order.
    let achieved: [PairingModel.Stage: Double]
    let seniorOf: [Int: Int]
    let juniorsOf: [Int: [Int]]
    let forced: Set<Int64>
    let unmatchedReason: [Int: String]
    /// Names two or more applicants share: anyone but the people asked about (named with their
    /// address at the top) is then written with their e-mail address too, so that "junior partner of
    /// Aisha Ahmed" cannot be read as the Aisha Ahmed the question was about.
    let sharedNames: Set<String>
    var asked: Set<Int> = []

    static func key(_ s: Int, _ j: Int) -> Int64 { Int64(s) << 32 | Int64(j) }

    init(pool: Pool, config: SchemeConfig, result: MatchingResult) throws {
        self.pool = pool
        self.config = config
        var seen = Set<String>(), shared = Set<String>()
        for a in pool.applicants where !a.name.isEmpty && !seen.insert(a.name).inserted { shared.insert(a.name) }
        sharedNames = shared
        scorer = try Scorer(pool: pool, config: config, instruments: result.carry.scorer?.instruments ?? .system)
        let index = Dictionary(pool.applicants.enumerated().map { ($0.element.email.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        self.index = index
        var candidates = scorer.candidates().candidates
        var candidateIndex = Dictionary(candidates.enumerated().map { (Self.key($0.element.senior, $0.element.junior), $0.offset) },
                                        uniquingKeysWith: { a, _ in a })
        var chosen: [Int] = []
        var seniorOf: [Int: Int] = [:]
        var juniorsOf: [Int: [Int]] = [:]
        var forced = Set<Int64>()
        for pair in result.pairs {
            guard let s = index[pair.senior.email.key], let j = index[pair.junior.email.key] else {
                throw ExplanationError.notInPool(pair.senior.email.text + " or " + pair.junior.email.text)
            }
            let k = Self.key(s, j)
            if candidateIndex[k] == nil {
                candidateIndex[k] = candidates.count
                candidates.append(Candidate(senior: s, junior: j, score: scorer.score(senior: s, junior: j)))
            }
            chosen.append(candidateIndex[k]!)
            seniorOf[j] = s
            juniorsOf[s, default: []].append(j)
            if pair.forcedByOverride { forced.insert(k) }
        }
        for (s, list) in juniorsOf {
            juniorsOf[s] = list.sorted { (-candidates[candidateIndex[Self.key(s, $0)]!].score.points, pool.applicants[$0].email.key)
                < (-candidates[candidateIndex[Self.key(s, $1)]!].score.points, pool.applicants[$1].email.key) }
        }
        var must = Set<Int>()
        for pair in pool.overrides.mustPair {
            if let s = index[pair.senior], let j = index[pair.junior], let e = candidateIndex[Self.key(s, j)] { must.insert(e) }
        }
        self.candidates = candidates
        self.candidateIndex = candidateIndex
        self.chosen = chosen
        self.mustPairs = must
        self.seniorOf = seniorOf
        self.juniorsOf = juniorsOf
        self.forced = forced
        overdue = Set(pool.applicants.indices.filter { pool.isOverdue($0, targetMonths: config.matching.waitingTargetMonths) })
        model = PairingModel(pool: pool, candidates: candidates, mustPairs: must, overdue: overdue)
        var achieved: [PairingModel.Stage: Double] = [:]
        for stage in PairingModel.Stage.allCases { achieved[stage] = model.objectiveValue(stage, chosen: chosen) }
        self.achieved = achieved
        var reasons: [Int: String] = [:]
        for u in result.unmatched { if let i = index[u.applicant.email.key] { reasons[i] = u.reason } }
        unmatchedReason = reasons
    }

    // MARK: - One person

    func explainPerson(_ p: Int) throws -> String {
        var out: [String] = [heading(p)]
        out += about(p)
        out.append("")
        var budget = Explanation.whatIfsPerPerson
        if let juniors = juniorsOf[p] {
            let places = remainingCapacity(p)
            out.append("Paired as the senior partner with \(count(juniors.count, "junior partner"))"
                + (places > juniors.count ? " (\(count(places - juniors.count, "place")) left free)." : "."))
            for j in juniors { out += describePair(senior: p, junior: j, subject: p) }
            out.append("")
            out.append(contentsOf: try alternatives(for: p, asSenior: true, budget: &budget))
        } else if let s = seniorOf[p] {
            out.append(notMadeReason(senior: s, junior: p) == nil ? "Paired as the junior partner with:"
                : "Chosen as the junior partner of a pair that was not made:")
            out += describePair(senior: s, junior: p, subject: p)
            out.append("")
            out.append(contentsOf: try alternatives(for: p, asSenior: false, budget: &budget))
        } else {
            out.append("Not paired this month.")
            out += try whyUnpaired(p, budget: &budget)
        }
        return out.joined(separator: "\n") + "\n"
    }

    func heading(_ p: Int) -> String {
        let a = pool.applicants[p]
        var line = full(p)
        let work = [a.jobTitle, a.organisation].filter { !$0.isEmpty }
        if !work.isEmpty { line += ", " + work.joined(separator: " at ") }
        return line
    }

    /// Role wish, experience, capacity, which roles are possible, and waiting time.
    func about(_ p: Int) -> [String] {
        let a = pool.applicants[p]
        let wish: String
        switch a.role {
        case .junior: wish = "a junior partner (mentee)"
        case .senior: wish = "a senior partner (mentor)"
        case .either: wish = "either a junior or a senior partner"
        }
        var first = "Applied on \(a.appliedOn) as \(wish), with \(Scorer.years(a.yearsOfExperience)) of experience"
        if a.role != .junior { first += "; can support \(count(a.capacity, "junior partner")) at once" }
        var lines = [first + "."]
        switch (scorer.seniorBlock[p], scorer.juniorBlock[p]) {
        case (nil, nil): lines.append("Can be paired in either role.")
        case let (nil, junior?): if a.role != .senior { lines.append("Can only be a senior partner: \(junior).") }
        case let (senior?, nil): if a.role != .junior { lines.append("Can only be a junior partner: \(senior).") }
        case let (senior?, junior?):
            lines.append(senior == junior ? "Cannot be paired in any role: \(senior)."
                : "Cannot be paired in any role: as a senior partner, \(senior); as a junior partner, \(junior).")
        }
        let days = pool.waitingDays(p)
        let start = pool.firstMonth.firstDay
        let target = config.matching.waitingTargetMonths
        let inUse = pool.capacityInUse[a.email.key] ?? 0
        // In the order of `Pool.standing`: a running pair first, then a completed one.
        if pool.runningJuniors.contains(a.email.key) {
            lines.append("Not waiting: in a running pair as a junior partner.")
        } else if inUse > 0 {
            let free = max(0, a.capacity - inUse)
            lines.append("Not waiting: in \(count(inUse, "running pair")) as a senior partner, with \(count(free, "place")) free.")
        } else if pool.standing(p) == .finished {
            lines.append("Not waiting: their pair has completed; a new response to the form would put them in the pool again.")
        } else if days < 0 {
            lines.append("Applied after \(start), when this round's sessions start, so has not waited yet.")
        } else {
            let state = pool.isOverdue(p, targetMonths: target)
                ? "past the scheme's \(target)-month target" : "within the scheme's \(target)-month target"
            lines.append("Waiting: \(count(days, "day")) by \(start), when this round's sessions start; \(state).")
        }
        return lines
    }

    /// ", chosen but not made" for a pair the scheduler could not fit, to follow its score where
    /// another person's explanation names it (their own says why, `describePair`).
    func notMadeNote(_ s: Int, _ j: Int) -> String {
        notMadeReason(senior: s, junior: j) == nil ? "" : ", \(Self.notMadePhrase)"
    }

    /// What `notMadeNote` says of such a pair.
    static let notMadePhrase = "chosen but not made: both wait for next month"

    /// Why the scheduler could not fit the pair of `s` and `j`, when it was chosen but not made.
    func notMadeReason(senior s: Int, junior j: Int) -> String? {
        notMade[Pool.pairKey(senior: pool.applicants[s].email.key, junior: pool.applicants[j].email.key)]
    }

    /// One pair with its score, part by part.
    /// One pair with its score, part by part; `subject` is the person being explained (named once).
    func describePair(senior s: Int, junior j: Int, subject: Int?) -> [String] {
        let b = scorer.score(senior: s, junior: j)
        var lines: [String] = []
        var head = subject == nil ? "  Score \(number(b.total))" : "  \(full(subject == s ? j : s)): score \(number(b.total))"
        if forced.contains(Self.key(s, j)) { head += "; made because the coordinator's overrides say so" }
        lines.append(head)
        if let reason = notMadeReason(senior: s, junior: j) {
            lines.append("    Chosen, but not made: the scheduler could not fit the pair (\(reason)); "
                + "both are considered again next month.")
        }
        for part in breakdown(senior: s, junior: j, b) { lines.append("    - \(part)") }
        return lines
    }

    /// Each part of the score in words, with the most it could have been.
    func breakdown(senior s: Int, junior j: Int, _ b: ScoreBreakdown) -> [String] {
        let m = config.matching
        let a = pool.applicants
        var lines: [String] = []
        func areas(_ covered: [String], wanted: [String], by giver: String, for taker: Int) -> String {
            let wants = "\(name(taker)) wants to develop"
            if wanted.isEmpty { return "\(name(taker)) listed no areas to develop" }
            if covered.isEmpty {
                return wanted.count == 1 ? "\(giver)does not cover \(wanted[0]), the one area \(wants)"
                    : "\(giver)covers none of the \(wanted.count) areas \(wants) (\(areaList(wanted)))"
            }
            if covered.count == wanted.count {
                return wanted.count == 1 ? "\(giver)covers \(wanted[0]), the one area \(wants)"
                    : "\(giver)covers all \(wanted.count) areas \(wants): \(areaList(covered))"
            }
            return "\(giver)covers \(areaList(covered)) (\(covered.count) of the \(wanted.count) areas \(wants), rarer areas counting more)"
        }
        lines.append("development \(number(b.development)) of \(number(m.developmentWeight)): "
            + areas(b.areasForJunior, wanted: a[j].development, by: "", for: j))
        lines.append("reciprocal learning \(number(b.reciprocal)) of \(number(m.reciprocalWeight)): "
            + areas(b.areasForSenior, wanted: a[s].development, by: name(j) + " ", for: s))
        lines.append("free time \(number(b.availability)) of \(number(m.availabilityWeight)): "
            + "\(number(b.commonHoursPerWeek)) common free hours a week (full points from \(number(m.fullAvailabilityHours)))")
        let gap = a[s].yearsOfExperience - a[j].yearsOfExperience
        let band = m.experienceGapBand
        let gapText = gap > 0 ? "\(name(s)) has \(Scorer.years(gap)) more experience" : "\(name(s)) has no more experience than \(name(j))"
        lines.append("experience \(number(b.experience)) of \(number(m.experienceWeight)): \(gapText); the preferred gap is \(number(band[0])) to \(number(band[1])) years")
        lines.append("way of meeting \(number(b.meeting)) of \(number(m.meetingWeight)): " + meetingText(s, j))
        if m.goalsWeight > 0 {
            let share = b.goals / m.goalsWeight
            let how = share == 0 ? "nothing" : share < 0.3 ? "a little" : share < 0.6 ? "something" : "much"
            lines.append("goals \(number(b.goals)) of \(number(m.goalsWeight)): what each hopes to get out of it has \(how) in common with the other's profile")
        }
        if b.preferredPartner > 0 {
            let namedBySenior = scorer.preferred[s] == j, namedByJunior = scorer.preferred[j] == s
            let who = namedBySenior && namedByJunior ? "each named the other as preferred partner"
                : namedBySenior ? "\(name(s)) named \(name(j)) as preferred partner" : "\(name(j)) named \(name(s)) as preferred partner"
            lines.append("preferred partner \(number(b.preferredPartner)) of \(number(2 * m.preferredPartnerBonus)): \(who)")
        }
        if b.organisation < 0 {
            lines.append("same organisation \(number(b.organisation)): both work for \(organisationText(s, j))")
        }
        return lines
    }

    func meetingText(_ s: Int, _ j: Int) -> String {
        let a = pool.applicants
        let inPerson = [s, j].filter { a[$0].meeting == .inPerson }
        if inPerson.isEmpty { return "both can meet online" }
        let who = inPerson.count == 2 ? "both want to meet in person" : "\(name(inPerson[0])) wants to meet in person"
        if !a[s].region.isEmpty && a[s].region == a[j].region { return "\(who), and both are in \(a[s].region)" }
        let regions = [a[s].region, a[j].region].map { $0.isEmpty ? "no region given" : $0 }
        return "\(who), but they are in different regions (\(regions[0]), \(regions[1]))"
    }

    func organisationText(_ s: Int, _ j: Int) -> String {
        let a = pool.applicants
        return a[s].organisation == a[j].organisation ? a[s].organisation : "\(a[s].organisation) / \(a[j].organisation)"
    }

    // MARK: - Alternatives

    /// The best-scoring people in the role opposite to `p`'s (excluding current partners), each with
    /// what kept them from being paired with `p`.
    func alternatives(for p: Int, asSenior: Bool, budget: inout Int) throws -> [String] {
        let list = alternativePairs(for: p, roles: asSenior ? [true] : [false])
        guard !list.isEmpty else {
            return ["No other possible \(asSenior ? "junior" : "senior") partners to compare with."]
        }
        var out = ["Best alternatives (the \(list.count == 1 ? "only" : "top \(list.count)") \(asSenior ? "junior" : "senior") partners by score):"]
        for (n, pair) in list.enumerated() {
            out.append(try alternativeLine(n + 1, subject: p, senior: pair.senior, junior: pair.junior, showRole: false, budget: &budget))
        }
        return out
    }

    /// Up to `alternativesShown` pairs `(senior, junior)` with `p` in the given roles (true: `p` senior),
    /// among people whose own wish allows the other role, best score first.
    func alternativePairs(for p: Int, roles: [Bool], limit: Int = Explanation.alternativesShown) -> [(senior: Int, junior: Int, points: Int)] {
        var pairs: [(senior: Int, junior: Int, points: Int)] = []
        for pIsSenior in roles {
            for q in pool.applicants.indices where q != p {
                let wish = pool.applicants[q].role
                if pIsSenior ? wish == .senior : wish == .junior { continue }
                let (s, j) = pIsSenior ? (p, q) : (q, p)
                if seniorOf[j] == s { continue } // their current pair
                pairs.append((s, j, scorer.score(senior: s, junior: j).points))
            }
        }
        pairs.sort { ($1.points, pool.applicants[$0.senior == p ? $0.junior : $0.senior].email.key)
            < ($0.points, pool.applicants[$1.senior == p ? $1.junior : $1.senior].email.key) }
        return Array(pairs.prefix(limit))
    }

    func alternativeLine(_ n: Int, subject p: Int, senior s: Int, junior j: Int, showRole: Bool, budget: inout Int) throws -> String {
        let q = s == p ? j : s
        let points = scorer.score(senior: s, junior: j).total
        let role = showRole ? (s == q ? " as senior" : " as junior") : ""
        var line = "  \(n). \(full(q))\(role), score \(number(points)): "
        if let rule = scorer.rule(senior: s, junior: j) {
            return line + "not allowed: \(ruleText(rule, senior: s, junior: j))."
        }
        var facts = placement(of: q, wanted: s == q ? .senior : .junior)
        if candidateIndex[Self.key(s, j)] == nil {
            facts.append("this pair is not among the \(config.matching.candidatesPerPerson) best-scoring partners of either of them, which are the partners the matching weighs")
        }
        line += facts.joined(separator: "; ")
        if budget > 0 {
            budget -= 1
            line += ". " + (try tradeOff(senior: s, junior: j).sentence(self, senior: s, junior: j))
        } else {
            line += "."
        }
        return line
    }

    enum Role { case senior, junior }

    /// Where someone ended up, as seen by a person who wanted them in `wanted` role.
    func placement(of q: Int, wanted: Role) -> [String] {
        switch wanted {
        case .junior:
            if let s = seniorOf[q] { return ["\(name(q)) was paired with \(name(s)) instead (score \(number(pairTotal(s, q)))\(notMadeNote(s, q)))"] }
            if let juniors = juniorsOf[q] { return ["\(name(q)) became a senior partner instead, for \(list(juniors.map(name)))"] }
            return ["\(name(q)) is not paired either"]
        case .senior:
            let places = remainingCapacity(q)
            if let juniors = juniorsOf[q] {
                let who = list(juniors.map { "\(name($0)) (score \(number(pairTotal(q, $0)))\(notMadeNote(q, $0)))" })
                if juniors.count >= places {
                    return ["\(name(q)) is full: \(places == 1 ? "their place went" : "all \(places) places went") to \(who)"]
                }
                return ["\(name(q)) still has \(count(places - juniors.count, "free place")) (paired with \(who))"]
            }
            if let s = seniorOf[q] { return ["\(name(q)) was made a junior partner instead, with \(name(s))\(notMadeNote(s, q).isEmpty ? "" : " (\(Self.notMadePhrase))")"] }
            return ["\(name(q)) is not paired either"]
        }
    }

    func whyUnpaired(_ p: Int, budget: inout Int) throws -> [String] {
        var roles: [Bool] = []
        if scorer.seniorBlock[p] == nil { roles.append(true) }
        if scorer.juniorBlock[p] == nil { roles.append(false) }
        guard !roles.isEmpty else {
            return ["Why: cannot be paired in any role (see above)."]
        }
        var allowed: [(senior: Int, junior: Int, points: Int)] = []
        for pIsSenior in roles {
            for q in pool.applicants.indices where q != p {
                let (s, j) = pIsSenior ? (p, q) : (q, p)
                if scorer.rule(senior: s, junior: j) == nil {
                    allowed.append((s, j, scorer.score(senior: s, junior: j).points))
                }
            }
        }
        allowed.sort { ($1.points, pool.applicants[$0.senior == p ? $0.junior : $0.senior].email.key)
            < ($0.points, pool.applicants[$1.senior == p ? $1.junior : $1.senior].email.key) }
        var out: [String] = []
        let bothRoles = roles.count == 2
        if allowed.isEmpty {
            out.append("Why: no allowed partner at all. Across the pool: \(Matcher.closestExclusion(p, scorer: scorer)).")
            let shown = alternativePairs(for: p, roles: roles)
            if !shown.isEmpty {
                out.append("")
                out.append("The closest by score, and the rule that excluded each:")
            }
            for (n, pair) in shown.enumerated() {
                out.append(try alternativeLine(n + 1, subject: p, senior: pair.senior, junior: pair.junior, showRole: bothRoles, budget: &budget))
            }
            return out
        }
        let names = allowed.prefix(6).map { name($0.senior == p ? $0.junior : $0.senior) }
        let more = allowed.count > 6 ? " and \(allowed.count - 6) more" : ""
        out.append("Why: \(count(allowed.count, "allowed partner")) (\(names.joined(separator: ", "))\(more)), "
            + "but \(allowed.count == 1 ? "that partner was" : "all were") placed elsewhere, in pairs that together do better.")
        out.append("")
        let shown = allowed.prefix(Explanation.alternativesShown)
        out.append(shown.count == 1 ? "The allowed partner:" : "The best \(shown.count) allowed partners by score:")
        for (n, pair) in shown.enumerated() {
            out.append(try alternativeLine(n + 1, subject: p, senior: pair.senior, junior: pair.junior, showRole: bothRoles, budget: &budget))
        }
        let best = allowed[0].points
        let closer = alternativePairs(for: p, roles: roles, limit: 1000).filter { $0.points > best && scorer.rule(senior: $0.senior, junior: $0.junior) != nil }
        if !closer.isEmpty {
            out.append("")
            out.append("Higher-scoring partners who were not allowed:")
            for (n, pair) in closer.prefix(3).enumerated() {
                out.append(try alternativeLine(n + 1, subject: p, senior: pair.senior, junior: pair.junior, showRole: bothRoles, budget: &budget))
            }
        }
        return out
    }

    // MARK: - Two people

    func explainPair(_ a: Int, _ b: Int) throws -> String {
        var out = ["\(full(a)) and \(full(b))", ""]
        let together: (Int, Int)? = seniorOf[b] == a ? (a, b) : seniorOf[a] == b ? (b, a) : nil
        if let (s, j) = together {
            out.append("They were paired together, \(name(s)) as the senior partner.")
            out += describePair(senior: s, junior: j, subject: nil)
            return out.joined(separator: "\n") + "\n"
        }
        out.append("They were not paired together.")
        var best: (senior: Int, junior: Int, points: Int)?
        for (s, j) in [(a, b), (b, a)] {
            let head = "- \(name(s)) as senior, \(name(j)) as junior"
            if let rule = scorer.rule(senior: s, junior: j) {
                out.append("\(head): not allowed: \(ruleText(rule, senior: s, junior: j)).")
                continue
            }
            let score = scorer.score(senior: s, junior: j)
            out.append("\(head): allowed, score \(number(score.total)).")
            for part in breakdown(senior: s, junior: j, score) { out.append("    - \(part)") }
            if best == nil || score.points > best!.points { best = (s, j, score.points) }
        }
        out.append("")
        out.append("What each got instead:")
        for p in [a, b] { out.append("- \(name(p)): \(outcome(p))") }
        if let best {
            out.append("")
            let facts = [placement(of: best.senior, wanted: .senior), placement(of: best.junior, wanted: .junior)].flatMap { $0 }
            out.append("Why not \(name(best.senior)) with \(name(best.junior)): "
                + (try tradeOff(senior: best.senior, junior: best.junior).sentence(self, senior: best.senior, junior: best.junior, facts: facts)))
        }
        return out.joined(separator: "\n") + "\n"
    }

    func outcome(_ p: Int) -> String {
        if let juniors = juniorsOf[p] {
            return "senior partner for " + list(juniors.map { "\(name($0)) (score \(number(pairTotal(p, $0)))\(notMadeNote(p, $0)))" }) + "."
        }
        if let s = seniorOf[p] { return "junior partner of \(name(s)) (score \(number(pairTotal(s, p)))\(notMadeNote(s, p)))." }
        return "not paired" + (unmatchedReason[p].map { ": \($0)" } ?? "") + "."
    }

    // MARK: - What-if

    /// What forcing one pair would cost, found by solving the stages again with the pair fixed.
    enum TradeOff {
        /// The coordinator's overrides rule it out.
        case overrides(String)
        /// The first stage that gets worse, with the what-if's pairs.
        case worse(PairingModel.Stage, whatIf: [Int], value: Double?)
        /// Just as good on every stage.
        case tie
        /// Better than the result: the pair was pruned, or the solve was not proven optimal.
        case better(PairingModel.Stage)
        case unsettled(String)

        func sentence(_ e: Explainer, senior s: Int, junior j: Int, facts: [String] = []) -> String {
            let lead = facts.isEmpty ? "" : facts.joined(separator: "; ") + ". "
            switch self {
            case let .overrides(why): return lead + why + "."
            case let .worse(stage, whatIf, value):
                return lead + "Pairing them " + e.worseText(stage, whatIf: whatIf, value: value, senior: s, junior: j)
                    + (e.whatIfsKeepRoles ? " (everyone else keeping the role this month's pairing gave them)" : "") + "."
            case .tie:
                return lead + "Pairing them would be just as good on every count (people paired, waiting, weakest and total score)"
                    + (e.whatIfsKeepRoles ? ", everyone else keeping the role this month's pairing gave them" : "") + ": the matching chose between equals"
                    + (e.candidateIndex[Self.key(s, j)] == nil ? ", but this pair was not weighed" : "") + "."
            case let .better(stage):
                return lead + "Pairing them would have been better (\(e.stageName(stage))); the matching "
                    + (e.candidateIndex[Self.key(s, j)] == nil ? "weighs each person's best-scoring partners, and this pair is not among them for either." : "did not prove its result the best at that stage (summary.md shows each stage's gap).")
            case let .unsettled(why): return lead + "The effect of pairing them could not be settled: \(why)."
            }
        }

        static func key(_ s: Int, _ j: Int) -> Int64 { Explainer.key(s, j) }
    }

    /// By the network method (`networkTradeOff`), as the run pairs; `byNetwork: false` weighs it
    /// with GLPK's branch-and-bound on the full model instead: the independent check the tests
    /// compare the network's answers with.
    func tradeOff(senior s: Int, junior j: Int, byNetwork: Bool = true) throws -> TradeOff {
        var seniorMusts: [Int] = []
        for must in pool.overrides.mustPair {
            guard let ms = index[must.senior], let mj = index[must.junior] else { continue }
            if ms == s && mj == j { continue }
            if mj == j { return .overrides("the coordinator's overrides pair \(name(j)) with \(name(ms))") }
            if ms == j { return .overrides("the coordinator's overrides make \(name(j)) the senior partner of \(name(mj))") }
            if mj == s { return .overrides("the coordinator's overrides make \(name(s)) the junior partner of \(name(ms))") }
            if ms == s { seniorMusts.append(mj) }
        }
        if seniorMusts.count + 1 > remainingCapacity(s) {
            return .overrides("the coordinator's overrides fill \(name(s))'s places with \(list(seniorMusts.map(name)))")
        }
        var candidates = self.candidates
        let e: Int
        if let existing = candidateIndex[Self.key(s, j)] {
            e = existing
        } else {
            e = candidates.count
            candidates.append(Candidate(senior: s, junior: j, score: scorer.score(senior: s, junior: j)))
        }
        let whatIf = PairingModel(pool: pool, candidates: candidates, mustPairs: mustPairs.union([e]), overdue: overdue)
        if byNetwork { return networkTradeOff(whatIf) }
        let options = SolveOptions(timeLimit: config.matching.solverTimeLimitSeconds, mipGap: config.matching.mipGap)
        func solve(_ stage: PairingModel.Stage, floors: [PairingModel.Stage: Double], minimum: Int?) throws -> (Solution, [Int]) {
            let built = whatIf.build(stage: stage, floors: floors, minimumPoints: minimum)
            let solution: Solution
            do { solution = try Solver.solve(built.model, options: options) } catch { throw MatchingError.solver(error.description) }
            let picked = solution.values == nil ? [] : built.pairVariables.indices.filter { solution.value(built.pairVariables[$0]) > 0.5 }
            return (solution, picked)
        }
        /// Among the what-if's best arrangements at `stage`, the one that keeps most of the result's
        /// pairs: ties elsewhere in the pool would otherwise show changes that have nothing to do with it.
        func closest(_ stage: PairingModel.Stage, value: Double, floors: [PairingModel.Stage: Double], minimum: Int?, fallback: [Int]) -> [Int] {
            var built = whatIf.build(stage: stage, floors: floors, minimumPoints: minimum)
            built.model.addConstraint("keep_\(stage.rawValue)_what_if",
                                      whatIf.objectiveTerms(stage, y: built.pairedVariables, x: built.pairVariables), lower: value - 0.5)
            for (_, y) in built.pairedVariables { built.model.setObjective(y, 0) }
            let now = Set(chosen)
            for (e, x) in built.pairVariables.enumerated() { built.model.setObjective(x, now.contains(e) ? 1 : 0) }
            guard let solution = try? Solver.solve(built.model, options: options), solution.values != nil else { return fallback }
            return built.pairVariables.indices.filter { solution.value(built.pairVariables[$0]) > 0.5 }
        }
        var floors: [PairingModel.Stage: Double] = [:]
        for stage in [PairingModel.Stage.overdue, .coverage, .waiting] {
            let target = achieved[stage]!
            if stage == .overdue && whatIf.overdue.isEmpty { continue }
            let (solution, picked) = try solve(stage, floors: floors, minimum: nil)
            guard solution.values != nil else { return .unsettled("the solver ended \(solution.status)") }
            let value = whatIf.objectiveValue(stage, chosen: picked)
            if value < target - 0.5 {
                guard solution.isProvenOptimal else { return .unsettled("the solver ended \(solution.status)") }
                return .worse(stage, whatIf: closest(stage, value: value, floors: floors, minimum: nil, fallback: picked), value: value)
            }
            if value > target + 0.5 { return .better(stage) }
            floors[stage] = target
        }
        // The weakest pair: can the result's lowest score be kept with this pair made? Not when the pair
        // itself scores less (a forced pair is made whatever the floor).
        let minimum = Int(achieved[.minimumScore]!)
        if !chosen.isEmpty && candidates[e].score.points < minimum { return .worse(.minimumScore, whatIf: [], value: nil) }
        let (solution, picked) = try solve(.totalScore, floors: floors, minimum: chosen.isEmpty ? nil : minimum)
        switch solution.status {
        case .infeasible: return .worse(.minimumScore, whatIf: [], value: nil)
        case _ where solution.values == nil: return .unsettled("the solver ended \(solution.status)")
        default: break
        }
        // "Just as good" is said only of values computed, stage by stage.
        let weakest = whatIf.objectiveValue(.minimumScore, chosen: picked)
        if !chosen.isEmpty && weakest < achieved[.minimumScore]! { return .worse(.minimumScore, whatIf: picked, value: weakest) }
        let total = whatIf.objectiveValue(.totalScore, chosen: picked)
        let target = achieved[.totalScore]!
        if total < target {
            guard solution.isProvenOptimal else { return .unsettled("the solver ended \(solution.status)") }
            let keptMinimum = chosen.isEmpty ? nil : minimum
            return .worse(.totalScore, whatIf: closest(.totalScore, value: total, floors: floors, minimum: keptMinimum, fallback: picked), value: total)
        }
        return total > target ? .better(.totalScore) : .tie
    }

    /// Whether a what-if's answer depends on keeping roles: someone could take either role.
    var whatIfsKeepRoles: Bool { !model.eitherRole.isEmpty }

    /// The trade-off by the network method the run itself pairs with (GLPK's branch-and-bound took
    /// minutes per what-if at thousands of applicants, and ended on its time limit): everyone paired
    /// keeps the role the result gave them, which makes the model a network whose optimum is exact,
    /// and the stages are compared in order.
    func networkTradeOff(_ whatIf: PairingModel) -> TradeOff {
        var roles: [Int: PairingNetwork.Role] = [:]
        for (junior, senior) in seniorOf {
            roles[junior] = .junior
            roles[senior] = .senior
        }
        let final = NetworkStages(model: whatIf, instruments: scorer.instruments).solve(keeping: roles)
        for stage in [PairingModel.Stage.overdue, .coverage, .waiting, .minimumScore, .totalScore] {
            if stage == .overdue && whatIf.overdue.isEmpty { continue }
            if stage == .minimumScore && chosen.isEmpty { continue }
            let value = whatIf.objectiveValue(stage, chosen: final.chosen), target = achieved[stage]!
            let tolerance = stage == .totalScore ? 0 : 0.5
            if value < target - tolerance { return .worse(stage, whatIf: final.chosen, value: value) }
            if value > target + tolerance { return .better(stage) }
        }
        return .tie
    }

    func stageName(_ stage: PairingModel.Stage) -> String {
        switch stage {
        case .overdue: return "more people past the waiting target paired"
        case .coverage: return "more people paired"
        case .waiting: return "longer waits served"
        case .minimumScore: return "a better weakest pair"
        case .totalScore: return "a higher total score"
        }
    }

    /// How the best arrangement with the forced pair falls short of the result, at `stage`.
    func worseText(_ stage: PairingModel.Stage, whatIf: [Int], value: Double?, senior s: Int, junior j: Int) -> String {
        let whatIfList = whatIfCandidates(senior: s, junior: j)
        let actualPeople = people(chosen, in: candidates)
        let whatIfPeople = people(whatIf, in: whatIfList)
        let leftOut = actualPeople.subtracting(whatIfPeople).sorted(by: longerWait)
        let added = whatIfPeople.subtracting(actualPeople).sorted(by: longerWait)
        func names(_ people: [Int], days: Bool) -> String {
            let shown = people.prefix(3).map { days ? "\(name($0)) (waiting \(count(max(0, pool.waitingDays($0)), "day")))" : name($0) }
            return people.count > 3 ? shown.joined(separator: ", ") + " and \(people.count - 3) more" : list(Array(shown))
        }
        let target = config.matching.waitingTargetMonths
        switch stage {
        case .overdue:
            let lost = Int(achieved[.overdue]! - (value ?? 0))
            let who = leftOut.filter { overdue.contains($0) }
            return "would leave \(count(lost, "more person", plural: "more people")) who will have waited past the \(target)-month target unpaired"
                + (who.isEmpty ? "" : " (such as \(names(who, days: true)))") + "; the chosen pairs place more of those who have waited longest"
        case .coverage:
            let lost = Int(achieved[.coverage]! - (value ?? 0))
            return "would leave \(count(lost, "more person", plural: "more people")) unpaired"
                + (leftOut.isEmpty ? "" : " (such as \(names(leftOut, days: false)))") + "; the chosen pairs keep more people paired"
        case .waiting:
            let lost = Int(achieved[.waiting]! - (value ?? 0))
            var text = "would pair as many people, but not the same ones"
            if !leftOut.isEmpty && !added.isEmpty {
                text += ": \(names(leftOut, days: true)) would be left unpaired so that \(names(added, days: true)) could be paired"
            }
            return text + "; those paired now have waited \(count(lost, "day")) longer in total, and longer waits come first"
        case .minimumScore:
            let floor = number(achieved[.minimumScore]! / 100)
            let own = scorer.score(senior: s, junior: j).total
            if own * 100 < achieved[.minimumScore]! - 0.5 {
                return "would make a pair scoring \(number(own)), below \(floor), the weakest score among the pairs made now; the matching keeps the weakest pair as strong as it can"
            }
            let weakest = value.map { " (the weakest would score \(number($0 / 100)))" } ?? ""
            return "would pair as many people with the same waiting time served, but only if some pair scores below \(floor), the weakest score among the pairs made now\(weakest); the matching keeps the weakest pair as strong as it can"
        case .totalScore:
            let lost = (achieved[.totalScore]! - (value ?? 0)) / 100
            let whatIfPairs = Set(whatIf.map { Self.key(whatIfList[$0].senior, whatIfList[$0].junior) })
            // The pairs undone, those of the two people first, then by score.
            let broken = (whatIf.isEmpty ? [] : chosen.filter { !whatIfPairs.contains(Self.key(candidates[$0].senior, candidates[$0].junior)) })
                .sorted { x, y in
                    let cx = candidates[x], cy = candidates[y]
                    let tx = [cx.senior, cx.junior].contains(s) || [cx.senior, cx.junior].contains(j)
                    let ty = [cy.senior, cy.junior].contains(s) || [cy.senior, cy.junior].contains(j)
                    return (tx ? 0 : 1, -cx.score.points, cx.senior, cx.junior) < (ty ? 0 : 1, -cy.score.points, cy.senior, cy.junior)
                }
            var text = "would pair as many people with the same waiting time served and no weaker weakest pair, but the total score of all pairs would be \(number(lost)) lower"
            if !broken.isEmpty {
                let shown = broken.prefix(3).map { e in "\(name(candidates[e].senior)) with \(name(candidates[e].junior)) (\(number(candidates[e].score.total)))" }
                text += " (it would undo the pairs " + list(Array(shown)) + (broken.count > 3 ? " and \(broken.count - 3) more" : "") + ")"
            }
            return text
        }
    }

    func whatIfCandidates(senior s: Int, junior j: Int) -> [Candidate] {
        candidateIndex[Self.key(s, j)] == nil
            ? candidates + [Candidate(senior: s, junior: j, score: scorer.score(senior: s, junior: j))] : candidates
    }

    func people(_ picked: [Int], in list: [Candidate]) -> Set<Int> {
        var set = Set<Int>()
        for e in picked { set.insert(list[e].senior); set.insert(list[e].junior) }
        return set
    }

    func longerWait(_ x: Int, _ y: Int) -> Bool {
        (-pool.waitingDays(x), pool.applicants[x].email.key) < (-pool.waitingDays(y), pool.applicants[y].email.key)
    }

    // MARK: - Words

    func ruleText(_ rule: PairRule, senior s: Int, junior j: Int) -> String {
        switch rule {
        case let .cannotBeSenior(why): return "\(name(s)) cannot be a senior partner: \(why)"
        case let .cannotBeJunior(why): return "\(name(j)) cannot be a junior partner: \(why)"
        case .conflict:
            let bySenior = named(s, j), byJunior = named(j, s)
            if bySenior && byJunior { return "each named the other as someone they should not be paired with" }
            if bySenior { return "\(name(s)) named \(name(j)) as someone they should not be paired with" }
            if byJunior { return "\(name(j)) named \(name(s)) as someone they should not be paired with" }
            return rule.description
        case .sameOrganisationForbidden:
            return "both work for \(organisationText(s, j)), and the configuration forbids pairs within one organisation"
        case .noCommonTime:
            let a = pool.applicants
            let zones = a[s].timeZone == a[j].timeZone ? "" : " (\(name(s)) is in \(a[s].timeZone), \(name(j)) in \(a[j].timeZone))"
            return "they have no monthly slot — the same week of the month, weekday and time — inside both partners' hours on every session date, clear of bank holidays\(zones)"
        case .neverPairOverride: return "the coordinator's overrides say never to pair them"
        case .pairedBefore: return "they were paired before, and a pair is never proposed twice"
        default: return rule.description
        }
    }

    /// Whether `i` named `j` among the people they should not be paired with.
    func named(_ i: Int, _ j: Int) -> Bool {
        let other = pool.applicants[j]
        let otherName = PersonName.normalise(other.name)
        return pool.applicants[i].conflicts.contains { entry in
            EmailAddress(entry).key == other.email.key || (!otherName.isEmpty && PersonName.normalise(entry) == otherName)
        }
    }

    func remainingCapacity(_ s: Int) -> Int { model.remainingCapacity(s) }

    func pairTotal(_ s: Int, _ j: Int) -> Double {
        candidateIndex[Self.key(s, j)].map { candidates[$0].score.total } ?? scorer.score(senior: s, junior: j).total
    }

    func name(_ i: Int) -> String {
        let a = pool.applicants[i]
        if a.name.isEmpty { return a.email.text }
        return sharedNames.contains(a.name) && !asked.contains(i) ? "\(a.name) <\(a.email.text)>" : a.name
    }

    func full(_ i: Int) -> String {
        let a = pool.applicants[i]
        return a.name.isEmpty ? a.email.text : "\(a.name) <\(a.email.text)>"
    }

    func list(_ items: [String]) -> String {
        switch items.count {
        case 0: return "nobody"
        case 1: return items[0]
        default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
        }
    }

    /// Area names hold commas and "and" ("3D imaging, scanning and printing"): listed with semicolons.
    func areaList(_ areas: [String]) -> String { areas.joined(separator: "; ") }

    func count(_ n: Int, _ singular: String, plural: String? = nil) -> String {
        n == 1 ? "1 \(singular)" : "\(n) \(plural ?? singular + "s")"
    }

    /// A number as short as it can be without hiding a difference: 40, 31.2, 0.05.
    func number(_ x: Double) -> String {
        let hundredths = (x * 100).rounded()
        if hundredths.truncatingRemainder(dividingBy: 100) == 0 { return String(Int(hundredths / 100)) }
        if hundredths.truncatingRemainder(dividingBy: 10) == 0 { return String(format: "%.1f", hundredths / 100) }
        return String(format: "%.2f", hundredths / 100)
    }
}
