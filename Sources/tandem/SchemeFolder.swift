import ArgumentParser
import Foundation
import TandemModel

/// Where a scheme lives: the folder holding its `scheme.toml`, with the ledger and the monthly
/// reports inside it. Found the way git finds `.git`: `--scheme DIR`, else `TANDEM_SCHEME`, else the
/// nearest folder from the current one upwards that holds a `scheme.toml`. So `tandem run
/// ~/Downloads/responses.csv` from any folder inside the scheme — or with `TANDEM_SCHEME` set, from
/// anywhere — reads the same configuration and ledger and writes to the same reports. Without any
/// scheme, Tandem works as before: no configuration, `data/tandem.sqlite` and `reports/` in the
/// current folder.
struct SchemeFolder {
    static let fileName = "scheme.toml"

    /// The scheme folder (absolute), or nil when there is none.
    let root: String?
    /// The configuration in effect and the file it came from (`--config`, else the scheme's own).
    let config: SchemeConfig
    let configPath: String?
    let configBytes: [UInt8]
    /// The ledger (`--ledger`, else the scheme's, else data/tandem.sqlite) and the reports' folder.
    let ledger: String
    let reports: String

    /// Finds the scheme and reads its configuration; `configFlag` and `ledgerFlag` override it.
    static func resolve(scheme: String?, configFlag: String?, ledgerFlag: String?,
                        environment: [String: String] = ProcessInfo.processInfo.environment,
                        from start: String = FileManager.default.currentDirectoryPath) throws -> SchemeFolder {
        let root = try find(explicit: scheme ?? environment["TANDEM_SCHEME"].flatMap { $0.isEmpty ? nil : $0 }, from: start)
        let configPath = configFlag ?? root.map { $0 + "/" + fileName }
        let (config, bytes) = try Files.configFile(configPath)
        let inScheme = { (path: String) in path.hasPrefix("/") ? path : root! + "/" + path }
        return SchemeFolder(root: root, config: config, configPath: configPath, configBytes: bytes,
                            ledger: ledgerFlag ?? root.map { _ in inScheme(config.scheme.ledger) } ?? "data/tandem.sqlite",
                            reports: root.map { _ in inScheme(config.scheme.reports) } ?? "reports")
    }

    /// The scheme folder named, or the nearest one holding scheme.toml from `start` upwards.
    static func find(explicit: String?, from start: String) throws -> String? {
        if let explicit {
            let folder = OutputFolder.absolute(explicit)
            guard FileManager.default.fileExists(atPath: folder + "/" + fileName) else {
                throw Failure("'\(explicit)' holds no \(fileName), so it is not a scheme folder; make one with tandem init \(explicit)")
            }
            return folder
        }
        var folder = URL(fileURLWithPath: OutputFolder.absolute(start))
        while true {
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent(fileName).path) { return folder.path }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// A recorded month of this scheme among its reports (a `YYYY-MM` folder Tandem wrote), if any:
    /// the sign that the scheme has run before.
    func earlierMonth() -> String? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
        return names.sorted().last { name in
            YearMonth(name) != nil && FileManager.default.fileExists(atPath: reports + "/" + name + "/" + OutputFolder.markerName)
        }
    }

    /// Never a silent new ledger: when the scheme has run before but its ledger is missing, a run
    /// stops rather than start the scheme again (everyone paired anew, waiting times lost).
    func requireLedgerUnlessNew(_ newLedger: Bool) throws {
        guard !newLedger, !FileManager.default.fileExists(atPath: ledger), let month = earlierMonth() else { return }
        throw Failure("the scheme has run before (\(reports)/\(month)) but its ledger '\(ledger)' is missing; "
            + "restore the file from a backup, or add --new-ledger to start the scheme's memory afresh (everyone would be paired anew)")
    }

    /// A new scheme folder: a commented scheme.toml with the defaults, and the reports' folder.
    static func initialise(_ folder: String) throws -> String {
        let manager = FileManager.default
        let path = folder + "/" + fileName
        if manager.fileExists(atPath: path) { throw Failure("'\(path)' exists already; this folder is a scheme folder") }
        do {
            try manager.createDirectory(atPath: folder + "/reports", withIntermediateDirectories: true)
            try Data(template.utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            throw Failure("cannot make the scheme folder '\(folder)': \(error.localizedDescription)")
        }
        return path
    }

    static let template = """
        # Tandem scheme configuration, written by tandem init. Every setting is optional: a setting
        # left out keeps the default shown here (the defaults match the application form in docs/form.md).
        # Tandem finds this file from any folder inside this one, or from anywhere with
        # TANDEM_SCHEME=/path/to/this/folder or --scheme; a misspelt setting is an error that names it.
        # Every setting, with its meaning: data/scheme.example.toml in Tandem's source.

        [scheme]
        name = "Reciprocal Mentoring Scheme"           # in event titles and reports
        domain = "mentoring.example.org"               # a domain you control: makes calendar UIDs unique
        coordinator_name = "Scheme coordinator"
        coordinator_email = "coordinator@mentoring.example.org"
        ledger = "data/tandem.sqlite"                  # the scheme's memory, relative to this folder: back it up
        reports = "reports"                            # each run writes reports/YYYY-MM/ here

        [matching]
        # minimum_senior_years = 2
        # waiting_target_months = 3
        # candidates_per_person = 10

        [sessions]
        holiday_region = "england-and-wales"           # or scotland, northern-ireland, ireland, none
        # blackout_dates = ["2026-12-24", "2026-12-31"]   # the scheme's own closure days
        # duration_minutes = 60
        # video_link = "Online (video call) — link to follow from your partner"

        [acceptance]
        required = "senior"                            # the mentor accepts each proposed pair; or both, or none (pairs stand at once)
        reply_days = 14                                # days allowed for an answer; a run after that dissolves the proposal
        # organizer = "Scheme coordinator <coordinator@mentoring.example.org>"   # where calendar answers go (default: the coordinator)

        """
}

/// `--scheme DIR`, shared by every command that reads a scheme's configuration, ledger or reports.
struct SchemeOptions: ParsableArguments {
    @Option(name: .long, help: "The scheme folder (holding scheme.toml; default: TANDEM_SCHEME, else the nearest from the current folder up).")
    var scheme: String?
}
