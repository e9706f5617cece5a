import TandemTestSupport
import Testing
import TandemModel
@testable import TandemIngest

/// Thousands of damaged exports: none may crash or hang, and no record may be lost.
@Suite struct FuzzTests {
    static let seedText: String = {
        var lines = [header]
        for i in 0 ..< 12 {
            lines.append(row([10: i % 3 == 0 ? "Multi\nline, \"quoted\"" : "ok", 8: "Team dynamics, 3D imaging, scanning and printing"],
                             email: "p\(i % 9)@example.org", when: "2026/10/\(String(format: "%02d", i + 1)) 4:12:55 PM GMT+1"))
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static func mutate(_ base: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var b = base
        for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
            guard !b.isEmpty else { b = [UInt8(ascii: "\"")]; continue }
            let at = Int.random(in: 0 ..< b.count, using: &rng)
            switch Int.random(in: 0 ..< 9, using: &rng) {
            case 0: b = Array(b[..<at])                                                  // truncate
            case 1: b[at] = UInt8.random(in: 0 ... 255, using: &rng)                     // random byte
            case 2: b.insert(UInt8(ascii: "\""), at: at)                                 // stray quote
            case 3: b.insert(contentsOf: Array(repeating: UInt8(ascii: "x"), count: Int.random(in: 100 ... 20_000, using: &rng)), at: at) // huge field
            case 4: if let i = b[at...].firstIndex(where: { $0 == UInt8(ascii: ",") }) { b.remove(at: i) } // deleted delimiter
            case 5: b.insert(contentsOf: [13, 13, 10, 59, 9], at: at)                    // odd line ends and delimiters
            case 6: b.removeSubrange(at ..< min(b.count, at + Int.random(in: 1 ... 200, using: &rng)))
            case 7: b.insert(contentsOf: [0xC3, 0x28, 0xE2, 0x82], at: at)               // invalid UTF-8
            default: b.insert(contentsOf: Array(repeating: UInt8(ascii: "\""), count: Int.random(in: 1 ... 5, using: &rng)), at: at)
            }
        }
        return b
    }

    @Test func mutatedExportsNeverCrashOrLoseRecords() {
        var rng = SeededGenerator(seed: 20_261_003)
        let base = Array(Self.seedText.utf8)
        let clean = FormReader.read(base, file: "f.csv", config: FormConfig())
        #expect(clean.recordCount == 12 && clean.applicants.count == 9 && clean.duplicateResponses == 3)
        var withErrors = 0
        for _ in 0 ..< 2000 {
            let bytes = Self.mutate(base, &rng)
            let r = FormReader.read(bytes, file: "f.csv", config: FormConfig())
            #expect(r.applicants.count + r.duplicateResponses + r.rejected.count == r.recordCount)
            #expect(Set(r.applicants.map(\.email.key)).count == r.applicants.count)
            #expect(r.diagnostics.allSatisfy { $0.file == "f.csv" })
            if r.hasErrors { withErrors += 1 }
        }
        #expect(withErrors > 100)
    }

    @Test func pureNoiseIsReadWithoutCrashing() {
        var rng = SeededGenerator(seed: 7)
        for size in [0, 1, 2, 3, 10, 100, 1000, 20_000] {
            for _ in 0 ..< 20 {
                let bytes = (0 ..< size).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
                let r = FormReader.read(bytes, file: "n.csv", config: FormConfig())
                #expect(r.applicants.count + r.duplicateResponses + r.rejected.count == r.recordCount)
            }
        }
        // A file of nothing but quotes and delimiters.
        let quotes = Array(repeating: UInt8(ascii: "\""), count: 100_001) + Array(repeating: UInt8(ascii: ","), count: 1000)
        _ = FormReader.read(quotes, file: "q.csv", config: FormConfig())
    }
}
