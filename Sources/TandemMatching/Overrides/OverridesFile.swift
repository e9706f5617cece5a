import TandemModel

/// The coordinator's overrides file: pairs that must be made and pairs that must never be made.
///
/// A small CSV edited in a spreadsheet (see `data/overrides.example.csv`):
///
///     rule,senior,junior,note
///     must,ann.lee@example.org,ben.ho@example.org,asked for each other at the conference
///     never,cara@example.org,dan@example.org,line manager
///
/// - `rule` is `must` (the pair is made whatever the scores) or `never` (the two are never paired;
///   for `never` the two e-mails may be given in either order);
/// - e-mails are compared as in the applications (case and surrounding spaces ignored);
/// - `note` is free text for the coordinator and is not read;
/// - lines starting with `#` and blank lines are ignored; a byte-order mark, CRLF line ends and `;`
///   (or tab) as the delimiter, as a spreadsheet in a European locale writes, are accepted.
///
/// Every line that cannot be used is reported as `FILE:LINE:COLUMN: error: …` with the fix, and is
/// left out; the other lines still count, so one mistake shows every other mistake too.
public enum OverridesFile {
    public static let header = ["rule", "senior", "junior", "note"]

    public static func parse(_ text: String, file: String) -> (Overrides, [Diagnostic]) {
        var parser = Parser(file: file)
        parser.run(text)
        return (parser.overrides, parser.diagnostics)
    }

    /// One record of the file: its cells and the physical line where it starts.
    public struct Record: Sendable {
        public var line: Int
        public var cells: [String]
    }

    /// Splits the text into records, honouring quotes (a note may hold the delimiter or a line
    /// break); comment lines and blank lines outside quotes are dropped. The delimiter is the one
    /// the first record uses most: `,`, `;` or tab. Shared with the other small CSV files a coordinator
    /// edits (`tandem objectives --csv`).
    public static func records(_ text: String) -> [Record] {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var delimiter: Character?
        var result: [Record] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var start = 0
        for (offset, line) in lines.enumerated() {
            if !quoted {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                if trimmed.isEmpty || trimmed.first == "#" { continue }
                start = offset + 1
                if delimiter == nil { delimiter = guessDelimiter(line) }
            } else {
                cell.append("\n")
            }
            let separator = delimiter ?? ","
            var chars = line.makeIterator()
            var previousWasQuote = false
            while let ch = chars.next() {
                if quoted {
                    if ch == "\"" {
                        quoted = false
                        previousWasQuote = true
                        continue
                    }
                    cell.append(ch)
                } else if ch == "\"" {
                    // `""` inside a quoted cell is a quote; a quote opening a cell starts quoting.
                    if previousWasQuote { cell.append("\"") }
                    if previousWasQuote || cell.trimmingWhitespace().isEmpty { quoted = true } else { cell.append(ch) }
                } else if ch == separator {
                    cells.append(cell)
                    cell = ""
                } else {
                    cell.append(ch)
                }
                previousWasQuote = false
            }
            if !quoted {
                cells.append(cell)
                cell = ""
                result.append(Record(line: start, cells: cells))
                cells = []
            }
        }
        if quoted { // an unclosed quote: keep what there is, the checks will report it
            cells.append(cell)
            result.append(Record(line: start, cells: cells))
        }
        return result
    }

    private static func guessDelimiter(_ line: Substring) -> Character {
        let counts = [",", ";", "\t"].map { d in (d, line.filter { String($0) == d }.count) }
        let best = counts.max { $0.1 < $1.1 }!
        return best.1 == 0 ? "," : Character(best.0)
    }

    private struct Parser {
        let file: String
        var overrides = Overrides()
        var diagnostics: [Diagnostic] = []
        /// Where each accepted pair came from, to point at the earlier line in a clash.
        var mustLine: [String: Int] = [:]          // "senior|junior"
        var neverLine: [String: Int] = [:]         // unordered "a|b"
        var juniorOfMust: [String: (line: Int, senior: String)] = [:]
        var seniorOfMust: [String: Int] = [:]

        init(file: String) { self.file = file }

        mutating func error(_ line: Int, _ column: String?, _ message: String) {
            diagnostics.append(Diagnostic(.error, file: file, line: line, column: column, message: message))
        }

        mutating func warning(_ line: Int, _ column: String?, _ message: String) {
            diagnostics.append(Diagnostic(.warning, file: file, line: line, column: column, message: message))
        }

        mutating func run(_ text: String) {
            var records = OverridesFile.records(text)
            guard let first = records.first else { return } // an empty file: no overrides
            // Column positions from the header; without one, the documented order.
            var names = OverridesFile.header
            var position: [String: Int] = [:]
            let firstCells = first.cells.map { $0.trimmingWhitespace().lowercased() }
            if firstCells.contains("rule") || firstCells.contains("senior") || firstCells.contains("junior") {
                records.removeFirst()
                names = first.cells.map { $0.trimmingWhitespace() }
                for (i, name) in firstCells.enumerated() where position[name] == nil { position[name] = i }
                let missing = ["rule", "senior", "junior"].filter { position[$0] == nil }
                if !missing.isEmpty {
                    error(first.line, nil, "the header lacks \(missing.joined(separator: ", ")); the first line must be: rule,senior,junior,note")
                    return
                }
            } else {
                warning(first.line, nil, "no header line; reading the columns as rule,senior,junior,note (add that line at the top to silence this)")
                for (i, name) in OverridesFile.header.enumerated() { position[name] = i }
            }
            for record in records {
                let cells = record.cells
                func cell(_ name: String) -> String {
                    let i = position[name]!
                    return i < cells.count ? cells[i].trimmingWhitespace() : ""
                }
                func column(_ name: String) -> String {
                    let i = position[name]!
                    return i < names.count ? names[i] : name
                }
                // A spreadsheet writes ",,," for a row it thinks is used: nothing to read.
                if cells.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
                read(record.line, rule: cell("rule"), senior: cell("senior"), junior: cell("junior"), column: column)
            }
        }

        mutating func read(_ line: Int, rule rawRule: String, senior rawSenior: String, junior rawJunior: String,
                           column: (String) -> String) {
            let rule = rawRule.lowercased()
            var ok = true
            switch rule {
            case "must", "never": break
            case "":
                error(line, column("rule"), "the rule is empty; write must (the pair must be made) or never (the two must never be paired)")
                ok = false
            default:
                error(line, column("rule"), "unknown rule '\(rawRule)'; write must (the pair must be made) or never (the two must never be paired)")
                ok = false
            }
            let senior = EmailAddress(rawSenior), junior = EmailAddress(rawJunior)
            for (name, address) in [("senior", senior), ("junior", junior)] {
                if address.text.isEmpty {
                    error(line, column(name), "the \(name) e-mail is empty; give the e-mail address as in the applications export")
                    ok = false
                } else if !address.isWellFormed {
                    error(line, column(name), "'\(address.text)' is not an e-mail address; give one address as in the applications export, such as ann.lee@example.org")
                    ok = false
                }
            }
            guard ok else { return }
            if senior.key == junior.key {
                error(line, column("junior"), "\(senior.text) is given twice; a pair needs two different people")
                return
            }
            let unordered = [senior.key, junior.key].sorted().joined(separator: "|")
            if rule == "never" {
                if let earlier = neverLine[unordered] {
                    warning(line, column("rule"), "the same never-pair is already on line \(earlier); this line is ignored (delete it)")
                    return
                }
                if let earlier = mustLine[Pool.pairKey(senior: senior.key, junior: junior.key)]
                    ?? mustLine[Pool.pairKey(senior: junior.key, junior: senior.key)] {
                    error(line, column("rule"), "\(senior.text) and \(junior.text) are also a must-pair on line \(earlier); keep only one of the two lines")
                    return
                }
                neverLine[unordered] = line
                overrides.neverPair.insert([senior.key, junior.key])
                overrides.neverPairSources.append(.init(file: file, line: line, people: [
                    (senior.key, senior.text, column("senior")), (junior.key, junior.text, column("junior"))]))
                return
            }
            let key = Pool.pairKey(senior: senior.key, junior: junior.key)
            if let earlier = mustLine[key] {
                warning(line, column("rule"), "the same must-pair is already on line \(earlier); this line is ignored (delete it)")
                return
            }
            if let earlier = neverLine[unordered] {
                error(line, column("rule"), "\(senior.text) and \(junior.text) are also a never-pair on line \(earlier); keep only one of the two lines")
                return
            }
            if let other = juniorOfMust[junior.key] {
                error(line, column("junior"), "\(junior.text) is already the junior of a must-pair with \(other.senior) on line \(other.line); a junior has one senior, so keep one of the two lines")
                return
            }
            if let other = juniorOfMust[senior.key] {
                error(line, column("senior"), "\(senior.text) is the junior of a must-pair on line \(other.line), so cannot also be a senior; keep one of the two lines")
                return
            }
            if let earlier = seniorOfMust[junior.key] {
                error(line, column("junior"), "\(junior.text) is the senior of a must-pair on line \(earlier), so cannot also be a junior; keep one of the two lines")
                return
            }
            mustLine[key] = line
            juniorOfMust[junior.key] = (line, senior.text)
            if seniorOfMust[senior.key] == nil { seniorOfMust[senior.key] = line }
            overrides.mustPair.append((senior: senior.key, junior: junior.key))
        }
    }
}
