import Testing
@testable import GLPK

@Suite struct SolverTests {
    /// max 3x + 2y  s.t. x + y ≤ 4, x + 3y ≤ 6, x ≤ 3  →  x = 3, y = 1, objective 11 (by hand).
    @Test func solvesAHandSolvedLinearProgram() throws {
        var model = Model(name: "hand", sense: .maximize)
        let x = model.addVariable("x", objective: 3)
        let y = model.addVariable("y", objective: 2)
        model.addConstraint("total", [(x, 1), (y, 1)], upper: 4)
        model.addConstraint("weighted", [(x, 1), (y, 3)], upper: 6)
        model.addConstraint("cap_x", [(x, 1)], upper: 3)
        let solution = try Solver.solve(model)
        #expect(solution.status == .optimal)
        #expect(abs((solution.objective ?? 0) - 11) < 1e-9)
        #expect(abs(solution.value(x) - 3) < 1e-9)
        #expect(abs(solution.value(y) - 1) < 1e-9)
    }

    /// The knapsack of the two tests below and its variables a, b, c.
    static func knapsack() -> (Model, Model.Variable, Model.Variable, Model.Variable) {
        var model = Model(name: "knapsack", sense: .maximize)
        let a = model.addVariable("a", kind: .binary, objective: 5)
        let b = model.addVariable("b", kind: .binary, objective: 4)
        let c = model.addVariable("c", kind: .binary, objective: 3)
        model.addConstraint("weight", [(a, 2), (b, 3), (c, 1)], upper: 4)
        return (model, a, b, c)
    }

    /// A knapsack whose LP optimum is fractional: max 5a + 4b + 3c, 2a + 3b + c ≤ 4 (binary).
    /// Enumerating the 8 choices by hand: {a, c} gives 8, the best.
    @Test func solvesAHandSolvedIntegerProgram() throws {
        let (model, a, b, c) = Self.knapsack()
        let solution = try Solver.solve(model, options: SolveOptions(keepLPText: true, keepPrintedSolution: true))
        #expect(solution.isProvenOptimal)
        #expect(solution.objective == 8)
        #expect([solution.value(a), solution.value(b), solution.value(c)] == [1, 0, 1])
        #expect(solution.gap == 0)
        let lp = try #require(solution.lpText)
        #expect(lp.contains("Maximize"))
        #expect(lp.contains("weight:"))
        #expect(lp.contains("Binary") || lp.contains("Generals"))
        #expect(solution.printedSolution?.contains("INTEGER OPTIMAL") == true)
    }

    /// The same knapsack relaxed (`Model.relaxed`): its LP optimum, a and c whole and a third of b,
    /// 9⅓, bounds the integer one; with an iteration limit the simplex stops short and says so.
    @Test func theRelaxationBoundsTheIntegerOptimumAndAnIterationLimitStopsIt() throws {
        let (model, a, b, c) = Self.knapsack()
        let relaxed = model.relaxed()
        #expect(!relaxed.hasIntegerVariables && model.hasIntegerVariables)
        let solution = try Solver.solve(relaxed)
        #expect(solution.isProvenOptimal)
        #expect(abs((solution.objective ?? 0) - 28.0 / 3) < 1e-9)
        #expect(abs(solution.value(a) - 1) < 1e-9 && abs(solution.value(b) - 1.0 / 3) < 1e-9 && abs(solution.value(c) - 1) < 1e-9)
        var limited = SolveOptions(presolve: false)
        limited.iterationLimit = 1
        let stopped = try Solver.solve(relaxed, options: limited)
        #expect(stopped.status == .iterationLimit)
        #expect(stopped.values == nil && !stopped.isProvenOptimal)
    }

    @Test func reportsInfeasibleWithAndWithoutPresolve() throws {
        for presolve in [true, false] {
            var model = Model(name: "impossible", sense: .minimize)
            let x = model.addVariable("x", kind: .integer, lower: 0, upper: 10, objective: 1)
            let y = model.addVariable("y", kind: .integer, lower: 0, upper: 10, objective: 1)
            model.addConstraint("atLeast", [(x, 1), (y, 1)], lower: 25)
            let solution = try Solver.solve(model, options: SolveOptions(presolve: presolve))
            #expect(solution.status == .infeasible)
            #expect(solution.values == nil)
        }
        var lp = Model(name: "impossibleLP", sense: .minimize)
        let z = lp.addVariable("z", lower: 0, upper: 1)
        lp.addConstraint("big", [(z, 1)], lower: 2)
        #expect(try Solver.solve(lp).status == .infeasible)
    }

    @Test func reportsUnbounded() throws {
        var model = Model(name: "open", sense: .maximize)
        let x = model.addVariable("x", lower: 0, upper: nil, objective: 1)
        model.addConstraint("floor", [(x, 1)], lower: 1)
        #expect(try Solver.solve(model).status == .unbounded)
    }

    @Test func startingSolutionIsUsedAndOptimumStillProven() throws {
        var model = Model(name: "assign", sense: .maximize)
        // 3×3 assignment; optimum by hand: (0,2) 9 + (1,1) 8 + (2,0) 7 = 24.
        let scores = [[1.0, 4, 9], [3, 8, 2], [7, 5, 6]]
        var x: [[Model.Variable]] = []
        for i in 0..<3 {
            x.append((0..<3).map { j in model.addVariable("x_\(i)_\(j)", kind: .binary, objective: scores[i][j]) })
        }
        for i in 0..<3 { model.addConstraint("row\(i)", (0..<3).map { (x[i][$0], 1.0) }, upper: 1) }
        for j in 0..<3 { model.addConstraint("col\(j)", (0..<3).map { (x[$0][j], 1.0) }, upper: 1) }
        var start = [Double](repeating: 0, count: 9)
        start[x[0][0].index] = 1; start[x[1][1].index] = 1; start[x[2][2].index] = 1 // 15, feasible
        let solution = try Solver.solve(model, options: SolveOptions(startingSolution: start))
        #expect(solution.isProvenOptimal)
        #expect(solution.objective == 24)
    }

    @Test func invalidModelsAreRejectedBeforeGLPKCouldAbort() {
        #expect(throws: SolverError.self) { try Solver.solve(Model(name: "empty", sense: .minimize)) }

        var duplicate = Model(name: "dup", sense: .minimize)
        let x = duplicate.addVariable("x")
        duplicate.addConstraint("twice", [(x, 1), (x, 2)], upper: 3)
        #expect(throws: SolverError.self) { try Solver.solve(duplicate) }

        var nan = Model(name: "nan", sense: .minimize)
        let y = nan.addVariable("y", objective: .nan)
        nan.addConstraint("ok", [(y, 1)], upper: 1)
        #expect(throws: SolverError.self) { try Solver.solve(nan) }

        var crossed = Model(name: "crossed", sense: .minimize)
        crossed.addVariable("z", lower: 2, upper: 1)
        #expect(throws: SolverError.self) { try Solver.solve(crossed) }

        var unknown = Model(name: "unknown", sense: .minimize)
        unknown.addVariable("w")
        unknown.addConstraint("ghost", [(Model.Variable(index: 7), 1)], upper: 1)
        #expect(throws: SolverError.self) { try Solver.solve(unknown) }

        var badStart = Model(name: "start", sense: .minimize)
        badStart.addVariable("v", kind: .binary)
        #expect(throws: SolverError.self) { try Solver.solve(badStart, options: SolveOptions(startingSolution: [0, 1])) }
    }

    @Test func unsafeAndOverlongNamesAreMadeSafeAndUnique() throws {
        var model = Model(name: "names with spaces", sense: .maximize)
        let a = model.addVariable("pair ana@example.org → bo@example.org", kind: .binary, objective: 1)
        let b = model.addVariable(String(repeating: "x", count: 400), kind: .binary, objective: 1)
        let c = model.addVariable("pair ana@example.org → bo@example.org", kind: .binary, objective: 1)
        model.addConstraint("1st row", [(a, 1), (b, 1), (c, 1)], upper: 2)
        let text = try Solver.lpText(model)
        #expect(!text.contains("→"))
        #expect(text.contains("_1st_row:"))
        #expect(text.contains("#2"))
        #expect(try Solver.solve(model).objective == 2)
    }

    /// A random 0–1 knapsack (the same for a seed): hard for branch-and-bound without cuts.
    static func knapsack(items: Int, capacity: Double, seed: UInt64) -> Model {
        var model = Model(name: "knapsack", sense: .maximize)
        var terms: [(Model.Variable, Double)] = []
        var state = seed
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 33) / Double(1 << 31) }
        for i in 0..<items {
            let w = 1000 + next() * 1000
            terms.append((model.addVariable("k\(i)", kind: .binary, objective: w + next() * 10), w))
        }
        model.addConstraint("capacity", terms, upper: capacity)
        return model
    }

    /// Reduced-cost fixing at a cutoff (`SolveOptions.cutoff`), against enumeration on random
    /// assignment models with integer scores (4 items into 3 bins of random capacity, 12 binaries,
    /// maximised and minimised): at any cutoff up to the optimum GLPK still proves the optimum; above
    /// it, it finds nothing that reaches the cutoff; columns are fixed along the way; and the model
    /// is left as given (its LP text equals the one of a solve without a cutoff).
    @Test func aCutoffKeepsEveryOptimumThatReachesItAgainstEnumeration() throws {
        var state: UInt64 = 11
        func next(_ n: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % n }
        var fixedSome = 0, checked = 0
        for trial in 0..<40 {
            let maximize = trial % 2 == 0
            let (items, bins) = (4, 3)
            var model = Model(name: "assign", sense: maximize ? .maximize : .minimize)
            var score = [[Int]](), weight = [[Int]]()
            var x: [[Model.Variable]] = []
            for i in 0..<items {
                score.append((0..<bins).map { _ in (maximize ? 1 : -1) * (1 + next(60)) })
                weight.append((0..<bins).map { _ in 1 + next(5) })
                x.append((0..<bins).map { j in model.addVariable("x_\(i)_\(j)", kind: .binary, objective: Double(score[i][j])) })
            }
            let capacity = (0..<bins).map { _ in 2 + next(5) }
            for i in 0..<items { model.addConstraint("item\(i)", (0..<bins).map { (x[i][$0], 1.0) }, upper: 1) }
            for j in 0..<bins { model.addConstraint("bin\(j)", (0..<items).map { (x[$0][j], Double(weight[$0][j])) }, upper: Double(capacity[j])) }
            // Enumeration: each item in no bin or one of three.
            var best = maximize ? Int.min : Int.max
            for code in 0..<(0..<items).reduce(1, { total, _ in total * (bins + 1) }) {
                var c = code, value = 0, load = [Int](repeating: 0, count: bins)
                for i in 0..<items {
                    let bin = c % (bins + 1) - 1
                    c /= bins + 1
                    if bin >= 0 { value += score[i][bin]; load[bin] += weight[i][bin] }
                }
                if zip(load, capacity).allSatisfy({ $0 <= $1 }) { best = maximize ? max(best, value) : min(best, value) }
            }
            let plain = try Solver.solve(model, options: SolveOptions(cuts: false, keepLPText: true))
            #expect(plain.objective.map { Int($0.rounded()) } == best, "trial \(trial)")
            let direction = maximize ? 1 : -1
            for offset in [-40, -10, -1, 0, 1, 5] {
                let cutoff = best + direction * offset // offset ≤ 0: the optimum reaches it
                let reachable = maximize ? cutoff <= best : cutoff >= best
                let solution = try Solver.solve(model, options: SolveOptions(cuts: false, cutoff: Double(cutoff), keepLPText: true))
                checked += 1
                if solution.fixedByCutoff > 0 { fixedSome += 1 }
                #expect(solution.lpText == plain.lpText, "trial \(trial): the model was not restored")
                if reachable {
                    #expect(solution.isProvenOptimal && solution.objective.map { Int($0.rounded()) } == best,
                            "trial \(trial), cutoff \(cutoff): \(solution.status) \(solution.objective ?? .nan), optimum \(best)")
                } else {
                    let found = solution.objective.map { Int($0.rounded()) }
                    #expect(solution.status == .infeasible || found.map { maximize ? $0 < cutoff : $0 > cutoff } == true,
                            "trial \(trial), cutoff \(cutoff) beyond the optimum \(best): \(solution.status) \(found ?? 0)")
                }
            }
        }
        #expect(checked == 240 && fixedSome > 20, "columns fixed in only \(fixedSome) of \(checked) solves")
    }

    /// A heuristic (`SolveOptions.heuristic`) sees the root's LP solution, and what it offers is
    /// used only when it is feasible: GLPK itself would take any solution on trust. The same check
    /// guards a starting solution.
    @Test func aHeuristicsSolutionIsUsedOnlyWhenFeasible() throws {
        let model = Self.knapsack(items: 60, capacity: 15_000.5, seed: 7)
        let best = try Solver.solve(model, options: SolveOptions(presolve: false, cuts: false))
        let optimum = try #require(best.values), bestValue = try #require(best.objective)
        #expect(best.isProvenOptimal && model.isFeasible(optimum))
        final class Calls: @unchecked Sendable { var sizes: [Int] = [] } // called on the solving thread only
        let calls = Calls()
        // Two nodes: GLPK counts the root before it solves it.
        var options = SolveOptions(nodeLimit: 2, presolve: false, cuts: false)
        options.heuristic = { values in calls.sizes.append(values.count); return optimum }
        let alone = try Solver.solve(model, options: SolveOptions(nodeLimit: 2, presolve: false, cuts: false))
        #expect(alone.objective.map { $0 < bestValue - 1e-6 } ?? true, "two nodes found the optimum without help: the test shows nothing")
        let helped = try Solver.solve(model, options: options)
        #expect(calls.sizes == [60], "called \(calls.sizes.count) times")
        #expect(helped.status == .nodeLimit || helped.isProvenOptimal)
        #expect(helped.objective.map { abs($0 - bestValue) < 1e-6 } == true, "the heuristic's optimum was not used")
        // Everything packed: over the capacity, so it must not become the incumbent.
        let overfull = [Double](repeating: 1, count: 60)
        #expect(!model.isFeasible(overfull))
        options.heuristic = { _ in overfull }
        let refused = try Solver.solve(model, options: options)
        #expect(refused.values.map { model.isFeasible($0) } ?? true)
        #expect((refused.objective ?? 0) <= bestValue + 1e-6)
        let started = try Solver.solve(model, options: SolveOptions(nodeLimit: 2, presolve: false, cuts: false, startingSolution: overfull))
        #expect(started.values.map { model.isFeasible($0) } ?? true)
        #expect((started.objective ?? 0) <= bestValue + 1e-6)
    }

    /// The root basis of a smaller model, carried to a larger one that holds it
    /// (`StartingBasis.carried`), starts its search: same optimum as from scratch. A model that lacks
    /// one of the smaller one's rows gets no basis (its counts would not add up).
    @Test func aSmallerModelsRootBasisStartsALargerOne() throws {
        let scores = [[9.0, 4, 7, 3], [2, 8, 6, 5], [7, 5, 9, 4], [3, 9, 2, 8]]
        func assignment(_ allowed: (Int, Int) -> Bool, dropRow: String? = nil) -> Model {
            var model = Model(name: "assign", sense: .maximize)
            var x: [Int: [(Model.Variable, Double)]] = [:], y: [Int: [(Model.Variable, Double)]] = [:]
            for i in 0..<4 { for j in 0..<4 where allowed(i, j) {
                let v = model.addVariable("x_\(i)_\(j)", kind: .binary, objective: scores[i][j])
                x[i, default: []].append((v, 1)); y[j, default: []].append((v, 1))
                if "link_\(i)_\(j)" != dropRow { model.addConstraint("link_\(i)_\(j)", [(v, 2)], upper: 2) }
            } }
            for (i, terms) in x.sorted(by: { $0.key < $1.key }) where "row_\(i)" != dropRow { model.addConstraint("row_\(i)", terms, upper: 1) }
            for (j, terms) in y.sorted(by: { $0.key < $1.key }) { model.addConstraint("col_\(j)", terms, upper: 1) }
            return model
        }
        let small = assignment { i, j in (i + j) % 2 == 0 }, large = assignment { _, _ in true }
        var keep = SolveOptions(presolve: false, cuts: false)
        keep.keepRootBasis = true
        let first = try Solver.solve(small, options: keep)
        let basis = try #require(first.rootBasis)
        #expect(basis.rows.count == small.rows.count && basis.columns.count == small.columns.count)
        let carried = try #require(StartingBasis.carried(basis, of: small, to: large))
        let cold = try Solver.solve(large, options: SolveOptions(presolve: false, cuts: false))
        let warm = try Solver.solve(large, options: SolveOptions(presolve: false, cuts: false, startingBasis: carried))
        #expect(cold.isProvenOptimal && warm.isProvenOptimal && cold.objective == warm.objective && cold.objective == 9 + 8 + 9 + 8)
        #expect(StartingBasis.carried(basis, of: small, to: assignment({ _, _ in true }, dropRow: "row_0")) == nil)
    }

    @Test func timeLimitIsReportedNotMistakenForOptimal() throws {
        // A hard-ish knapsack with a tiny time limit; whatever GLPK reaches, the status is honest.
        let model = Self.knapsack(items: 300, capacity: 75_000.5, seed: 42)
        let solution = try Solver.solve(model, options: SolveOptions(timeLimit: 0.001, presolve: false, cuts: false))
        switch solution.status {
        case .optimal: #expect(solution.gap == 0)
        case .timeLimit: #expect(solution.seconds < 30)
        default: Issue.record("unexpected status \(solution.status)")
        }
    }

    @Test func aNodeLimitStopsTheSearchAtTheSamePointEveryTime() throws {
        // A knapsack that needs many nodes without cuts: stopped after 20, twice, with the same answer.
        let model = Self.knapsack(items: 60, capacity: 15_000.5, seed: 7)
        let options = SolveOptions(nodeLimit: 20, presolve: false, cuts: false)
        let first = try Solver.solve(model, options: options), second = try Solver.solve(model, options: options)
        #expect(first.status == .nodeLimit)
        #expect(first.nodes >= 20 && first.nodes < 40)
        #expect(first.values == second.values && first.nodes == second.nodes)
        let full = try Solver.solve(model, options: SolveOptions(presolve: false, cuts: false))
        #expect(full.status == .optimal && full.nodes > 20)
        // Stopped early, the bound is still valid and no better solution than the optimum is claimed.
        if let bound = first.bestBound, let best = full.objective { #expect(bound >= best - 1e-6) }
        if let objective = first.objective, let best = full.objective { #expect(objective <= best + 1e-6) }
    }

    @Test func terminalOutputIsCapturedNotPrinted() throws {
        var model = Model(name: "quiet", sense: .maximize)
        let x = model.addVariable("x", kind: .integer, lower: 0, upper: 5, objective: 1)
        model.addConstraint("cap", [(x, 2)], upper: 7)
        let solution = try Solver.solve(model)
        #expect(solution.objective == 3)
    }
}

@Suite struct BinaryBoundsTests {
    @Test func binaryVariablesCanBeFixed() throws {
        var model = Model(name: "fixed", sense: .maximize)
        let a = model.addVariable("a", kind: .binary, upper: 0, objective: 5)
        let b = model.addVariable("b", kind: .binary, lower: 1, objective: -1)
        let c = model.addVariable("c", kind: .binary, objective: 1)
        model.addConstraint("one", [(a, 1), (b, 1), (c, 1)], upper: 2)
        let solution = try Solver.solve(model)
        #expect([solution.value(a), solution.value(b), solution.value(c)] == [0, 1, 1])
    }
}

/// Names GLPK would abort on, or that only differ beyond the length kept, never crash a solve.
@Suite struct NameTests {
    @Test func namesThatClashAfterCuttingStayUniqueAndShort() {
        var names = GLPKName.Unique()
        // Names of 175 to 1,000 characters that share their first 200: all cut to the same base.
        let long = (175...1_000).map { String(repeating: "m", count: $0) + "@example.org" }
        let made = long.map { names.make($0, fallback: "x") }
        #expect(Set(made).count == made.count)
        #expect(made.allSatisfy { $0.utf8.count <= GLPKName.maximumLength })
        // A raw name equal to a suffix already handed out is made unique too.
        let clash = names.make(made[1], fallback: "x")
        #expect(!made.contains(clash) && clash.utf8.count <= GLPKName.maximumLength)
        // Characters the LP format cannot hold become `_`; an empty name takes the fallback.
        #expect(GLPKName.make("zoë smith\u{1B}[31m", fallback: "x") == "zo__smith_[31m")
        #expect(GLPKName.make("", fallback: "x7") == "x7")
        #expect(GLPKName.make("9lives", fallback: "x") == "_9lives")
    }

    @Test func aModelWithLongClashingNamesSolvesAndWritesItsLPFile() throws {
        var model = Model(name: String(repeating: "n", count: 600), sense: .maximize)
        var variables: [Model.Variable] = []
        for k in 0..<40 {
            variables.append(model.addVariable("x(" + String(repeating: "d", count: 300) + ",\(k))", kind: .binary, objective: Double(k % 7)))
        }
        model.addConstraint(String(repeating: "r", count: 400), variables.map { ($0, 1) }, upper: 3)
        let solution = try Solver.solve(model, options: SolveOptions(keepLPText: true))
        #expect(solution.isProvenOptimal)
        #expect(solution.objective == 18) // three variables worth 6 (k = 6, 13, 20, 27, 34: pick any three)
        #expect(solution.lpText?.split(separator: "\n").allSatisfy { $0.utf8.count < 1_000 } == true)
    }
}

@Suite struct ResultCodeTests {
    @Test func glpkReturnCodesAreValuesCallersCanMatch() {
        let error = SolverError.glpk(ResultCode(rawValue: 0x09))
        guard case .glpk(.timeLimit) = error else { Issue.record("GLP_ETMLIM (0x09) is not .timeLimit"); return }
        #expect(error.description == "GLPK failed (code 9): time limit reached")
        #expect(ResultCode(rawValue: 0x0A).description == "no primal feasible solution")
        #expect(ResultCode(rawValue: 999).description == "unexpected return code")
    }
}
