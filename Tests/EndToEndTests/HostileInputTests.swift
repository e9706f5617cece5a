import Foundation
import Testing

/// Answers and flags as a careless or hostile applicant or coordinator gives them: every one
/// bounded, shown as typed, and never silently dropped.
@Suite(.serialized) struct HostileInputTests {
    typealias CLI = CommandLineTests

    /// Runs `python3 -c script arguments…`; nil when python3 is missing.
    static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, out: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readAllRetryingOnSignals()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let markdownReady = (try? python("import markdown_it", []))??.status == 0

    /// The sample with names replaced, line by line (`replacements`: sample name → new name).
    static func sample(renaming replacements: [String: String]) throws -> String {
        var text = try String(contentsOfFile: CLI.sample, encoding: .utf8)
        for (old, new) in replacements { text = text.replacingOccurrences(of: ",\(old),", with: ",\(new),") }
        return text
    }

    /// Names that are markup, in summary.md: a CommonMark renderer (markdown-it, independent of
    /// Tandem) makes them text, never a tag, a link or an image.
    @Test(.enabled(if: HostileInputTests.markdownReady, "needs python3 with markdown-it-py"))
    func namesThatAreMarkupStayTextInSummary() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let hostile = ["Priya Raman": "<script>alert(1)</script>", "Margaret Sutherland": "[x](javascript:alert(3))",
                       "Charlotte Hughes": "<img src=x onerror=alert(2)>"]
        try Data(Self.sample(renaming: hostile).utf8).write(to: folder.appendingPathComponent("a`b *c*.csv"))
        let run = try CLI.tandem(["run", "a`b *c*.csv", "--month", "2027-01", "--ledger", "l.sqlite", "--out", "out"], in: folder)
        #expect(run.status == 0, "\(run.err)")
        let summary = folder.appendingPathComponent("out/summary.md")
        let text = try String(contentsOf: summary, encoding: .utf8)
        for name in hostile.values { #expect(!text.contains(name), "summary.md holds \(name) raw") }
        let script = #"""
        import sys, html
        from markdown_it import MarkdownIt
        rendered = MarkdownIt().enable("table").render(open(sys.argv[1], encoding="utf-8").read())
        for bad in ["<script", "<img", "href=", "<em>"]:
            if bad in rendered: print("FOUND", bad)
        for shown in sys.argv[2:]:
            if html.escape(shown, quote=False) not in rendered: print("MISSING", shown)
        """#
        let check = try #require(try Self.python(script, [summary.path, "a`b *c*.csv"] + hostile.values.sorted()))
        #expect(check.status == 0 && check.out.isEmpty, "\(check.out)")
    }

    /// The peak memory (MiB) and wall time of one run of the binary, measured by Python around it.
    static func measured(_ arguments: [String], in folder: URL) throws -> (status: Int32, mebibytes: Int, seconds: Double)? {
        let script = #"""
        import resource, subprocess, sys, time
        started = time.monotonic()
        code = subprocess.run(sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, time.monotonic() - started)
        """#
        guard let result = try python(script, [folder.path, CLI.binary.path] + arguments), result.status == 0 else { return nil }
        let parts = result.out.split(separator: " ")
        guard parts.count == 3, let code = Int32(parts[0]), let memory = Int(parts[1]), let seconds = Double(parts[2].trimmingCharacters(in: .whitespacesAndNewlines))
        else { return nil }
        return (code, memory, seconds)
    }

    /// A 50 MB name and a 25,000-character hope: cut to their limits with a warning naming the row and
    /// column, in `check` and the run; the run stays small and quick.
    @Test func anAnswerLongerThanItsLimitIsCutWithAWarning() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var lines = try String(contentsOfFile: CLI.sample, encoding: .utf8).components(separatedBy: "\n")
        lines[1] = lines[1].replacingOccurrences(of: ",Priya Raman,", with: "," + String(repeating: "N", count: 50 << 20) + ",")
        lines[2] = lines[2].replacingOccurrences(of: "\"Reciprocal learning", with: "\"" + String(repeating: "hope ", count: 5_000) + "Reciprocal learning")
        try Data(lines.joined(separator: "\n").utf8).write(to: folder.appendingPathComponent("big.csv"))
        let check = try CLI.tandem(["check", "big.csv"], in: folder)
        #expect(check.out.contains("big.csv:2:Full name: warning: the answer is 52,428,800 characters long, more than the 300 this column allows"),
                "\(check.out.prefix(2_000))")
        #expect(check.out.contains("big.csv:3:What do you hope to get out of the mentorship?: warning: the answer is 25,"), "\(check.out.prefix(2_000))")
        let run = try #require(try Self.measured(["run", "big.csv", "--month", "2027-01", "--ledger", "l.sqlite", "--out", "out"], in: folder))
        #expect(run.status == 0)
        #expect(run.mebibytes < 500, "peak memory \(run.mebibytes) MiB")
        #expect(run.seconds < 10, "\(run.seconds) s")
        var total = 0
        for (path, data) in CLI.files(under: folder.appendingPathComponent("out")) {
            total += data.count
            #expect(!String(decoding: data, as: UTF8.self).contains(String(repeating: "N", count: 301)), "\(path) holds the whole name")
        }
        #expect(total < 20 << 20, "the outputs come to \(total) bytes")
        #expect(try String(contentsOf: folder.appendingPathComponent("out/diagnostics.txt"), encoding: .utf8).contains("characters long"))
    }

    /// A never-pair naming an address that is in no response is kept, with a warning naming its line and column.
    @Test func aNeverPairWithAnUnknownAddressIsReported() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("rule,senior,junior,note\nnever,margaret.sutherland@gstt.nhs.uk,priya.raman@gstt.nhs.nte,typo\n".utf8)
            .write(to: folder.appendingPathComponent("o.csv"))
        let run = try CLI.tandem(["run", CLI.sample, "--month", "2027-01", "--ledger", "l.sqlite", "--out", "out", "--overrides", "o.csv"], in: folder)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.err.contains("o.csv:2:junior: warning: 'priya.raman@gstt.nhs.nte' is in no response of this export (a typo?)"), "\(run.err)")
        #expect(!run.err.contains("margaret.sutherland@gstt.nhs.uk' is in no response"))
        #expect(try String(contentsOf: folder.appendingPathComponent("out/diagnostics.txt"), encoding: .utf8).contains("o.csv:2:junior: warning"))
    }

    /// `--month` before every response is refused (sessions before anyone applied, negative waits) unless forced.
    @Test func aMonthBeforeEveryResponseIsRefusedUnlessForced() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let early = try CLI.tandem(["run", CLI.sample, "--month", "2000-01", "--ledger", "l.sqlite", "--out", "out"], in: folder)
        #expect(early.status == 1)
        #expect(early.err.contains("--month 2000-01 is before every response in") && early.err.contains("(the first is from 2026-08-01)"), "\(early.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("l.sqlite").path))
        #expect(try CLI.tandem(["run", CLI.sample, "--month", "2026-08", "--ledger", "l.sqlite", "--out", "out"], in: folder).status == 0)
        #expect(try CLI.tandem(["run", CLI.sample, "--month", "2000-01", "--ledger", "l.sqlite", "--out", "out2", "--force"], in: folder).status == 0)
    }
}
