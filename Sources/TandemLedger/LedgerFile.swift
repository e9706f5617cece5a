import Foundation
import GRDB

/// What a path holds, found out before anything is written to it: a ledger is the scheme's memory,
/// so Tandem writes only into a file it recognises as its own, of a version it knows, and sound.
///
/// A Tandem ledger carries SQLite's `application_id` (`LedgerFile.applicationID`) from schema v6
/// on; one made before that (v1–v5) is recognised by its tables and its list of applied migrations.
/// Anything else — an empty file (a failed copy), another program's SQLite file, bytes that are not
/// SQLite at all, a ledger from a newer Tandem, a damaged file — is refused with what to do.
public enum LedgerFile {
    /// "TNDM": Tandem's mark in the SQLite header (`PRAGMA application_id`).
    public static let applicationID: Int32 = 0x544E_444D
    /// The schema version this Tandem writes (`PRAGMA user_version`); a ledger with a higher one is newer.
    public static let schemaVersion = 14
    /// The tables every Tandem ledger has had since v1.
    static let tables: Set<String> = ["meta", "runs", "run_applicants", "applicants", "pairs", "sessions"]

    /// What `inspect` found.
    public enum Kind: Equatable, Sendable {
        case missing
        case tandem
        /// Refused, with the reason and what to do, in words a coordinator can act on.
        case refused(String)
    }

    /// Looks at the file without changing a byte of it (a hot journal left by a killed command is the
    /// one exception: SQLite rolls it back, as it must, on the first read).
    public static func inspect(_ path: String) -> Kind {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return .missing }
        if isFolder.boolValue { return .refused("'\(path)' is a folder, not a ledger file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { return .refused("'\(path)' cannot be read (check its permissions)") }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        let restore = LedgerBackups(ledger: path).advice(for: path)
        if header.isEmpty {
            return .refused("the ledger '\(path)' is empty (0 bytes), as a failed copy or sync leaves it; the scheme's memory is not in it; \(restore)")
        }
        guard header.count == 100, header.prefix(16) == Data("SQLite format 3\0".utf8) else {
            return .refused("'\(path)' is not a Tandem ledger: it is not a SQLite database, or its first bytes are damaged; "
                + "check --ledger or [scheme] ledger, or \(restore)")
        }
        do {
            var configuration = Configuration()
            configuration.readonly = !FileManager.default.fileExists(atPath: path + "-journal") // a hot journal must be rolled back
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in try kind(of: db, path: path) }
        } catch {
            return .refused(damaged(path, plain(error)))
        }
    }

    private static func kind(of db: Database, path: String) throws -> Kind {
        let knownMigrations = Ledger.migrator.migrations
        let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let names = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
        if application != applicationID {
            guard application == 0, tables.isSubset(of: names), names.contains("grdb_migrations") else {
                let missing = tables.union(["grdb_migrations"]).subtracting(names).sorted()
                let why = application != 0 ? "it belongs to another program (application id \(application))"
                                           : "it has no table '\(missing.first ?? "runs")'"
                return .refused("'\(path)' is a SQLite database but not a Tandem ledger: \(why); check --ledger or [scheme] ledger")
            }
        }
        let applied = names.contains("grdb_migrations")
            ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
        let unknown = applied.filter { !knownMigrations.contains($0) }
        if version > schemaVersion || !unknown.isEmpty {
            let what = unknown.isEmpty ? "schema version \(version)" : "changes \(unknown.sorted().map { "'\($0)'" }.joined(separator: ", "))"
            return .refused("the ledger '\(path)' was written by a newer Tandem (\(what), which this one does not know); "
                + "install that version of Tandem (scripts/install) to use it — this one leaves it untouched")
        }
        return .tandem
    }

    /// SQLite's own check of every page's structure (`PRAGMA quick_check`); nil for a sound file.
    static func damage(_ db: Database) -> String? {
        do {
            let lines = try String.fetchAll(db, sql: "PRAGMA quick_check(3)")
            guard lines != ["ok"] else { return nil }
            let findings = lines.flatMap { $0.split(separator: "\n") }.filter { !$0.hasPrefix("***") }
            return findings.prefix(2).joined(separator: "; ")
        } catch {
            return plain(error)
        }
    }

    /// The refusal for a damaged file, pointing to the newest backup.
    static func damaged(_ path: String, _ finding: String) -> String {
        "the ledger '\(path)' is damaged (SQLite: \(finding)); nothing was written to it; "
            + LedgerBackups(ledger: path).advice(for: path)
    }

    /// Whether `error` says the file is damaged or not a database at all.
    static func isDamage(_ error: any Error) -> Bool {
        guard let database = error as? DatabaseError else { return false }
        return database.resultCode == .SQLITE_CORRUPT || database.resultCode == .SQLITE_NOTADB
    }

    /// An error's text without GRDB's echo of the SQL statement (`- while executing …`).
    static func plain(_ error: any Error) -> String {
        if let database = error as? DatabaseError { return database.message ?? "\(database.resultCode)" }
        return "\(error)"
    }
}

/// The ledger's own copies of itself, made before every change a coordinator's command records:
/// `backups/` beside the ledger, named by what they came before, the newest `kept` of them.
public struct LedgerBackups: Sendable {
    /// How many copies are kept (1…100): a year of monthly runs with a few withdrawals between.
    public static let kept = 12

    /// The folder: `backups/` beside the ledger file.
    public let folder: String
    /// The ledger's file name without `.sqlite` (or whatever its extension), the copies' prefix.
    let stem: String

    public init(ledger path: String) {
        let url = URL(fileURLWithPath: path)
        folder = url.deletingLastPathComponent().appendingPathComponent("backups").path
        stem = url.deletingPathExtension().lastPathComponent
    }

    /// The copies there are, oldest first (their names sort by the ledger's revision).
    public func list() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasPrefix(stem + ".r") && $0.hasSuffix(".sqlite") }.sorted().map { folder + "/" + $0 }
    }

    /// Deletes the copies that hold any of `texts` (erased people's addresses, in any letter case): after
    /// `tandem forget` the backups must not keep what the ledger no longer does. Returns how many.
    public func removeHolding(_ texts: [String]) -> Int {
        let needles = texts.map { Array($0.lowercased().utf8) }.filter { !$0.isEmpty }
        guard !needles.isEmpty else { return 0 }
        var removed = 0
        for copy in list() {
            guard let bytes = FileManager.default.contents(atPath: copy) else { continue }
            let lowered = bytes.map { (65...90).contains($0) ? $0 + 32 : $0 }
            if needles.contains(where: { lowered.firstRange(of: $0) != nil }), (try? FileManager.default.removeItem(atPath: copy)) != nil {
                removed += 1
            }
        }
        return removed
    }

    /// The newest copy, to name in a refusal.
    public var latest: String? { list().last }

    /// "restore the latest backup (cp A B)", or what to do without one.
    public func advice(for ledger: String) -> String {
        guard let latest else { return "restore the ledger from your own backup" }
        let before = latest.split(separator: ".before-").last.map { " (made before \($0.dropLast(".sqlite".count)))" } ?? ""
        return "restore the latest backup\(before): cp '\(latest)' '\(ledger)', then run again what was recorded after it"
    }

    /// A copy of `database` as it is now (SQLite's online backup, so a consistent one), named
    /// `STEM.rNNNNNN.before-WHAT.sqlite` by the ledger's revision; then only the newest `kept` remain.
    func save(_ database: DatabaseQueue, revision: Int, before what: String) throws(LedgerError) {
        let path = "\(folder)/\(stem).r\(String(format: "%06d", revision)).before-\(what).sqlite"
        let partial = path + ".partial"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: partial)
            let copy = try DatabaseQueue(path: partial)
            try database.backup(to: copy)
            try copy.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw LedgerError("cannot keep a backup of the ledger in '\(folder)' (\(LedgerFile.plain(error))); nothing was recorded")
        }
        for old in list().dropLast(Self.kept) { try? FileManager.default.removeItem(atPath: old) }
    }
}
