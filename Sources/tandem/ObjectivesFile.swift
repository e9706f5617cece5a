import TandemIngest
import TandemLedger
import TandemMatching
import TandemModel

/// `tandem objectives --csv FILE`: the objectives several pairs agreed, as a coordinator collects
/// them in a spreadsheet — columns `senior,junior,objectives` (any order, a header line first).
///
/// Read whole before anything is recorded: every line that cannot be used is reported as
/// `FILE:LINE:COLUMN: error: …` with the fix, and then nothing is recorded, so a mistake never leaves
/// half the file in the ledger.
enum ObjectivesFile {
    static let columns = ["senior", "junior", "objectives"]

    static func read(_ text: String, file: String) -> (entries: [AgreedObjectives], problems: [Diagnostic]) {
        var records = OverridesFile.records(text)
        guard !records.isEmpty else {
            return ([], [Diagnostic(.error, file: file, line: 1, message: "the file is empty; write a header line senior,junior,objectives and a line per pair")])
        }
        let header = records.removeFirst()
        let names = header.cells.map { $0.trimmingWhitespace().lowercased() }
        var position: [String: Int] = [:]
        for name in columns { position[name] = names.firstIndex(of: name) }
        let missing = columns.filter { position[$0] == nil }
        guard missing.isEmpty else {
            return ([], [Diagnostic(.error, file: file, line: header.line, column: "1",
                                    message: "the header line needs the columns senior,junior,objectives; \(missing.joined(separator: ", ")) is missing")])
        }
        var entries: [AgreedObjectives] = [], problems: [Diagnostic] = []
        var seen: [String: Int] = [:]
        for record in records where !record.cells.allSatisfy({ $0.trimmingWhitespace().isEmpty }) {
            func cell(_ name: String) -> String {
                let i = position[name]!
                return i < record.cells.count ? record.cells[i].trimmingWhitespace() : ""
            }
            func error(_ name: String, _ message: String) {
                problems.append(Diagnostic(.error, file: file, line: record.line, column: name, message: message))
            }
            let (senior, junior, text) = (cell("senior"), cell("junior"), cell("objectives"))
            var usable = true
            for (name, address) in [("senior", senior), ("junior", junior)] where !EmailAddress(address).isWellFormed {
                error(name, address.isEmpty ? "the \(name) e-mail is empty; give the address as in the applications export"
                      : "'\(address)' is not an e-mail address; give one address as in the applications export")
                usable = false
            }
            if text.isEmpty { error("objectives", "no objectives given; write what the pair agreed, or delete the line"); usable = false }
            if text.count > AnswerLimits.long {
                error("objectives", "\(text.count) characters; keep the objectives to \(AnswerLimits.long)")
                usable = false
            }
            let key = EmailAddress(senior).key + "|" + EmailAddress(junior).key
            if let earlier = seen[key] {
                error("senior", "the pair is also on line \(earlier); keep one line per pair")
                usable = false
            }
            seen[key] = seen[key] ?? record.line
            if usable { entries.append(AgreedObjectives(senior: senior, junior: junior, text: text, where: "\(file):\(record.line)")) }
        }
        return (entries, problems)
    }
}
