import Testing
@testable import TandemModel

/// E-mail syntax as mail systems check it, and control characters made visible.
@Suite struct TextTests {
    @Test func addressesMailSystemsAcceptPass() {
        let longest = String(repeating: "m", count: 64) + "@" + String(repeating: "d", count: 63) + "."
            + String(repeating: "d", count: 63) + "." + String(repeating: "d", count: 57) + ".org"
        #expect(longest.utf8.count == 254)
        for address in [longest, "jo.bloggs@nhs.net", "o'brien+mentoring@example.co.uk", "a@b.cd", "zoë@exämple.org",
                        "x_y-z{1}@sub-domain.example.org", "me@xn--80ak6aa92e.com"] {
            #expect(EmailAddress(address).syntaxProblem == nil, "\(address): \(EmailAddress(address).syntaxProblem ?? "")")
        }
    }

    @Test func eachKindOfBadAddressGetsItsReason() {
        let cases: [(String, String)] = [
            ("..@x.org", "may not start or end with a dot"),
            (".hidden@x.org", "may not start or end with a dot"),
            ("a.@x.org", "may not start or end with a dot"),
            ("a..b@x.org", "two dots in a row"),
            (String(repeating: "a", count: 65) + "@x.org", "65 characters long; at most 64"),
            (String(repeating: "a", count: 250) + "@x.org", "250 characters long; at most 64"),
            (String(repeating: "m", count: 64) + "@" + String(repeating: "d", count: 63) + "." + String(repeating: "d", count: 63)
                + "." + String(repeating: "d", count: 58) + ".org", "255 characters long; at most 254"),
            ("a@" + String(repeating: "d", count: 64) + ".org", "64 characters long; at most 63"),
            ("nul\u{0}x@x.org", "control character"),
            ("esc\u{1B}@x.org", "control character"),
            ("rlo\u{202E}@x.org", "control character"),
            ("a@@x.org", "more than one @"),
            ("a@b@x.org", "more than one @"),
            ("jo bloggs@x.org", "a space"),
            ("bob at example.org", "a space"),
            ("jo.bloggs@nhs", "needs a dot"),
            ("@x.org", "nothing before the @"),
            ("a@", "nothing after the @"),
            ("a@.x.org", "may not start or end with a dot"),
            ("a@x..org", "two dots in a row"),
            ("a@-x.org", "hyphen"),
            ("a@x.o", "top-level name"),
            ("a@x.123", "top-level name"),
            ("<a>@x.org", "holds '<'"),
            ("a\"b@x.org", "holds '\"'"),
            ("a@x_y.org", "holds '_'"),
        ]
        for (address, reason) in cases {
            let problem = EmailAddress(address).syntaxProblem
            #expect(problem?.contains(reason) == true, "\(address.debugDescription): \(problem ?? "accepted")")
        }
    }

    @Test func controlCharactersAreReplacedVisibly() {
        #expect(VisibleText.clean("Rebecca\u{1B}[31m Ng\u{07}") == "Rebecca\u{241B}[31m Ng\u{2407}")
        #expect(VisibleText.clean("a\u{0}b\u{7F}c") == "a\u{2400}b\u{2421}c")
        #expect(VisibleText.clean("c1\u{85}x\u{9B}y") == "c1\u{FFFD}x\u{FFFD}y")
        #expect(VisibleText.clean("evil\u{202E}txt.exe\u{2066}") == "evil\u{FFFD}txt.exe\u{FFFD}")
        #expect(VisibleText.clean("one\r\ntwo") == "one\u{240D}\u{240A}two")
        #expect(VisibleText.clean("one\r\ntwo\nthree\rfour\u{2028}five\u{85}six", keepingLineBreaks: true) == "one\ntwo\nthree\nfour\nfive\nsix")
        #expect(VisibleText.clean("tab\there") == "tab here")
        let plain = "Zoë Ó Súilleabháin — 3D imaging, scanning and printing"
        #expect(VisibleText.clean(plain) == plain)
        #expect(!VisibleText.needsCleaning(plain))
    }

    @Test func cleanTextHasNothingLeftToCleanForAnyScalar() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &rng) {
                // Mostly the interesting ranges, sometimes any plane.
                let pick = Int.random(in: 0..<4, using: &rng)
                let value: UInt32 = pick == 0 ? UInt32.random(in: 0...0xA0, using: &rng)
                    : pick == 1 ? UInt32.random(in: 0x2000...0x2070, using: &rng) : UInt32.random(in: 0...0x10FFFF, using: &rng)
                if let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
            }
            let text = String(scalars)
            for keep in [false, true] {
                let cleaned = VisibleText.clean(text, keepingLineBreaks: keep)
                #expect(!VisibleText.needsCleaning(cleaned, keepingLineBreaks: keep), "\(text.debugDescription)")
                #expect(VisibleText.clean(cleaned, keepingLineBreaks: keep) == cleaned)
                #expect(!cleaned.unicodeScalars.contains { $0.value < 0x20 && !(keep && $0 == "\n") })
            }
        }
    }
}
