/// A mixed-integer linear program as plain Swift values. Building one never touches GLPK, so a
/// model can be inspected, validated and tested without a solver; `Solver` hands it to GLPK.
public struct Model: Sendable {
    public enum Sense: Sendable { case minimize, maximize }

    public enum Kind: Sendable, Hashable { case continuous, integer, binary }

    /// The index of a variable in its model.
    public struct Variable: Hashable, Sendable, Comparable {
        public let index: Int
        public static func < (a: Variable, b: Variable) -> Bool { a.index < b.index }
    }

    public struct Column: Sendable {
        public var name: String
        public var kind: Kind
        public var lower: Double?
        public var upper: Double?
        public var objective: Double
    }

    public struct Row: Sendable {
        public var name: String
        public var terms: [(variable: Variable, coefficient: Double)]
        public var lower: Double?
        public var upper: Double?
    }

    public var name: String
    public var sense: Sense
    /// A constant added to the objective.
    public var objectiveConstant = 0.0
    public private(set) var columns: [Column] = []
    public private(set) var rows: [Row] = []

    public init(name: String, sense: Sense) {
        self.name = name
        self.sense = sense
    }

    /// Adds a variable. Names should come from domain ids so that the LP file reads like the maths.
    /// A binary variable's bounds are [0, 1] narrowed by `lower` and `upper` (to fix it at 0 or 1).
    @discardableResult
    public mutating func addVariable(
        _ name: String, kind: Kind = .continuous, lower: Double? = 0, upper: Double? = nil, objective: Double = 0
    ) -> Variable {
        let bounds: (Double?, Double?) = kind == .binary ? (max(0, lower ?? 0), min(1, upper ?? 1)) : (lower, upper)
        columns.append(Column(name: name, kind: kind, lower: bounds.0, upper: bounds.1, objective: objective))
        return Variable(index: columns.count - 1)
    }

    /// Adds `lower ≤ Σ coefficient·variable ≤ upper` (either side may be absent).
    public mutating func addConstraint(
        _ name: String, _ terms: [(Variable, Double)], lower: Double? = nil, upper: Double? = nil
    ) {
        rows.append(Row(name: name, terms: terms.map { (variable: $0.0, coefficient: $0.1) }, lower: lower, upper: upper))
    }

    public mutating func setObjective(_ variable: Variable, _ coefficient: Double) {
        columns[variable.index].objective = coefficient
    }

    /// The LP relaxation: every variable continuous within its bounds (a binary one in [0, 1]).
    /// Its optimum bounds the model's (from above when maximising).
    public func relaxed() -> Model {
        var relaxation = self
        for k in relaxation.columns.indices { relaxation.columns[k].kind = .continuous }
        return relaxation
    }

    public var hasIntegerVariables: Bool { columns.contains { $0.kind != .continuous } }
    public var nonZeroCount: Int { rows.reduce(0) { $0 + $1.terms.count } }

    /// Evaluates the objective at `values` (one per variable).
    public func objectiveValue(_ values: [Double]) -> Double {
        var total = objectiveConstant
        for (column, value) in zip(columns, values) { total += column.objective * value }
        return total
    }

    /// Whether `values` (one per variable) keep every bound, row and integrality within `tolerance`:
    /// GLPK takes a solution offered to its search on trust (`glp_ios_heur_sol` checks nothing).
    public func isFeasible(_ values: [Double], tolerance: Double = 1e-6) -> Bool {
        guard values.count == columns.count else { return false }
        for (column, value) in zip(columns, values) {
            guard value.isFinite else { return false }
            if let lower = column.lower, value < lower - tolerance { return false }
            if let upper = column.upper, value > upper + tolerance { return false }
            if column.kind != .continuous, abs(value - value.rounded()) > tolerance { return false }
        }
        for row in rows {
            let total = row.terms.reduce(0.0) { $0 + $1.coefficient * values[$1.variable.index] }
            if let lower = row.lower, total < lower - tolerance * max(1, abs(lower)) { return false }
            if let upper = row.upper, total > upper + tolerance * max(1, abs(upper)) { return false }
        }
        return true
    }
}

/// Why a model could not be handed to GLPK. GLPK aborts the whole process on such input,
/// so every one of these is caught in Swift first.
public enum ModelError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case tooLarge(what: String, count: Int)
    case notFinite(where: String)
    case crossedBounds(where: String, lower: Double, upper: Double)
    case unknownVariable(row: String, index: Int)
    case duplicateTerm(row: String, variable: String)
    case incumbentSize(expected: Int, got: Int)
    case basisSize(rows: Int, columns: Int)

    public var description: String {
        switch self {
        case .empty: return "the model has no variables"
        case let .tooLarge(what, count): return "the model has \(count) \(what), more than GLPK can index"
        case let .notFinite(place): return "a value in \(place) is not a finite number"
        case let .crossedBounds(place, lower, upper): return "\(place) has lower bound \(lower) above upper bound \(upper)"
        case let .unknownVariable(row, index): return "row \(row) uses variable #\(index), which does not exist"
        case let .duplicateTerm(row, variable): return "row \(row) names variable \(variable) twice"
        case let .incumbentSize(expected, got): return "the starting solution has \(got) values for \(expected) variables"
        case let .basisSize(a, b): return "the starting basis does not fit the model (\(a) against \(b))"
        }
    }
}

extension Model {
    /// Checks everything GLPK would abort on: counts, indices, duplicates, finiteness, bounds.
    public func validate() throws(ModelError) {
        guard !columns.isEmpty else { throw .empty }
        let limit = Int(Int32.max) - 1
        guard columns.count < limit else { throw .tooLarge(what: "variables", count: columns.count) }
        guard rows.count < limit else { throw .tooLarge(what: "constraints", count: rows.count) }
        guard nonZeroCount < limit else { throw .tooLarge(what: "non-zero coefficients", count: nonZeroCount) }
        guard objectiveConstant.isFinite else { throw .notFinite(where: "the objective constant") }
        for column in columns {
            guard column.objective.isFinite else { throw .notFinite(where: "the objective of \(column.name)") }
            try Self.checkBounds(column.lower, column.upper, place: "variable \(column.name)")
        }
        var seen = [Int32](repeating: -1, count: columns.count)
        for (r, row) in rows.enumerated() {
            try Self.checkBounds(row.lower, row.upper, place: "constraint \(row.name)")
            for term in row.terms {
                guard term.variable.index >= 0, term.variable.index < columns.count else {
                    throw .unknownVariable(row: row.name, index: term.variable.index)
                }
                guard term.coefficient.isFinite else { throw .notFinite(where: "constraint \(row.name)") }
                guard seen[term.variable.index] != Int32(r) else {
                    throw .duplicateTerm(row: row.name, variable: columns[term.variable.index].name)
                }
                seen[term.variable.index] = Int32(r)
            }
        }
    }

    private static func checkBounds(_ lower: Double?, _ upper: Double?, place: String) throws(ModelError) {
        if let lower, !lower.isFinite { throw .notFinite(where: "the lower bound of \(place)") }
        if let upper, !upper.isFinite { throw .notFinite(where: "the upper bound of \(place)") }
        if let lower, let upper, lower > upper { throw .crossedBounds(where: place, lower: lower, upper: upper) }
    }
}
