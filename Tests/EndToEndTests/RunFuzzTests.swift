import Foundation
import TandemLedger
import Testing

/// The whole `tandem run`, not only the reader, on generated exports full of odd names and
/// e-mails (up to 1,000 characters, every Unicode plane, control characters, quotes, commas,
/// line breaks) with random flags of the right types, several months through one ledger: the
/// process always exits 0 or 1, never on a signal or a Swift trap, and the ledger passes SQLite's
/// integrity check after every month. `TANDEM_FUZZ_RUNS=3000 swift test --filter RunFuzzTests`
/// runs thousands; the suite runs a few dozen.
@Suite(.serialized) struct RunFuzzTests {
    typealias CLI = CommandLineTests

    static var runs: Int { Int(ProcessInfo.processInfo.environment["TANDEM_FUZZ_RUNS"] ?? "") ?? 36 }

    /// A character from one of the ranges that break naive code.
    static func oddScalar(_ rng: inout SeededRandom) -> Unicode.Scalar {
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x20...0x7E, 0x00...0x1F, 0x7F...0x9F, 0xA0...0x2FF, 0x300...0x36F, 0x590...0x6FF,
            0x2000...0x206F, 0x3040...0x30FF, 0x4E00...0x9FFF, 0xFE00...0xFFFF, 0x1F300...0x1FAFF, 0x20000...0x2A6DF,
            0xE0000...0xE007F, 0xF0000...0x10FFFF,
        ]
        let range = ranges[Int(rng.next() % UInt64(ranges.count))]
        while true {
            let value = range.lowerBound + UInt32(rng.next() % UInt64(range.upperBound - range.lowerBound + 1))
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }

    static func oddText(_ rng: inout SeededRandom, maxLength: Int = 1_000) -> String {
        let lengths = [0, 1, 3, 12, 60, 175, 254, 255, 400, 1_000].filter { $0 <= maxLength }
        let length = lengths[Int(rng.next() % UInt64(lengths.count))]
        var scalars = String.UnicodeScalarView()
        let specials: [Unicode.Scalar] = ["\"", ",", ";", "\n", "\r", "\t", "=", "+", "-", "@", "|", "\u{FEFF}", "\u{202E}", "\u{1B}", "\u{0}"]
        for _ in 0..<length {
            scalars.append(rng.next() % 5 == 0 ? specials[Int(rng.next() % UInt64(specials.count))] : oddScalar(&rng))
        }
        return String(scalars)
    }

    /// An e-mail: often valid (some at the length limits, some with letters from other scripts), often not.
    static func oddEmail(_ rng: inout SeededRandom, index: Int) -> String {
        switch rng.next() % 6 {
        case 0: return "p\(index)@example.org"
        case 1:
            let local = String(repeating: "m", count: 1 + Int(rng.next() % 60)) + "\(index)"
            let label = { (n: Int) in String(repeating: "d", count: n) }
            return String(local.prefix(64)) + "@" + label(63) + "." + label(63) + "." + label(Int(rng.next() % 58)) + "x.org"
        case 2: return "zoë.\(index)@exämple.org"
        case 3: return oddText(&rng, maxLength: 60) + "@example.org"
        case 4: return oddText(&rng)
        default: return "p\(index % 4)@example.org" // the same person answering again
        }
    }

    /// Names that are markup in Markdown or HTML: never raw in summary.md or report.html.
    static let markup = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "[x](javascript:alert(3))", "**bold** _it_"]

    /// An export as bytes: `export`'s rows, and sometimes a markup name, a 100 KB or (rarely) 10 MB
    /// answer, a second e-mail column, or one row in Windows-1252 inside a UTF-8 file.
    static func exportBytes(_ rng: inout SeededRandom, sample: [[String]]) -> [UInt8] {
        var rows = sample
        let name = rows[0].firstIndex(of: "Full name")!, goals = rows[0].firstIndex { $0.hasPrefix("What do you hope") }!
        if rng.next() % 3 == 0 { rows[1 + Int(rng.next() % UInt64(rows.count - 1))][name] = markup[Int(rng.next() % UInt64(markup.count))] }
        if rng.next() % 4 == 0 { rows[1 + Int(rng.next() % UInt64(rows.count - 1))][goals] = String(repeating: "long hope ", count: 10_000) }
        if rng.next() % 12 == 0 { rows[1 + Int(rng.next() % UInt64(rows.count - 1))][name] = String(repeating: "N", count: 10 << 20) }
        if rng.next() % 4 == 0 {
            rows = rows.enumerated().map { $0.offset == 0 ? $0.element + ["Email Address"] : $0.element + ["other\($0.offset)@example.org"] }
        }
        let text = export(&rng, sample: rows)
        guard rng.next() % 4 == 0, let firstBreak = text.firstIndex(of: "\n") else { return Array(text.utf8) }
        // One row in Windows-1252 (an accented name), the rest UTF-8.
        let head = String(text[...firstBreak]), rest = String(text[text.index(after: firstBreak)...])
        return Array(head.utf8) + [0x41, 0x6E, 0x64, 0x72, 0xE9, 0x2C] + Array(rest.utf8)
    }

    /// The sample's rows, with odd names, organisations, goals and e-mails in some of them.
    static func export(_ rng: inout SeededRandom, sample: [[String]]) -> String {
        let header = sample[0]
        let email = header.firstIndex(of: "Email Address")!, name = header.firstIndex(of: "Full name")!
        let organisation = header.firstIndex(of: "Organisation")!
        let goals = header.firstIndex { $0.hasPrefix("What do you hope") }!
        var rows = [header]
        let count = 4 + Int(rng.next() % 20)
        for index in 0..<count {
            var row = sample[1 + Int(rng.next() % UInt64(sample.count - 1))]
            if rng.next() % 2 == 0 { row[email] = oddEmail(&rng, index: index) }
            if rng.next() % 2 == 0 { row[name] = oddText(&rng) }
            if rng.next() % 3 == 0 { row[organisation] = oddText(&rng) }
            if rng.next() % 3 == 0 { row[goals] = oddText(&rng) }
            rows.append(row)
        }
        return rows.map { row in
            row.map { cell in
                cell.contains { ",\"\n\r".contains($0) } ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }.joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }

    /// The sample export as rows of cells (it has no quoted line breaks in the columns changed here).
    static func sampleRows() throws -> [[String]] {
        let text = try String(contentsOfFile: CLI.sample, encoding: .utf8)
        var rows: [[String]] = []
        var row: [String] = [], cell = "", quoted = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() { if next == "\"" { cell.append("\"") } else { quoted = false; pending = next } } else { quoted = false }
                } else { cell.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(cell); cell = "" }
            else if c == "\n" || c == "\r\n" { row.append(cell); rows.append(row); row = []; cell = "" }
            else { cell.append(c) }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        let width = rows[0].count
        return rows.filter { $0.count == width }
    }

    /// A failing read-only command's ledger and whole standard error, kept for a look afterwards
    /// (the test's own folder is removed at its end).
    static func keep(_ command: [String], _ result: CLI.Result, ledger: String, from folder: URL) {
        let kept = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-fuzz-failures/\(ledger)-\(command[0])")
        try? FileManager.default.createDirectory(at: kept, withIntermediateDirectories: true)
        try? FileManager.default.copyItem(at: folder.appendingPathComponent(ledger), to: kept.appendingPathComponent(ledger))
        try? Data((command.joined(separator: "\n") + "\n---\n" + result.err).utf8).write(to: kept.appendingPathComponent("stderr.txt"))
        Issue.record("kept in \(kept.path)")
    }

    @Test func oddExportsAndFlagsNeverCrashARunAndLeaveASoundLedger() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = try Self.sampleRows()
        var rng = SeededRandom(seed: 2026_12_02)
        var statuses: [Int32: Int] = [:]
        var run = 0
        var scheme = 0
        while run < Self.runs {
            scheme += 1
            let ledger = "scheme\(scheme).sqlite"
            var month = 2000 * 12 + Int(rng.next() % (200 * 12 - 8))
            for _ in 0..<(1 + Int(rng.next() % 3)) where run < Self.runs {
                run += 1
                let file = "export\(run).csv"
                try Data(Self.exportBytes(&rng, sample: sample)).write(to: folder.appendingPathComponent(file))
                let monthText = String(format: "%04d-%02d", month / 12, month % 12 + 1)
                var arguments = ["run", file, "--month", monthText, "--ledger", ledger, "--out", "out/\(scheme)/\(monthText)",
                                 "--models", ["automatic", "always", "never"][Int(rng.next() % 3)]]
                if rng.next() % 3 == 0 { arguments.append("--email-drafts") }
                if rng.next() % 4 == 0 { arguments.append("--force") }
                let result = try CLI.tandem(arguments, in: folder)
                statuses[result.status, default: 0] += 1
                #expect(result.status == 0 || result.status == 1,
                        "tandem \(arguments.joined(separator: " ")) ended with \(result.status): \(result.err.suffix(600))")
                #expect(!result.err.contains("Fatal error") && !result.err.contains("Stack dump"), "\(result.err.suffix(600))")
                if result.status == 0 {
                    // Nothing raw: markup is escaped in summary.md and report.html, and no answer passes its limit.
                    let out = folder.appendingPathComponent("out/\(scheme)/\(monthText)")
                    let summary = (try? String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8)) ?? ""
                    let page = (try? String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)) ?? ""
                    for text in Self.markup {
                        #expect(!summary.contains(text) && !(text.contains("<") && page.contains(text)), "\(text) raw in run \(run)")
                    }
                    for (path, data) in CLI.files(under: out) where data.count > 1 << 20 {
                        #expect(!String(decoding: data, as: UTF8.self).contains(String(repeating: "N", count: 301)), "\(path) holds a 10 MB name")
                    }
                }
                if FileManager.default.fileExists(atPath: folder.appendingPathComponent(ledger).path) {
                    #expect(try Ledger(existing: folder.appendingPathComponent(ledger).path).integrityCheck() == "ok")
                }
                // The coordinator's read-only commands on the same ledger.
                if result.status == 0 {
                    for command in [["status", "--ledger", ledger], ["history", Self.oddEmail(&rng, index: 1), "--ledger", ledger]] {
                        let read = try CLI.tandem(command, in: folder)
                        #expect(read.status == 0 || read.status == 1, "tandem \(command): \(read.status) \(read.err.suffix(400))")
                        if read.status != 0 && read.status != 1 { Self.keep(command, read, ledger: ledger, from: folder) }
                        #expect(!read.out.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" },
                                "tandem \(command.first!) printed a control character")
                    }
                }
                month += 1 + Int(rng.next() % 2)
            }
        }
        #expect((statuses[0] ?? 0) > 0, "no run succeeded: \(statuses)")
    }
}

/// SplitMix64: small, seeded, the same sequence everywhere.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
