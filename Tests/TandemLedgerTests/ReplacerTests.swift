import Testing
@testable import TandemLedger

/// `Replacer` against a plain scan (at each position, the longest pattern that matches there) on
/// random texts and patterns over a small alphabet, where overlaps and shared prefixes are common.
struct ReplacerTests {
    static func naive(_ text: String, _ pairs: [(String, String)]) -> String {
        let bytes = Array(text.utf8).map(Replacer.fold)
        let raw = Array(text.utf8)
        let patterns = pairs.filter { !$0.0.isEmpty }.map { (Array($0.0.utf8).map(Replacer.fold), Array($0.1.utf8)) }
        var out: [UInt8] = [], i = 0
        while i < bytes.count {
            let best = patterns.filter { i + $0.0.count <= bytes.count && Array(bytes[i..<(i + $0.0.count)]) == $0.0 }
                .max { $0.0.count < $1.0.count }
            if let best { out += best.1; i += best.0.count } else { out.append(raw[i]); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func matchesAPlainScan() {
        var seed: UInt64 = 42
        func random(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let alphabet = Array("abAB@. ")
        func word(_ length: Int) -> String { String((0..<length).map { _ in alphabet[random(alphabet.count)] }) }
        for _ in 0..<2000 {
            let pairs = (0..<(1 + random(5))).map { _ in (word(1 + random(4)), "<\(random(10))>") }
            let text = word(random(30))
            #expect(Replacer(pairs).apply(text) == Self.naive(text, pairs), "\(pairs) in '\(text)'")
        }
    }

    @Test func addressesAndNamesInJSONAndPaths() {
        let replacer = Replacer([("ann.lee@example.org", "forgotten-3@forgotten.invalid"), ("Ann Lee", "Forgotten person 3")])
        #expect(replacer.apply(#"{"email":"Ann.Lee@Example.org","name":"Ann Lee"}"#)
                == #"{"email":"forgotten-3@forgotten.invalid","name":"Forgotten person 3"}"#)
        #expect(replacer.apply("/r/outbox/ann.lee@example.org.eml") == "/r/outbox/forgotten-3@forgotten.invalid.eml")
        #expect(replacer.apply("Joanne Leeds") == "Joanne Leeds")
    }
}
