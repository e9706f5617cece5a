import TandemTestSupport
import Foundation
import Testing

/// The sample's report.html as a coordinator opens it: two months run by the real binary into one ledger,
/// then the page read by a strict HTML parser and by a real headless browser. Each test skips, saying why,
/// where its tool is missing (`.ci/run` installs both).
@Suite(.serialized) struct ReportPageTests {
    typealias CLI = CommandLineTests

    /// The sample for December 2026 and January 2027, in `folder`/2026-12 and `folder`/2027-01, one ledger.
    static func runTwoMonths(in folder: URL) throws {
        for month in ["2026-12", "2027-01"] {
            let result = try CLI.tandem(["run", CLI.sample, "--month", month, "--out", month, "--ledger", "ledger.sqlite"], in: folder)
            #expect(result.status == 0, "stderr: \(result.err)")
        }
    }

    /// Runs a program found on PATH; nil when it cannot be started.
    static func run(_ arguments: [String], in folder: URL? = nil, timeout: TimeInterval = 120) -> (status: Int32, out: String, err: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return nil }
        let timer = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let outData = out.fileHandleForReading.readAllRetryingOnSignals()
        let errData = err.fileHandleForReading.readAllRetryingOnSignals()
        process.waitUntilExit()
        timer.cancel()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    static let hasHTML5Lib: Bool = run(["python3", "-c", "import html5lib"])?.status == 0

    /// Debian's `chromium`, or another name it goes by.
    static let chromium: String? = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].first { name in
        run(["sh", "-c", "command -v \(name)"])?.status == 0
    }

    // MARK: - Strict parser

    @Test(.enabled(if: hasHTML5Lib, "needs python3 with html5lib (pip install html5lib); .ci/run installs it"))
    func theSamplesReportParsesWithoutErrorsInAStrictParser() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.runTwoMonths(in: folder)
        let script = """
            import sys, html5lib
            for path in sys.argv[1:]:
                parser = html5lib.HTMLParser(strict=True)
                try:
                    parser.parse(open(path, "rb").read())
                except Exception as error:
                    print(f"{path}: {error} {parser.errors[:3]}")
                    sys.exit(1)
            """
        let paths = ["2026-12", "2027-01"].map { folder.appendingPathComponent("\($0)/report.html").path }
        let result = try #require(Self.run(["python3", "-c", script] + paths))
        #expect(result.status == 0, "html5lib (strict): \(result.out)\(result.err)")
    }

    // MARK: - The CPD record

    static let cpdPage = GoldenFileTests.golden.appendingPathComponent("cpd/cpd-agnieszka-nowak-nhs-net.html")

    @Test(.enabled(if: hasHTML5Lib, "needs python3 with html5lib (pip install html5lib); .ci/run installs it"))
    func theCPDRecordParsesWithoutErrorsInAStrictParser() throws {
        let script = "import sys, html5lib\nhtml5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb').read())"
        let result = try #require(Self.run(["python3", "-c", script, Self.cpdPage.path]))
        #expect(result.status == 0, "html5lib (strict): \(result.out)\(result.err)")
    }

    /// Printed by Chromium to PDF, a six-session pair's record takes one or two A4 pages.
    @Test(.enabled(if: chromium != nil, "needs a headless Chromium (Debian: apt-get install chromium); .ci/run installs it"))
    func theCPDRecordPrintsOnOneOrTwoA4Pages() throws {
        let browser = try #require(Self.chromium)
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pdf = folder.appendingPathComponent("cpd.pdf")
        let result = try #require(Self.run([browser] + Self.browserFlags + [
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)", "--no-pdf-header-footer",
            "--print-to-pdf=\(pdf.path)", Self.cpdPage.absoluteString,
        ]))
        #expect(result.status == 0, "chromium: \(result.err.suffix(2000))")
        let bytes = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
        let pages = bytes.components(separatedBy: "/Type /Page").count - 1 - (bytes.components(separatedBy: "/Type /Pages").count - 1)
        #expect((1...2).contains(pages), "\(pages) pages")
        // A4 is 595 × 842 points.
        #expect(bytes.contains("/MediaBox [0 0 595") || bytes.contains("/MediaBox [0 0 594"), "not A4")
    }

    // MARK: - Headless browser

    static let browserFlags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
        // Nothing leaves the machine, whatever happens: every host name fails to resolve.
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]

    /// The page as Chromium rendered it (`--dump-dom`), and the URLs the page itself asked for, from
    /// Chromium's network log: requests whose network isolation key is the file's (the browser's own
    /// update and account checks have other keys, or none).
    static func render(_ file: URL, browser: String, profile: URL) throws -> (dom: String, pageRequests: [String]) {
        let log = profile.appendingPathComponent("net-log.json")
        let result = try #require(run([browser] + browserFlags + [
            "--user-data-dir=\(profile.path)", "--log-net-log=\(log.path)", "--dump-dom", file.absoluteString,
        ]))
        #expect(result.status == 0, "chromium: \(result.err.suffix(2000))")
        let data = try Data(contentsOf: log)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let constants = try #require(json["constants"] as? [String: Any])
        let types = try #require(constants["logEventTypes"] as? [String: Int])
        let start = try #require(types["URL_REQUEST_START_JOB"])
        let events = try #require(json["events"] as? [[String: Any]])
        let requests = events.compactMap { event -> String? in
            guard event["type"] as? Int == start, let params = event["params"] as? [String: Any],
                  let url = params["url"] as? String else { return nil }
            let key = params["network_isolation_key"] as? String ?? ""
            let initiator = params["initiator"] as? String ?? ""
            return key.contains("file://") || initiator == "null" ? url : nil
        }
        return (result.out, requests)
    }

    static func figure(_ id: String, in dom: String) -> Int? {
        guard let start = dom.range(of: "id=\"figure-\(id)\">") else { return nil }
        return Int(dom[start.upperBound...].prefix { $0.isNumber })
    }

    static func rows(_ folder: URL, _ file: String) throws -> [String] {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        return text.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
    }

    @Test(.enabled(if: chromium != nil, "needs a headless Chromium (Debian: apt-get install chromium); .ci/run installs it"))
    func aHeadlessBrowserShowsTheRunsFiguresAndTheReportRequestsNothing() throws {
        let browser = try #require(Self.chromium)
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.runTwoMonths(in: folder)

        // The check sees a page's requests: a page that asks for two images is caught asking.
        let probe = folder.appendingPathComponent("probe.html")
        try Data(("<!DOCTYPE html><html><head><title>probe</title></head><body><img src=\"http://example.invalid/a.png\" alt=\"\">"
            + "<svg><image href=\"https://example.invalid/b.png\"/></svg></body></html>").utf8).write(to: probe)
        let control = try Self.render(probe, browser: browser, profile: folder.appendingPathComponent("profile-probe"))
        #expect(control.pageRequests.contains { $0.hasPrefix("http://example.invalid") },
                "the network-log check no longer sees a page's requests: \(control.pageRequests)")

        var december: (pairs: Int, waiting: Int, pastTarget: Int)?
        for month in ["2026-12", "2027-01"] {
            let out = folder.appendingPathComponent(month)
            let page = try Self.render(out.appendingPathComponent("report.html"), browser: browser,
                                       profile: folder.appendingPathComponent("profile-\(month)"))
            #expect(page.pageRequests.isEmpty, "report.html asked for \(page.pageRequests)")
            let dom = page.dom
            #expect(dom.contains("<h1>") && dom.contains("</svg>"), "no page rendered: \(dom.prefix(300))")

            let pairs = try Self.rows(out, "pairs.csv").filter { !$0.contains("not scheduled") }
            let unmatched = try Self.rows(out, "unmatched.csv")
            let waiting = unmatched.filter { $0.contains(",waiting,") }
            let pastTarget = waiting.filter { $0.contains(",yes,") }.count
            #expect(Self.figure("new-pairs", in: dom) == pairs.count, "\(month): new pairs")
            #expect(Self.figure("waiting", in: dom) == waiting.count, "\(month): waiting")
            #expect(Self.figure("past-target", in: dom) == pastTarget, "\(month): past the target")
            #expect(Self.figure("rejected", in: dom) == unmatched.filter { $0.contains(",rejected,") }.count, "\(month): rejected")
            #expect(Self.figure("unmatched-rows", in: dom) == unmatched.count, "\(month): unmatched.csv rows")
            // The trend: this month's row, and the month before as the ledger recorded it.
            #expect(dom.contains("<tr data-month=\"\(month)\"><th scope=\"row\">\(month)</th><td>\(pairs.count)</td><td>\(waiting.count)</td><td>\(pastTarget)</td>"),
                    "\(month): trend row")
            if let december {
                #expect(dom.contains("<tr data-month=\"2026-12\"><th scope=\"row\">2026-12</th><td>\(december.pairs)</td><td>\(december.waiting)</td><td>\(december.pastTarget)</td>"),
                        "2027-01: the trend's December row")
            } else {
                december = (pairs.count, waiting.count, pastTarget)
            }
            #expect(dom.contains("Proven optimal.") == (try String(contentsOf: out.appendingPathComponent("summary.md"), encoding: .utf8))
                .contains("Every stage was proven optimal."))
        }
        // The ledger holds the same December.
        if let sqlite = Self.run(["sqlite3", folder.appendingPathComponent("ledger.sqlite").path,
                                  "SELECT pairs, (SELECT COUNT(*) FROM run_applicants WHERE run_month = '2026-12' AND outcome = 'waiting') FROM runs WHERE month = '2026-12'"]),
           sqlite.status == 0, let december {
            #expect(sqlite.out.trimmingCharacters(in: .whitespacesAndNewlines) == "\(december.pairs)|\(december.waiting)")
        }
    }
}
