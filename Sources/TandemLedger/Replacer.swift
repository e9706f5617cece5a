/// Replaces many words in a text at once (Aho–Corasick over UTF-8 bytes, ASCII letters compared
/// without regard to case): the time to rewrite a value grows with its length, not with the number of
/// people being erased — `keep_months` may erase thousands in one pass over a large ledger, where one
/// search per person and value took hours.
///
/// Where matches overlap, the one that starts first wins, and of those the longest.
struct Replacer {
    private var next: [[UInt8: Int]] = [[:]]
    private var fail: [Int] = [0]
    /// At each state: every pattern ending there, its own and those of its suffixes.
    private var outputs: [[Int]] = [[]]
    private let patterns: [[UInt8]]
    private let replacements: [[UInt8]]

    init(_ pairs: [(String, String)]) {
        let kept = pairs.filter { !$0.0.isEmpty }
        patterns = kept.map { Array($0.0.utf8).map(Self.fold) }
        replacements = kept.map { Array($0.1.utf8) }
        for (index, pattern) in patterns.enumerated() {
            var state = 0
            for byte in pattern {
                if let to = next[state][byte] { state = to; continue }
                next.append([:]); fail.append(0); outputs.append([])
                next[state][byte] = next.count - 1
                state = next.count - 1
            }
            outputs[state].append(index)
        }
        var queue = Array(next[0].values), head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for (byte, child) in next[state] {
                var f = fail[state]
                while f != 0 && next[f][byte] == nil { f = fail[f] }
                let link = next[f][byte] ?? 0
                fail[child] = link == child ? 0 : link
                outputs[child] += outputs[fail[child]]
                queue.append(child)
            }
        }
    }

    static func fold(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte + 32 : byte }

    /// `text` with every pattern replaced.
    func apply(_ text: String) -> String {
        guard !patterns.isEmpty else { return text }
        let bytes = Array(text.utf8)
        // Every match as (start, pattern), then the leftmost-longest ones that do not overlap.
        var matches: [(start: Int, pattern: Int)] = []
        var state = 0
        for (i, raw) in bytes.enumerated() {
            let byte = Self.fold(raw)
            while state != 0 && next[state][byte] == nil { state = fail[state] }
            state = next[state][byte] ?? 0
            for p in outputs[state] { matches.append((i + 1 - patterns[p].count, p)) }
        }
        guard !matches.isEmpty else { return text }
        matches.sort { ($0.start, -patterns[$0.pattern].count) < ($1.start, -patterns[$1.pattern].count) }
        var out: [UInt8] = [], position = 0
        for match in matches where match.start >= position {
            out += bytes[position..<match.start]
            out += replacements[match.pattern]
            position = match.start + patterns[match.pattern].count
        }
        out += bytes[position...]
        return String(decoding: out, as: UTF8.self)
    }
}
