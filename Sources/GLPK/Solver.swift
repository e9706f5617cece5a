import CGLPK
import Foundation

/// How hard GLPK should try, and what to keep from the solve.
public struct SolveOptions: Sendable {
    /// Stop after this many seconds (GLPK overshoots a little); nil = no limit.
    public var timeLimit: Double? = nil
    /// Stop when the relative gap between the best solution and the bound is at most this; 0 = prove optimality.
    public var mipGap = 0.0
    /// Stop branch-and-bound once it has made this many nodes; nil = no limit. Unlike a time
    /// limit it stops at the same point on every machine, so the result is reproducible.
    public var nodeLimit: Int? = nil
    /// Stop an LP's simplex after this many iterations (`Solution.Status.iterationLimit`); nil = no
    /// limit. Like `nodeLimit`, it stops at the same point on every machine.
    public var iterationLimit: Int? = nil
    /// GLPK's MIP presolver. Turned off automatically when a starting solution is given.
    public var presolve = true
    /// Mixed-integer rounding and cover cuts: models with role choices ("either") need them.
    public var cuts = true
    /// A feasible solution (one value per variable) handed to branch-and-bound as its first incumbent
    /// (checked against the model first: GLPK would take even an infeasible one on trust).
    public var startingSolution: [Double]? = nil
    /// A basis to start the simplex from (for example an optimal one found by a faster, special-
    /// purpose method, so that GLPK only has to check it). The LP presolver is then off, and so is
    /// the MIP presolver unless a `cutoff` has the root LP solved first.
    public var startingBasis: StartingBasis? = nil
    /// Only solutions at least this good (in the objective's direction) are wanted. After the root
    /// LP, every integer column whose reduced cost shows it cannot leave its bound in such a
    /// solution is fixed there (reduced-cost fixing: moving it one unit would take the LP's bound
    /// past the cutoff), which can shrink the search many times over; where the root LP itself
    /// does not reach the cutoff, the result is `.infeasible`. A solution found below the cutoff,
    /// even "optimal", then only shows that none reaches it. The root LP is solved before GLPK's MIP
    /// presolver runs (with no starting solution and `presolveFixedShare` of the columns fixed, it
    /// then takes those out).
    public var cutoff: Double? = nil
    /// With a `cutoff`: the share of the columns reduced-cost fixing must fix for GLPK's MIP
    /// presolver to run on what is left. With fewer fixed it would mostly solve the same root LP
    /// again; with more, its search works on a smaller problem (docs/method.md, "Measured
    /// choices"). Unit: a share of the columns. Range: 0.01–0.5.
    public var presolveFixedShare = 0.05
    /// A problem-specific heuristic, handed the LP solution (one value per variable) of the first
    /// `heuristicNodes` nodes of branch-and-bound, the root first: a feasible solution it returns
    /// is offered to GLPK as an incumbent (GLPK keeps it if it is better). The place for a rounding
    /// that knows the model, such as fixing what the LP settled and solving the rest exactly. Not
    /// called where GLPK's MIP presolver runs (its problem's variables are not the model's).
    public var heuristic: (@Sendable ([Double]) -> [Double]?)? = nil
    public var heuristicNodes = 1
    /// Keep the root LP's optimal basis (`Solution.rootBasis`): a larger model that holds this one
    /// can start its simplex from it (`startingBasis`).
    public var keepRootBasis = false
    /// Keep the model in CPLEX LP format (`glp_write_lp`), so it can be re-solved elsewhere.
    public var keepLPText = false
    /// Keep GLPK's printable solution (`glp_print_mip` / `glp_print_sol`).
    public var keepPrintedSolution = false

    public init(timeLimit: Double? = nil, mipGap: Double = 0, nodeLimit: Int? = nil, presolve: Bool = true, cuts: Bool = true,
                startingSolution: [Double]? = nil, startingBasis: StartingBasis? = nil, cutoff: Double? = nil,
                keepLPText: Bool = false, keepPrintedSolution: Bool = false) {
        self.startingBasis = startingBasis
        self.cutoff = cutoff
        self.nodeLimit = nodeLimit
        self.timeLimit = timeLimit
        self.mipGap = mipGap
        self.presolve = presolve
        self.cuts = cuts
        self.startingSolution = startingSolution
        self.keepLPText = keepLPText
        self.keepPrintedSolution = keepPrintedSolution
    }
}

/// A simplex basis: the status of every row (its auxiliary variable) and every column.
public struct StartingBasis: Sendable {
    public enum Status: Sendable { case basic, lower, upper, fixed, free }
    public var rows: [Status]
    public var columns: [Status]
    public init(rows: [Status], columns: [Status]) {
        self.rows = rows
        self.columns = columns
    }

    /// `basis`, of `smaller`, carried over to `model`, which holds it (rows and columns matched by
    /// name): what `model` has besides is a basic row or a column at its bound (a column fixed in
    /// `smaller` and free here at the bound it was fixed at). That is a basis of `model` whenever
    /// every row of `smaller` is in it, and primal feasible when the new columns' zeros keep `smaller`'s
    /// solution feasible; nil where a row is missing (the counts would not add up).
    public static func carried(_ basis: StartingBasis, of smaller: Model, to model: Model) -> StartingBasis? {
        guard basis.rows.count == smaller.rows.count, basis.columns.count == smaller.columns.count else { return nil }
        let oldRows = Dictionary(smaller.rows.indices.map { (smaller.rows[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        let oldColumns = Dictionary(smaller.columns.indices.map { (smaller.columns[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        let rows = model.rows.map { row in oldRows[row.name].map { basis.rows[$0] } ?? .basic }
        let columns = model.columns.map { column -> Status in
            let fixed = column.lower != nil && column.lower == column.upper
            guard let j = oldColumns[column.name] else { return fixed ? .fixed : column.lower != nil ? .lower : column.upper != nil ? .upper : .free }
            switch basis.columns[j] {
            case .basic: return .basic
            case _ where fixed: return .fixed
            case .fixed: return smaller.columns[j].lower.map { $0 == column.upper } == true && column.upper != nil ? .upper : .lower
            case let status: return status
            }
        }
        let basic = rows.count { $0 == .basic } + columns.count { $0 == .basic }
        return basic == model.rows.count ? StartingBasis(rows: rows, columns: columns) : nil
    }
}

/// What GLPK found. "Why it stopped" (`status`) is kept apart from "what solution exists" (`values`).
public struct Solution: Sendable {
    public enum Status: Sendable, Hashable, CustomStringConvertible {
        /// Proven optimal.
        case optimal
        /// Stopped at the requested MIP gap with a feasible solution.
        case feasible(gap: Double)
        /// Stopped by the time limit; `values` may or may not hold a solution.
        case timeLimit
        /// Stopped by the node limit (`SolveOptions.nodeLimit`); `values` may or may not hold a solution.
        case nodeLimit
        /// An LP stopped by the iteration limit (`SolveOptions.iterationLimit`); no solution is kept.
        case iterationLimit
        /// No solution satisfies the constraints.
        case infeasible
        /// The objective can grow without bound.
        case unbounded

        public var description: String {
            switch self {
            case .optimal: return "optimal"
            case let .feasible(gap): return "feasible, gap \(String(format: "%.3g", gap * 100))%"
            case .timeLimit: return "time limit reached"
            case .nodeLimit: return "node limit reached"
            case .iterationLimit: return "iteration limit reached"
            case .infeasible: return "infeasible"
            case .unbounded: return "unbounded"
            }
        }
    }

    public var status: Status
    /// One value per model variable when a feasible solution exists.
    public var values: [Double]?
    public var objective: Double?
    /// The best bound proven by branch-and-bound, when known.
    public var bestBound: Double?
    /// Relative gap between `objective` and `bestBound` (0 when proven optimal).
    public var gap: Double?
    /// Branch-and-bound nodes made (0 for an LP, or a MIP settled before the search).
    public var nodes = 0
    /// Integer columns fixed by the cutoff's reduced-cost fixing (`SolveOptions.cutoff`).
    public var fixedByCutoff = 0
    /// The root LP's optimal basis, when asked for (`SolveOptions.keepRootBasis`).
    public var rootBasis: StartingBasis?
    public var seconds: Double
    /// GLPK's terminal output, captured instead of printed.
    public var log: String
    public var lpText: String?
    public var printedSolution: String?

    public var isProvenOptimal: Bool { status == .optimal }

    /// The value of one variable, rounded for integer variables' noise (|v - round(v)| < 1e-6).
    public func value(_ variable: Model.Variable) -> Double {
        guard let values else { return 0 }
        let v = values[variable.index]
        let r = v.rounded()
        return abs(v - r) < 1e-6 ? r : v
    }
}

/// GLPK could not run the model: it was invalid (caught before GLPK saw it), GLPK failed with a
/// return code, or the LP text could not be written.
public enum SolverError: Error, Sendable, CustomStringConvertible {
    case invalidModel(ModelError)
    case glpk(ResultCode)
    case cannotWriteLP(String)

    public var description: String {
        switch self {
        case let .invalidModel(error): return "the model is not valid: \(error)"
        case let .glpk(code): return "GLPK failed (code \(code.rawValue)): \(code)"
        case let .cannotWriteLP(log): return "GLPK could not write the LP file: \(log)"
        }
    }
}

/// A return code of `glp_simplex` or `glp_intopt`, as GRDB's `ResultCode` is SQLite's: a value
/// callers can match (`case .glpk(.timeLimit)`), with GLPK's meaning as its description.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let invalidBasis = ResultCode(rawValue: GLP_EBADB)
    public static let singularBasis = ResultCode(rawValue: GLP_ESING)
    public static let illConditionedBasis = ResultCode(rawValue: GLP_ECOND)
    public static let incorrectBounds = ResultCode(rawValue: GLP_EBOUND)
    public static let solverFailed = ResultCode(rawValue: GLP_EFAIL)
    public static let iterationLimit = ResultCode(rawValue: GLP_EITLIM)
    public static let timeLimit = ResultCode(rawValue: GLP_ETMLIM)
    public static let noRootBasis = ResultCode(rawValue: GLP_EROOT)
    public static let stopped = ResultCode(rawValue: GLP_ESTOP)
    public static let noPrimalFeasible = ResultCode(rawValue: GLP_ENOPFS)
    public static let noDualFeasible = ResultCode(rawValue: GLP_ENODFS)

    public var description: String {
        switch self {
        case .invalidBasis: return "invalid initial basis"
        case .singularBasis: return "singular basis matrix"
        case .illConditionedBasis: return "ill-conditioned basis matrix"
        case .incorrectBounds: return "a double-bounded variable has incorrect bounds"
        case .solverFailed: return "the solver failed"
        case .iterationLimit: return "iteration limit reached"
        case .timeLimit: return "time limit reached"
        case .noRootBasis: return "no optimal basis for the root LP"
        case .stopped: return "search stopped by the application"
        case .noPrimalFeasible: return "no primal feasible solution"
        case .noDualFeasible: return "no dual feasible solution"
        default: return "unexpected return code"
        }
    }
}

/// Solves `Model`s with GLPK. Everything happens inside one synchronous call on the calling
/// thread: GLPK's state is per thread, so a problem never crosses threads or an `await`.
public enum Solver {
    public static func solve(_ model: Model, options: SolveOptions = SolveOptions()) throws(SolverError) -> Solution {
        do { try model.validate() } catch { throw .invalidModel(error) }
        if let start = options.startingSolution, start.count != model.columns.count {
            throw .invalidModel(.incumbentSize(expected: model.columns.count, got: start.count))
        }
        if let start = options.startingSolution, start.contains(where: { !$0.isFinite }) {
            throw .invalidModel(.notFinite(where: "the starting solution"))
        }
        if let basis = options.startingBasis {
            guard basis.rows.count == model.rows.count, basis.columns.count == model.columns.count else {
                throw .invalidModel(.basisSize(rows: basis.rows.count, columns: basis.columns.count))
            }
            // GLPK checks the number of basic variables itself (GLP_EBADB), but a wrong count is
            // a caller's mistake worth naming here.
            let basic = basis.rows.filter { $0 == .basic }.count + basis.columns.filter { $0 == .basic }.count
            guard basic == model.rows.count else {
                throw .invalidModel(.basisSize(rows: basic, columns: model.rows.count))
            }
        }

        let log = TerminalCapture()
        let clock = ContinuousClock()
        let began = clock.now
        defer { log.stop() }

        let problem = Problem(model)
        if let basis = options.startingBasis { problem.setBasis(basis) }
        var solution = model.hasIntegerVariables
            ? try solveMIP(problem, model: model, options: options)
            : try solveLP(problem, model: model, options: options)
        let elapsed = clock.now - began
        solution.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if options.keepLPText {
            solution.lpText = problem.writeToText { glp_write_lp($0, nil, $1) }
        }
        if options.keepPrintedSolution {
            solution.printedSolution = model.hasIntegerVariables
                ? problem.writeToText { glp_print_mip($0, $1) }
                : problem.writeToText { glp_print_sol($0, $1) }
        }
        solution.log = log.text
        return solution
    }

    /// The model in CPLEX LP format, without solving it.
    public static func lpText(_ model: Model) throws(SolverError) -> String {
        do { try model.validate() } catch { throw .invalidModel(error) }
        let log = TerminalCapture()
        defer { log.stop() }
        let problem = Problem(model)
        guard let text = problem.writeToText({ glp_write_lp($0, nil, $1) }) else {
            throw .cannotWriteLP(log.text)
        }
        return text
    }

    private static func timeLimitMilliseconds(_ seconds: Double?) -> Int32 {
        guard let seconds, seconds.isFinite, seconds > 0 else { return Int32.max }
        return Int32(min(seconds * 1000, Double(Int32.max)))
    }

    private static func solveLP(_ problem: Problem, model: Model, options: SolveOptions) throws(SolverError) -> Solution {
        var parameters = glp_smcp()
        glp_init_smcp(&parameters)
        parameters.msg_lev = GLP_MSG_ERR
        parameters.presolve = options.presolve && options.startingBasis == nil ? GLP_ON : GLP_OFF
        parameters.tm_lim = timeLimitMilliseconds(options.timeLimit)
        if let limit = options.iterationLimit { parameters.it_lim = Int32(clamping: max(0, limit)) }
        let code = glp_simplex(problem.pointer, &parameters)
        let status = glp_get_status(problem.pointer)
        switch code {
        case 0 where status == GLP_OPT:
            return read(problem, model: model, status: .optimal, primal: glp_get_col_prim, objective: glp_get_obj_val)
        case 0 where status == GLP_NOFEAS, GLP_ENOPFS:
            return Solution(status: .infeasible, seconds: 0, log: "")
        case 0 where status == GLP_UNBND, GLP_ENODFS:
            return Solution(status: .unbounded, seconds: 0, log: "")
        case GLP_EITLIM:
            return Solution(status: .iterationLimit, seconds: 0, log: "")
        case GLP_ETMLIM:
            if status == GLP_FEAS {
                return read(problem, model: model, status: .timeLimit, primal: glp_get_col_prim, objective: glp_get_obj_val)
            }
            return Solution(status: .timeLimit, seconds: 0, log: "")
        default:
            throw .glpk(ResultCode(rawValue: code))
        }
    }

    private static func solveMIP(_ problem: Problem, model: Model, options: SolveOptions) throws(SolverError) -> Solution {
        let search = SearchContext(model: model, startingSolution: options.startingSolution, nodeLimit: options.nodeLimit,
                                   heuristic: options.heuristic, heuristicNodes: options.heuristicNodes)
        var parameters = glp_iocp()
        glp_init_iocp(&parameters)
        parameters.msg_lev = GLP_MSG_ERR
        parameters.tm_lim = timeLimitMilliseconds(options.timeLimit)
        parameters.mip_gap = max(0, options.mipGap)
        if options.cuts {
            parameters.mir_cuts = GLP_ON
            parameters.cov_cuts = GLP_ON
        }
        let usePresolve = options.presolve && options.startingSolution == nil && options.startingBasis == nil && options.cutoff == nil
        parameters.presolve = usePresolve ? GLP_ON : GLP_OFF
        if !usePresolve {
            var lp = glp_smcp()
            glp_init_smcp(&lp)
            lp.msg_lev = GLP_MSG_ERR
            lp.presolve = options.startingBasis == nil ? GLP_ON : GLP_OFF
            lp.tm_lim = parameters.tm_lim
            // The root LP by the dual simplex with the long-step ("flip") ratio test, which suits the
            // many 0–1 bounds of a pairing model: 0.7 s instead of 2.2 s for the primal simplex on the
            // 1,000-applicant total-score polish (the plain dual ratio test was 9× slower than primal).
            // Should it fail, the primal simplex carries on from wherever it stopped.
            lp.meth = GLP_DUALP
            lp.r_test = GLP_RT_FLIP
            if options.startingBasis != nil {
                // A basis handed over is most often primal feasible (a smaller model's optimum, the
                // new columns at zero): the primal simplex continues from it.
                lp.meth = GLP_PRIMAL
                lp.r_test = GLP_RT_HAR
            }
            var code = glp_simplex(problem.pointer, &lp)
            if options.startingBasis != nil && (code == GLP_EBADB || code == GLP_ESING || code == GLP_ECOND) {
                // The basis handed over was not one after all: GLPK's own starting basis instead.
                glp_adv_basis(problem.pointer, 0)
                (lp.meth, lp.r_test) = (GLP_DUALP, GLP_RT_FLIP)
                code = glp_simplex(problem.pointer, &lp)
            }
            if code != 0 && code != GLP_ETMLIM && code != GLP_ENOPFS && code != GLP_ENODFS {
                lp.meth = GLP_PRIMAL
                lp.r_test = GLP_RT_HAR
                code = glp_simplex(problem.pointer, &lp)
            }
            let status = glp_get_status(problem.pointer)
            if code == GLP_ENOPFS || (code == 0 && status == GLP_NOFEAS) {
                return Solution(status: .infeasible, seconds: 0, log: "")
            }
            if code == GLP_ENODFS || (code == 0 && status == GLP_UNBND) {
                return Solution(status: .unbounded, seconds: 0, log: "")
            }
            if code == GLP_ETMLIM { return Solution(status: .timeLimit, seconds: 0, log: "") }
            guard code == 0, status == GLP_OPT else { throw .glpk(ResultCode(rawValue: code)) }
        }
        let rootBasis = options.keepRootBasis && !usePresolve ? problem.basis() : nil
        var fixed: [(column: Int32, type: Int32, lower: Double, upper: Double)] = []
        if let cutoff = options.cutoff {
            guard let columns = fixByReducedCost(problem, model: model, cutoff: cutoff) else {
                var none = Solution(status: .infeasible, seconds: 0, log: "")
                none.rootBasis = rootBasis
                return none
            }
            fixed = columns
            if Double(fixed.count) >= options.presolveFixedShare * Double(model.columns.count), options.presolve,
               options.startingSolution == nil {
                // Nothing to start from, and enough columns fixed: GLPK's MIP presolver takes them
                // out, and its search works on the smaller problem.
                parameters.presolve = GLP_ON
            } else if !fixed.isEmpty {
                // The basis stays optimal (only nonbasic columns were fixed, at their values); the
                // simplex confirms it, so that branch-and-bound has its optimal root.
                var lp = glp_smcp()
                glp_init_smcp(&lp)
                lp.msg_lev = GLP_MSG_ERR
                lp.presolve = GLP_OFF
                lp.tm_lim = parameters.tm_lim
                let code = glp_simplex(problem.pointer, &lp)
                guard code == 0, glp_get_status(problem.pointer) == GLP_OPT else { throw .glpk(ResultCode(rawValue: code)) }
            }
        }
        // The model as given again afterwards (its LP text, a printed solution's bounds).
        defer {
            for column in fixed { glp_set_col_bnds(problem.pointer, column.column, column.type, column.lower, column.upper) }
        }
        let context = Unmanaged.passRetained(search)
        defer { context.release() }
        parameters.cb_info = context.toOpaque()
        parameters.cb_func = { tree, info in
            guard let tree, let info else { return }
            Unmanaged<SearchContext>.fromOpaque(info).takeUnretainedValue().callback(tree)
        }

        let code = glp_intopt(problem.pointer, &parameters)
        search.fixed = fixed.count
        let status = glp_mip_status(problem.pointer)
        let hasSolution = status == GLP_OPT || status == GLP_FEAS
        var result: Solution
        switch code {
        case 0 where status == GLP_OPT:
            result = read(problem, model: model, status: .optimal, primal: glp_mip_col_val, objective: glp_mip_obj_val)
            result.gap = 0
            result.bestBound = result.objective
            result.nodes = search.nodes
            result.fixedByCutoff = search.fixed
            result.rootBasis = rootBasis
            return result
        case 0 where status == GLP_NOFEAS, GLP_ENOPFS:
            var none = Solution(status: .infeasible, seconds: 0, log: "")
            none.rootBasis = rootBasis
            return none
        case GLP_ENODFS:
            return Solution(status: .unbounded, seconds: 0, log: "")
        case GLP_EMIPGAP where hasSolution:
            result = read(problem, model: model, status: .feasible(gap: search.gap ?? options.mipGap),
                          primal: glp_mip_col_val, objective: glp_mip_obj_val)
        case GLP_ETMLIM, GLP_ESTOP:
            let stopped: Solution.Status = code == GLP_ESTOP ? .nodeLimit : .timeLimit
            result = hasSolution
                ? read(problem, model: model, status: stopped, primal: glp_mip_col_val, objective: glp_mip_obj_val)
                : Solution(status: stopped, seconds: 0, log: "")
        default:
            throw .glpk(ResultCode(rawValue: code))
        }
        result.gap = search.gap
        result.bestBound = search.bestBound
        result.nodes = search.nodes
        result.fixedByCutoff = search.fixed
        result.rootBasis = rootBasis
        return result
    }

    /// Reduced-cost fixing at the optimal root LP (value z): moving a nonbasic integer column one
    /// unit off its bound changes the LP's bound by its reduced cost d, so where z + d·(direction)
    /// falls short of `cutoff`, no solution reaching the cutoff moves it: it is fixed at its bound.
    /// Returns the columns fixed with their former bounds, or nil when z itself falls short.
    private static func fixByReducedCost(_ problem: Problem, model: Model, cutoff: Double)
        -> [(column: Int32, type: Int32, lower: Double, upper: Double)]? {
        let maximize = model.sense == .maximize
        let value = glp_get_obj_val(problem.pointer)
        // How far the LP's bound may fall and still reach the cutoff, less a tolerance for rounding.
        let room = (maximize ? value - cutoff : cutoff - value) + 1e-9 * max(1, abs(value))
        guard room >= 0 else { return nil }
        var fixed: [(column: Int32, type: Int32, lower: Double, upper: Double)] = []
        for (i, column) in model.columns.enumerated() where column.kind != .continuous {
            let j = Int32(i + 1)
            let status = glp_get_col_stat(problem.pointer, j)
            guard status == GLP_NL || status == GLP_NU else { continue }
            // The bound's loss per unit moved off the bound, positive where moving hurts.
            let loss = abs(glp_get_col_dual(problem.pointer, j))
            guard loss > room + 1e-6 * max(1, loss) else { continue }
            let at = status == GLP_NL ? glp_get_col_lb(problem.pointer, j) : glp_get_col_ub(problem.pointer, j)
            fixed.append((j, glp_get_col_type(problem.pointer, j), glp_get_col_lb(problem.pointer, j), glp_get_col_ub(problem.pointer, j)))
            glp_set_col_bnds(problem.pointer, j, GLP_FX, at, at)
        }
        return fixed
    }

    private static func read(
        _ problem: Problem, model: Model, status: Solution.Status,
        primal: (OpaquePointer?, Int32) -> Double, objective: (OpaquePointer?) -> Double
    ) -> Solution {
        let values = (0..<model.columns.count).map { primal(problem.pointer, Int32($0 + 1)) }
        return Solution(status: status, values: values, objective: objective(problem.pointer), seconds: 0, log: "")
    }
}

/// State shared with GLPK's branch-and-bound callback: the starting solution to offer, the
/// node limit, and the best bound and gap seen. A C callback cannot throw, so it only records
/// (and asks GLPK to stop at the node limit).
private final class SearchContext {
    var startingSolution: [Double]?
    let nodeLimit: Int?
    var gap: Double?
    var bestBound: Double?
    /// Nodes made so far (GLPK's count of every node the tree has had).
    var nodes = 0
    /// Columns fixed by the cutoff before the search.
    var fixed = 0

    let heuristic: (([Double]) -> [Double]?)?
    var heuristicNodes: Int
    let model: Model
    var columns: Int { model.columns.count }

    init(model: Model, startingSolution: [Double]?, nodeLimit: Int?, heuristic: (([Double]) -> [Double]?)? = nil, heuristicNodes: Int = 0) {
        self.model = model
        self.startingSolution = startingSolution
        self.nodeLimit = nodeLimit
        self.heuristic = heuristic
        self.heuristicNodes = heuristicNodes
    }

    /// The node's LP solution to the heuristic, and what it returns (of the right size) to GLPK.
    private func offerHeuristic(_ tree: OpaquePointer) {
        guard let heuristic, heuristicNodes > 0 else { return }
        heuristicNodes -= 1
        let problem = glp_ios_get_prob(tree)
        // The MIP presolver searches a problem of its own: its columns are not the model's.
        guard glp_get_num_cols(problem) == Int32(columns) else { return }
        let values = (0..<columns).map { glp_get_col_prim(problem, Int32($0 + 1)) }
        if let proposal = heuristic(values) { offer(proposal, to: tree) }
    }

    /// A solution to GLPK as an incumbent, once it is checked against the model.
    private func offer(_ solution: [Double], to tree: OpaquePointer) {
        guard model.isFeasible(solution) else { return }
        var values = solution
        values.insert(0, at: 0) // GLPK arrays are 1-based
        _ = glp_ios_heur_sol(tree, &values)
    }

    func callback(_ tree: OpaquePointer) {
        switch glp_ios_reason(tree) {
        case GLP_IHEUR:
            if let start = startingSolution {
                startingSolution = nil
                offer(start, to: tree)
            }
            offerHeuristic(tree)
        case GLP_ISELECT, GLP_IBINGO:
            let node = glp_ios_best_node(tree)
            if node != 0 {
                bestBound = glp_ios_node_bound(tree, node)
                gap = glp_ios_mip_gap(tree)
            }
            var active: Int32 = 0, current: Int32 = 0, total: Int32 = 0
            glp_ios_tree_size(tree, &active, &current, &total)
            nodes = Int(total)
            if let nodeLimit, glp_ios_reason(tree) == GLP_ISELECT, nodes >= nodeLimit { glp_ios_terminate(tree) }
        default:
            break
        }
    }
}

/// Routes GLPK's terminal output into a string for the duration of a solve.
private final class TerminalCapture {
    private(set) var text = ""
    private var handle: Unmanaged<TerminalCapture>?

    init() {
        let handle = Unmanaged.passRetained(self)
        self.handle = handle
        glp_term_hook({ info, message in
            guard let info, let message else { return 1 }
            Unmanaged<TerminalCapture>.fromOpaque(info).takeUnretainedValue().text += String(cString: message)
            return 1 // suppress printing
        }, handle.toOpaque())
    }

    func stop() {
        glp_term_hook(nil, nil)
        handle?.release()
        handle = nil
    }
}
