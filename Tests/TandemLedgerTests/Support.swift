import Foundation
import TandemLedger
import TandemModel
import TandemPipeline
import TandemTestSupport

/// Paths and helpers shared by the ledger tests.
enum Support {
    /// The repository: Tests/TandemLedgerTests/Support.swift → ../../
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var hasGenerator: Bool { ApplicationGenerator.available }

    /// The built `tandem` next to the test bundle, or in the usual build folders.
    static var tandemBinary: String? {
        var folders: [URL] = []
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for build in [".build-ledger", ".build"] { folders.append(repoRoot.appendingPathComponent("\(build)/debug")) }
        return folders.map { $0.appendingPathComponent("tandem").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `scripts/gen_applications.py --flavour google-csv` output.
    static func generate(n: Int, seed: Int, start: String, days: Int) throws -> [UInt8] {
        try ApplicationGenerator.export(n: n, seed: seed, dupRate: 0.05, start: start, days: days)
    }

    /// `first` followed by the rows of `more` (its header line dropped): a later export of the same form.
    static func appendRows(_ first: [UInt8], _ more: [UInt8]) -> [UInt8] {
        var result = first
        if result.last != UInt8(ascii: "\n") { result += Array("\r\n".utf8) }
        guard let newline = more.firstIndex(of: UInt8(ascii: "\n")) else { return result }
        return result + more[(newline + 1)...]
    }

    static func config() -> SchemeConfig {
        var config = SchemeConfig()
        config.matching.candidatesPerPerson = 5
        return config
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-ledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// One month in-process: history from the ledger, the run, then the record.
    @discardableResult
    static func runMonth(_ ledger: Ledger, _ bytes: [UInt8], month: YearMonth, force: Bool = false) throws -> (RunOutput, LedgerSnapshot) {
        let snapshot = try ledger.snapshot(before: month, force: force)
        var input = RunInput(applications: bytes, applicationsFile: "applications.csv", config: config(), firstMonth: month)
        input.models = .never
        input.history = snapshot.history
        let output = try MonthlyRun.run(input)
        try ledger.record(output, month: month, inputFile: "applications.csv",
                          fingerprints: RunFingerprints(applications: bytes, configuration: [], outputs: output.files),
                          snapshot: snapshot)
        return (output, snapshot)
    }
}
