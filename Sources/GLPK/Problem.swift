import CGLPK
import Foundation

/// Owns one `glp_prob`, in the spirit of GRDB's `Statement`: made from a validated `Model`,
/// freed in `deinit`, used on the one thread that made it (GLPK keeps its state per thread).
final class Problem {
    let pointer: OpaquePointer

    /// Loads a model that has passed `Model.validate()`; nothing here can make GLPK abort.
    init(_ model: Model) {
        pointer = glp_create_prob()
        glp_set_prob_name(pointer, GLPKName.make(model.name, fallback: "model"))
        glp_set_obj_dir(pointer, model.sense == .maximize ? GLP_MAX : GLP_MIN)
        glp_set_obj_coef(pointer, 0, model.objectiveConstant)

        var names = GLPKName.Unique()
        glp_add_cols(pointer, Int32(model.columns.count))
        for (i, column) in model.columns.enumerated() {
            let j = Int32(i + 1)
            // Unnamed columns save time on large models nobody reads; the LP writer numbers them.
            if !column.name.isEmpty { glp_set_col_name(pointer, j, names.make(column.name, fallback: "x\(j)")) }
            switch column.kind {
            case .continuous: glp_set_col_kind(pointer, j, GLP_CV)
            case .integer: glp_set_col_kind(pointer, j, GLP_IV)
            case .binary where column.lower == 0 && column.upper == 1: glp_set_col_kind(pointer, j, GLP_BV)
            case .binary: glp_set_col_kind(pointer, j, GLP_IV) // fixed at 0 or 1: bounds below
            }
            if !(column.kind == .binary && column.lower == 0 && column.upper == 1) {
                let (type, lower, upper) = Self.bounds(column.lower, column.upper)
                glp_set_col_bnds(pointer, j, type, lower, upper)
            }
            glp_set_obj_coef(pointer, j, column.objective)
        }

        names = GLPKName.Unique()
        if !model.rows.isEmpty {
            glp_add_rows(pointer, Int32(model.rows.count))
        }
        let nonZeros = model.nonZeroCount
        var ia = [Int32](repeating: 0, count: nonZeros + 1)
        var ja = [Int32](repeating: 0, count: nonZeros + 1)
        var ar = [Double](repeating: 0, count: nonZeros + 1)
        var k = 1
        for (r, row) in model.rows.enumerated() {
            let i = Int32(r + 1)
            if !row.name.isEmpty { glp_set_row_name(pointer, i, names.make(row.name, fallback: "r\(i)")) }
            let (type, lower, upper) = Self.bounds(row.lower, row.upper)
            glp_set_row_bnds(pointer, i, type, lower, upper)
            for term in row.terms {
                ia[k] = i
                ja[k] = Int32(term.variable.index + 1)
                ar[k] = term.coefficient
                k += 1
            }
        }
        if nonZeros > 0 {
            glp_load_matrix(pointer, Int32(nonZeros), &ia, &ja, &ar)
        }
    }

    /// Sets every row's and column's basis status (`glp_set_row_stat` / `glp_set_col_stat`).
    func setBasis(_ basis: StartingBasis) {
        func code(_ status: StartingBasis.Status) -> Int32 {
            switch status {
            case .basic: return GLP_BS
            case .lower: return GLP_NL
            case .upper: return GLP_NU
            case .fixed: return GLP_NS
            case .free: return GLP_NF
            }
        }
        for (i, status) in basis.rows.enumerated() { glp_set_row_stat(pointer, Int32(i + 1), code(status)) }
        for (j, status) in basis.columns.enumerated() { glp_set_col_stat(pointer, Int32(j + 1), code(status)) }
    }

    /// Every row's and column's current basis status.
    func basis() -> StartingBasis {
        func status(_ code: Int32) -> StartingBasis.Status {
            switch code {
            case GLP_BS: return .basic
            case GLP_NU: return .upper
            case GLP_NS: return .fixed
            case GLP_NF: return .free
            default: return .lower
            }
        }
        let rows = Int(glp_get_num_rows(pointer)), columns = Int(glp_get_num_cols(pointer))
        return StartingBasis(rows: (0..<rows).map { status(glp_get_row_stat(pointer, Int32($0 + 1))) },
                             columns: (0..<columns).map { status(glp_get_col_stat(pointer, Int32($0 + 1))) })
    }

    deinit {
        glp_delete_prob(pointer)
    }

    private static func bounds(_ lower: Double?, _ upper: Double?) -> (Int32, Double, Double) {
        switch (lower, upper) {
        case (nil, nil): return (GLP_FR, 0, 0)
        case let (l?, nil): return (GLP_LO, l, 0)
        case let (nil, u?): return (GLP_UP, 0, u)
        case let (l?, u?): return l == u ? (GLP_FX, l, u) : (GLP_DB, l, u)
        }
    }

    /// Runs a GLPK routine that writes to a file name, and returns what it wrote.
    func writeToText(_ write: (OpaquePointer, String) -> Int32) -> String? {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tandem-glpk-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).txt").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard write(pointer, path) == 0, let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Names that GLPK and the CPLEX LP format accept: printable ASCII without spaces,
/// at most 255 characters (longer ones make GLPK abort), unique within the model.
enum GLPKName {
    /// The ASCII bytes a name may hold as they are; every other character becomes `_`.
    private static let allowed: [Bool] = (0..<128).map { byte in
        switch Unicode.Scalar(UInt8(byte)) {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", "(", ")", "[", "]", "{", "}", "@", "#", "!", "$", "%", "&", "~", "'", "|", "?", "/", ",", ";":
            return true
        default:
            return false
        }
    }

    static func make(_ raw: String, fallback: String) -> String {
        // Fast path (a model has a name per row and column): a name that is already valid.
        let valid = raw.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard let first = bytes.first, bytes.count <= maximumLength, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
                  first != UInt8(ascii: ".") else { return false }
            return bytes.allSatisfy { $0 < 128 && allowed[Int($0)] }
        }
        if valid == true { return raw }
        var out = ""
        for scalar in raw.unicodeScalars {
            if scalar.value < 128 && allowed[Int(scalar.value)] { out.unicodeScalars.append(scalar) } else { out.append("_") }
        }
        if out.isEmpty { out = fallback }
        // LP format: a name may not start with a digit or a period.
        if let first = out.first, first.isNumber || first == "." { out = "_" + out }
        if out.utf8.count > maximumLength { out = String(out.utf8.prefix(maximumLength))! }
        return out
    }

    /// Unique names within one model: a name met again gets `#2`, `#3`, … appended, its base cut
    /// short so that the whole stays within `make`'s 200 characters. Iterative, so a clash between
    /// names that only differed beyond the cut cannot recurse.
    struct Unique {
        private var used: Set<String> = []
        /// The last suffix number given to each base, so a base met many times is not rescanned from 2.
        private var lastSuffix: [String: Int] = [:]

        mutating func make(_ raw: String, fallback: String) -> String {
            let base = GLPKName.make(raw, fallback: fallback)
            if used.insert(base).inserted { return base }
            var number = lastSuffix[base] ?? 1
            while true {
                number += 1
                let suffix = "#\(number)"
                let name = String(base.utf8.prefix(maximumLength - suffix.utf8.count))! + suffix
                if used.insert(name).inserted {
                    lastSuffix[base] = number
                    return name
                }
            }
        }
    }

    /// GLPK aborts on names over 255 characters; 200 leaves room for the LP writer's own additions.
    static let maximumLength = 200
}
