import Foundation
import Testing

/// Functions a newcomer can read on one screen: none in `Sources/TandemMatching` or
/// `Sources/TandemPipeline` longer than `limit` lines (issue 39). The functions still over it are
/// listed with their length today; a new long function, or a listed one growing, fails, and a listed
/// one brought under the limit must leave the list — so the list only shrinks.
struct FunctionLengthTests {
    static let limit = 80

    /// "File.swift name" → its length when it was listed. To be split into named steps.
    static let stillTooLong: [String: Int] = [:]

    @Test func noFunctionGrowsPastOneScreen() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var found: [String: Int] = [:]
        for folder in ["Sources/TandemMatching", "Sources/TandemPipeline"] {
            let base = root.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            try #require(!files.isEmpty, "no sources under \(base.path)")
            for file in files {
                let text = try String(contentsOf: base.appendingPathComponent(file), encoding: .utf8)
                for function in Self.functions(in: text) where function.lines > Self.limit {
                    let key = "\(URL(fileURLWithPath: file).lastPathComponent) \(function.name)"
                    found[key] = max(found[key] ?? 0, function.lines)
                }
            }
        }
        for (key, lines) in found.sorted(by: { $0.key < $1.key }) {
            if let allowed = Self.stillTooLong[key] {
                #expect(lines <= allowed, "\(key) grew to \(lines) lines (listed at \(allowed)); split it into named steps")
            } else {
                #expect(Bool(false), "\(key) is \(lines) lines, over \(Self.limit): split it into named steps")
            }
        }
        for key in Self.stillTooLong.keys.sorted() where found[key] == nil {
            #expect(Bool(false), "\(key) is now within \(Self.limit) lines: remove it from stillTooLong")
        }
    }

    /// Each `func` and `init` with the lines from its declaration to its closing brace; strings and
    /// comments are blanked first, so braces inside them do not count.
    static func functions(in source: String) -> [(name: String, lines: Int)] {
        let code = Array(blanked(source))
        var out: [(String, Int)] = []
        var k = 0
        while k < code.count {
            guard let (name, after) = declaration(code, at: k) else { k += 1; continue }
            guard let open = code[after...].firstIndex(where: { $0 == "{" || $0 == "}" }), code[open] == "{" else { k = after; continue }
            var depth = 0, close = open
            for j in open..<code.count {
                if code[j] == "{" { depth += 1 } else if code[j] == "}" { depth -= 1; if depth == 0 { close = j; break } }
            }
            let lines = code[k...close].filter { $0 == "\n" }.count + 1
            out.append((name, lines))
            k = after
        }
        return out
    }

    /// `func name` or `init(` / `init?(` / `init<` starting at `k` (not `.init(`), its name and where to look for the body.
    static func declaration(_ code: [Character], at k: Int) -> (String, Int)? {
        func word(_ w: String, at i: Int) -> Bool {
            let chars = Array(w)
            guard i + chars.count <= code.count, Array(code[i..<i + chars.count]) == chars else { return false }
            return i == 0 || !(code[i - 1].isLetter || code[i - 1].isNumber || code[i - 1] == "_" || code[i - 1] == ".")
        }
        if word("func", at: k), k + 4 < code.count, code[k + 4].isWhitespace {
            var i = k + 4
            while i < code.count && code[i].isWhitespace { i += 1 }
            var name = ""
            while i < code.count && !code[i].isWhitespace && code[i] != "(" && code[i] != "<" { name.append(code[i]); i += 1 }
            return (name, i)
        }
        if word("init", at: k) {
            var i = k + 4
            if i < code.count && (code[i] == "?" || code[i] == "!") { i += 1 }
            if i < code.count && (code[i] == "(" || code[i] == "<") { return ("init", i) }
        }
        return nil
    }

    /// The source with string literals and comments replaced by spaces (line breaks kept).
    static func blanked(_ source: String) -> String {
        let s = Array(source)
        var out: [Character] = []
        out.reserveCapacity(s.count)
        var i = 0
        func starts(_ text: String) -> Bool { let t = Array(text); return i + t.count <= s.count && Array(s[i..<i + t.count]) == t }
        while i < s.count {
            if starts("\"\"\"") {
                out += "   "; i += 3
                while i < s.count && !starts("\"\"\"") { out.append(s[i] == "\n" ? "\n" : " "); i += 1 }
                out += "   "; i += 3
            } else if starts("//") {
                while i < s.count && s[i] != "\n" { out.append(" "); i += 1 }
            } else if starts("/*") {
                while i < s.count && !starts("*/") { out.append(s[i] == "\n" ? "\n" : " "); i += 1 }
                out += "  "; i += 2
            } else if s[i] == "\"" {
                out.append(" "); i += 1
                while i < s.count && s[i] != "\"" && s[i] != "\n" {
                    if s[i] == "\\" { out.append(" "); i += 1 }
                    if i < s.count { out.append(" "); i += 1 }
                }
                out.append(" "); i += 1
            } else {
                out.append(s[i]); i += 1
            }
        }
        return String(out)
    }
}
