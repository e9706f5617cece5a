import GLPK

/// The choice of patterns for one group of pairs that share people (a senior partner with several
/// juniors, and anyone linked to them), independent of every other group.
///
/// ## Formulation
/// - Sets: pairs `p ∈ P`; each pair's options `k ∈ K(p)` (patterns already known to fit both
///   partners' hours, to avoid blackout dates and to miss everyone's existing sessions); people
///   `h ∈ H`, with `P(h)` the pairs `h` is in; weeks of the month `o` (ordinal 1–5).
/// - Data: `score(p,k)` (preference; see `Scheduler`); the option's six UTC intervals `I(p,k)`;
///   its week `ord(p,k)`; the spread penalty `λ`.
/// - Variables: `x(p,k) ∈ {0,1}` — pair `p` meets at option `k`; `e(h,o) ≥ 0` — how many of `h`'s
///   sessions beyond the first fall in week `o` (continuous; integral at the optimum).
/// - Constraints:
///   - `Σ_k x(p,k) ≤ 1` for every pair: at most one pattern; 0 is the "unscheduled" outcome, worth 0.
///   - No double booking: for every person `h` and every instant `t` at which one of their pairs'
///     candidate intervals starts, `Σ { x(p,k) : p ∈ P(h), some interval of I(p,k) contains t } ≤ 1`.
///     Two sets of intervals overlap exactly when one contains the start of the other, so these
///     clique rows forbid every overlap, and they are as tight as such rows can be.
///   - Spread: `Σ_{p ∈ P(h)} Σ_{k: ord(p,k)=o} x(p,k) − e(h,o) ≤ 1` for every `h` in two or more pairs
///     and every week `o`.
/// - Objective: maximise `Σ score(p,k)·x(p,k) − λ Σ e(h,o)`.
///
/// The score of any option (≥ 1,000) dwarfs the largest possible spread penalty, so leaving a pair
/// unscheduled is never preferred to a worse-spread schedule.
struct GroupProblem: Sendable {
    struct Option: Sendable {
        var score: Double
        var ordinal: Int
        /// UTC intervals `[start, end)`, one per session; disjoint (a month apart).
        var starts: [Int64]
        var ends: [Int64]
    }

    struct Pair: Sendable {
        /// Indices into the group's people.
        var people: [Int]
        var options: [Option]
    }

    var pairs: [Pair]
    var personCount: Int
    var spreadPenalty: Double

    /// What was chosen: an option index per pair (nil = unscheduled), the objective, and how it was found.
    struct Choice: Sendable {
        var options: [Int?]
        var objective: Double
        var method: Method
        var solverSeconds = 0.0
        var provenOptimal = true
        var note: String?
    }

    enum Method: Sendable, Hashable { case shortcut, glpk, greedyFallback }

    /// The objective of a choice, or nil when it double-books someone.
    func objective(of choice: [Int?]) -> Double? {
        var total = 0.0
        var perPersonWeek: [Int: Int] = [:]
        for (p, k) in choice.enumerated() {
            guard let k else { continue }
            total += pairs[p].options[k].score
            for person in pairs[p].people { perPersonWeek[person * 8 + pairs[p].options[k].ordinal, default: 0] += 1 }
        }
        for count in perPersonWeek.values where count > 1 { total -= spreadPenalty * Double(count - 1) }
        for a in 0..<choice.count {
            guard let ka = choice[a] else { continue }
            for b in (a + 1)..<max(a + 1, choice.count) {
                guard let kb = choice[b], !Set(pairs[a].people).isDisjoint(with: pairs[b].people) else { continue }
                if Self.overlaps(pairs[a].options[ka], pairs[b].options[kb]) { return nil }
            }
        }
        return total
    }

    static func overlaps(_ a: Option, _ b: Option) -> Bool {
        for i in a.starts.indices {
            for j in b.starts.indices where a.starts[i] < b.ends[j] && b.starts[j] < a.ends[i] { return true }
        }
        return false
    }

    /// Each pair's best option (highest score, first on ties).
    var bestOptions: [Int?] {
        pairs.map { pair in
            guard !pair.options.isEmpty else { return nil }
            var best = 0
            for k in pair.options.indices where pair.options[k].score > pair.options[best].score { best = k }
            return best
        }
    }

    /// Solves the group. When every pair's best option fits with the others' (no overlap, no two of a
    /// person's sessions in the same week), that choice is optimal — every score term is at its
    /// maximum and no penalty is paid — and no solver is needed. Otherwise GLPK solves the model above;
    /// if GLPK fails (it should not: the model is valid by construction), a greedy choice keeps the
    /// run going and the failure is noted.
    func solve(timeLimit: Double = 20) -> Choice {
        let best = bestOptions
        if let value = objective(of: best), isPenaltyFree(best) {
            return Choice(options: best, objective: value, method: .shortcut)
        }
        do {
            let (model, variables) = makeModel()
            let solution = try Solver.solve(model, options: SolveOptions(timeLimit: timeLimit))
            if solution.values != nil {
                var chosen: [Int?] = []
                for (p, pairVariables) in variables.enumerated() {
                    chosen.append(pairVariables.firstIndex { solution.value($0) > 0.5 })
                    _ = p
                }
                if let value = objective(of: chosen) {
                    let proven = solution.isProvenOptimal
                    return Choice(options: chosen, objective: value, method: .glpk, solverSeconds: solution.seconds,
                                  provenOptimal: proven,
                                  note: proven ? nil : "a group of \(pairs.count) pairs stopped at '\(solution.status)'")
                }
                var fallback = greedy()
                fallback.note = "GLPK returned a choice that double-books someone; a greedy choice was used"
                fallback.solverSeconds = solution.seconds
                return fallback
            }
            var fallback = greedy()
            fallback.note = "GLPK found no solution ('\(solution.status)') for a group of \(pairs.count) pairs; a greedy choice was used"
            fallback.solverSeconds = solution.seconds
            return fallback
        } catch {
            var fallback = greedy()
            fallback.note = "GLPK could not solve a group of \(pairs.count) pairs (\(error)); a greedy choice was used"
            return fallback
        }
    }

    private func isPenaltyFree(_ choice: [Int?]) -> Bool {
        var seen = Set<Int>()
        for (p, k) in choice.enumerated() {
            guard let k else { continue }
            for person in pairs[p].people where !seen.insert(person * 8 + pairs[p].options[k].ordinal).inserted {
                return false
            }
        }
        return true
    }

    /// Pairs in order, each taking its best option that fits with those already taken.
    func greedy() -> Choice {
        var chosen = [Int?](repeating: nil, count: pairs.count)
        for p in pairs.indices {
            let order = pairs[p].options.indices.sorted { (-pairs[p].options[$0].score, $0) < (-pairs[p].options[$1].score, $1) }
            for k in order {
                chosen[p] = k
                if objective(of: chosen) != nil { break }
                chosen[p] = nil
            }
        }
        return Choice(options: chosen, objective: objective(of: chosen) ?? 0, method: .greedyFallback, provenOptimal: false)
    }

    /// The model of the formulation above; `variables[p][k]` is `x(p,k)`.
    func makeModel() -> (Model, [[Model.Variable]]) {
        var model = Model(name: "schedule_group", sense: .maximize)
        var variables: [[Model.Variable]] = []
        for (p, pair) in pairs.enumerated() {
            variables.append(pair.options.enumerated().map { k, option in
                model.addVariable("x[p\(p),k\(k),w\(option.ordinal)]", kind: .binary, objective: option.score)
            })
        }
        for (p, pairVariables) in variables.enumerated() where !pairVariables.isEmpty {
            model.addConstraint("one_pattern[p\(p)]", pairVariables.map { ($0, 1.0) }, upper: 1)
        }
        var pairsOf = [[Int]](repeating: [], count: personCount)
        for (p, pair) in pairs.enumerated() {
            for person in Set(pair.people) { pairsOf[person].append(p) }
        }
        for person in 0..<personCount where pairsOf[person].count > 1 {
            // Clique rows: a sweep over the person's candidate intervals, one row per start instant.
            var intervals: [(start: Int64, end: Int64, pair: Int, option: Int)] = []
            for p in pairsOf[person] {
                for (k, option) in pairs[p].options.enumerated() {
                    for i in option.starts.indices { intervals.append((option.starts[i], option.ends[i], p, k)) }
                }
            }
            intervals.sort { ($0.start, $0.pair, $0.option) < ($1.start, $1.pair, $1.option) }
            var active: [(end: Int64, pair: Int, option: Int)] = []
            var seenRows = Set<[Int]>()
            var index = 0
            while index < intervals.count {
                let t = intervals[index].start
                active.removeAll { $0.end <= t }
                while index < intervals.count, intervals[index].start == t {
                    active.append((intervals[index].end, intervals[index].pair, intervals[index].option))
                    index += 1
                }
                guard Set(active.map(\.pair)).count > 1 else { continue }
                let members = Set(active.map { variables[$0.pair][$0.option] }).sorted()
                guard seenRows.insert(members.map(\.index)).inserted else { continue }
                model.addConstraint("no_overlap[h\(person),t\(t)]", members.map { ($0, 1.0) }, upper: 1)
            }
            // Spread rows, one per week of the month that two or more of the person's pairs could use.
            for ordinal in 1...5 {
                var terms: [(Model.Variable, Double)] = []
                var pairsUsing = 0
                for p in pairsOf[person] {
                    let matching = pairs[p].options.indices.filter { pairs[p].options[$0].ordinal == ordinal }
                    if !matching.isEmpty { pairsUsing += 1 }
                    terms += matching.map { (variables[p][$0], 1.0) }
                }
                guard pairsUsing > 1 else { continue }
                let excess = model.addVariable("e[h\(person),w\(ordinal)]", lower: 0, objective: -spreadPenalty)
                terms.append((excess, -1))
                model.addConstraint("spread[h\(person),w\(ordinal)]", terms, upper: 1)
            }
        }
        if model.columns.isEmpty {
            // No pair has an option: a one-variable model keeps GLPK's input valid (never reached in practice).
            model.addVariable("nothing", kind: .binary)
        }
        return (model, variables)
    }

    /// Every combination, for tests on tiny groups.
    func bruteForce() -> (options: [Int?], objective: Double) {
        var best: (options: [Int?], objective: Double) = ([Int?](repeating: nil, count: pairs.count), 0)
        var current = [Int?](repeating: nil, count: pairs.count)
        func visit(_ p: Int) {
            if p == pairs.count {
                if let value = objective(of: current), value > best.objective + 1e-9 { best = (current, value) }
                return
            }
            current[p] = nil
            visit(p + 1)
            for k in pairs[p].options.indices {
                current[p] = k
                visit(p + 1)
            }
            current[p] = nil
        }
        visit(0)
        return best
    }
}
