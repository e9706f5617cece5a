import Foundation
import Testing
import TandemModel
import TandemPipeline
import TandemTestSupport

/// The run's clock and debug lines come in with its input (`RunInput.instruments`): with a clock
/// that never moves every stage reports 0 seconds — so no stage reads a clock of its own — and
/// every file, timings.md included, is the same run after run; a collector gets the debug lines
/// that `TANDEM_DEBUG` prints.
@Suite struct InstrumentsTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/sample/applications.csv")

    static func input(_ bytes: [UInt8], _ instruments: Instruments) -> RunInput {
        var input = RunInput(applications: bytes, applicationsFile: "applications.csv", config: SchemeConfig(),
                             firstMonth: YearMonth(year: 2026, month: 12))
        input.instruments = instruments
        input.models = .always
        return input
    }

    static func checkStoppedClock(_ bytes: [UInt8]) throws {
        let first = try MonthlyRun.run(input(bytes, .stopped))
        let second = try MonthlyRun.run(input(bytes, .stopped))
        for stage in first.matching.stages { #expect(stage.seconds == 0, "stage \(stage.name) read a clock of its own: \(stage.seconds) s") }
        #expect(first.matching.scoringSeconds == 0 && first.matching.solvingSeconds == 0)
        let timings = String(decoding: try #require(first.files.first { $0.path == "timings.md" }).contents, as: UTF8.self)
        let seconds = timings.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| stage") }
            .compactMap { $0.split(separator: "|").last.map { $0.trimmingCharacters(in: .whitespaces) } }
        #expect(!seconds.isEmpty && seconds.allSatisfy { $0 == "0.000" }, "timings.md: \(timings)")
        let a = Dictionary(first.files.map { ($0.path, $0.contents) }, uniquingKeysWith: { x, _ in x })
        let b = Dictionary(second.files.map { ($0.path, $0.contents) }, uniquingKeysWith: { x, _ in x })
        #expect(a.keys.sorted() == b.keys.sorted())
        for (path, contents) in a { #expect(b[path] == contents, "\(path) differs between two runs on a stopped clock") }
    }

    @Test func aStoppedClockMakesEveryFileTimingsIncludedTheSame() throws {
        try Self.checkStoppedClock(Array(try Data(contentsOf: Self.sample)))
    }

    /// A generated pool with "either" applicants, through the role repair and GLPK's check.
    @Test(.enabled(if: ApplicationGenerator.available, "needs python3 (for scripts/gen_applications.py)"))
    func aStoppedClockHoldsOnAGeneratedPoolWithEitherApplicants() throws {
        try Self.checkStoppedClock(try ApplicationGenerator.export(n: 400, seed: 11, badRate: 0, dupRate: 0))
    }

    @Test func debugLinesGoToTheInstrumentsNotTheTerminal() throws {
        let collected = DebugLines()
        let output = try MonthlyRun.run(Self.input(Array(try Data(contentsOf: Self.sample)), collected.instruments))
        let lines = collected.lines
        #expect(!output.matching.pairs.isEmpty)
        for prefix in ["scorer: ready", "network: ", "matcher: scoring", "round 1:"] {
            #expect(lines.contains { $0.hasPrefix(prefix) }, "no debug line starting \"\(prefix)\" in \(lines)")
        }
        #expect(Instruments.fromEnvironment([:]).sink == nil)
        #expect(Instruments.fromEnvironment(["TANDEM_DEBUG": "1"]).sink != nil)
    }
}
