import TandemModel

/// Bank holidays from a file in `data/holidays/` (such as `england-and-wales.txt`).
///
/// Format, one holiday a line: `YYYY-MM-DD`, a tab or spaces, then the holiday's name.
/// `#` starts a comment; blank lines are ignored. A date listed twice is an error (it is
/// almost always a typing mistake in one of the two lines).
public enum HolidayCalendar {
    /// A line of a holiday file that cannot be read.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var message: String

        public var description: String { "\(file):\(line): error: \(message)" }
    }

    /// The holidays by date. `file` only names the file in errors.
    public static func parse(_ text: String, file: String) throws(ParseError) -> [LocalDate: String] {
        var holidays: [LocalDate: String] = [:]
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(rawLine)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = String(line).trimmingWhitespace()
            if trimmed.isEmpty { continue }
            let dateText = String(trimmed.prefix { !$0.isWhitespace })
            let name = String(trimmed.dropFirst(dateText.count)).trimmingWhitespace()
            guard let date = LocalDate(iso: dateText) else {
                throw ParseError(file: file, line: number, message: "'\(dateText)' is not a date written YYYY-MM-DD")
            }
            guard !name.isEmpty else {
                throw ParseError(file: file, line: number, message: "the holiday on \(date) has no name")
            }
            if let earlier = holidays[date] {
                throw ParseError(file: file, line: number, message: "\(date) is listed twice (also as '\(earlier)')")
            }
            holidays[date] = name
        }
        return holidays
    }
}
