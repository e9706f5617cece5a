import Foundation
import GRDB
import TandemModel
import TandemPipeline
import TandemScheduling

/// A problem with the ledger the coordinator can act on; never carries personal data beyond the e-mail asked about.
public struct LedgerError: Error, Sendable, CustomStringConvertible, LocalizedError {
    public var description: String
    /// SQLite's whole message, statement included, for `TANDEM_DEBUG`; never shown otherwise.
    public var detail: String?
    public init(_ description: String, detail: String? = nil) {
        self.description = description
        self.detail = detail
    }
    public var errorDescription: String? { description }
}

/// The scheme's memory between months, in one SQLite file (GRDB).
///
/// Tables (migrations "v1" to "v14-replies", applied in order by a `DatabaseMigrator`):
/// - `runs`: one row per recorded month — fingerprints of the input, configuration and outputs, and the
///   solver's results.
/// - `run_applicants`: who each run saw, their first and latest response, and the outcome (paired this run,
///   in a pair already running, waiting, finished — a junior whose pair completed — or withdrawn and left out)
///   with the reason; indexed by e-mail key too (v2).
/// - `applicants`: one row per e-mail key — first and latest response, current answers (JSON), withdrawal.
/// - `pairs`: every pair ever made, keyed "senior|junior": month formed, status `active`, `completed` or
///   `ended` (early, with the reason and the day).
/// - `sessions`: every session by UID with its start, end, `SEQUENCE`, status, and the whole
///   `ScheduledSession` (JSON) so an update or cancellation can be written months later.
/// - `meta`: `revision`, raised by every change, so a run that read the ledger notices if another command
///   changed it in the meantime. Runs, early ends and withdrawals (v7), session changes (v8) and
///   objectives (v9) and moves (v10, `session_moves`: each move's times) keep the revision they made;
///   `messages` (v11) is the outbox of `tandem send`; `forgotten` (v12) the salted hashes of erased addresses; `proposals` (v13)
///   the answers to pairs that must be accepted, `replies` (v14) the calendar replies read for them; each change
///   keeps its revision, so `explain` rebuilds a month without what came after its run.
///
/// The file: recognised before anything is read or written (`LedgerFile`: Tandem's application id, a
/// known schema version, SQLite's quick check); copied to `backups/` before each change (`LedgerBackups`).
/// One writer at a time is the executable's `LedgerLock`.
///
/// Durability: rollback journal (`journal_mode=DELETE`) with `synchronous=FULL`. A run's results go in with
/// one transaction; a process killed before `COMMIT` leaves a hot journal that SQLite rolls back the next
/// time the file is opened, so the ledger is exactly as before. The rollback journal keeps the ledger a single
/// file between runs (easy to copy or back up); with one writer at a time WAL would buy nothing here.
///
/// `tandem run` stages the complete output folder, opens the transaction, writes the rows, swaps the folder
/// into place and commits. Killed before the swap: outputs and ledger as before. Killed between the swap
/// and `COMMIT` (two renames and an fsync apart): the folder is the new one and the ledger the old one;
/// running the same month again puts both in step (identical inputs give identical files). Killed after
/// `COMMIT`: both new.
///
/// Months: `snapshot(before:)` gives the history as of the start of a month from earlier months' runs only
/// (plus every ended pair and every withdrawal, which are the coordinator's acts and outlive re-runs).
/// Recording a month deletes that month's (and, with `--force`, later months') runs, pairs still running and
/// their sessions; pairs ended early stay, so they are never proposed again.
///
/// A withdrawn person is left out of every later run unless a response of theirs is dated after the
/// withdrawal (they applied anew; waiting counts from that response). A junior whose pair completed is not
/// paired as a junior again on the same response; a newer response counts as applying again. Seniors of
/// completed or ended pairs get their places back.
public final class Ledger: Sendable {
    let database: DatabaseQueue
    /// The file, or ":memory:".
    public let path: String
    /// Where copies of the file go before each change; nil in memory.
    public let backups: LedgerBackups?

    /// Opens the existing ledger at `path`: refused unless `LedgerFile.inspect` recognises it as a
    /// Tandem ledger this version knows; then its schema is brought up to date.
    /// SQLite's check of the whole file comes first: a damaged ledger is never read into a report or a
    /// run, let alone written to.
    public convenience init(existing path: String) throws(LedgerError) {
        switch LedgerFile.inspect(path) {
        case .missing: throw LedgerError("the ledger '\(path)' does not exist")
        case .refused(let why): throw LedgerError(why)
        case .tandem: try self.init(opening: path)
        }
        if let damage = try read({ db in LedgerFile.damage(db) }) {
            throw LedgerError(LedgerFile.damaged(path, damage))
        }
    }

    /// Makes a new ledger at `path`, which must not exist yet (only `tandem run` recording a first month does).
    public static func create(at path: String) throws(LedgerError) -> Ledger {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LedgerError("'\(path)' exists already; a new ledger is made only where there is no file")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw LedgerError("cannot make the folder for the ledger '\(path)': \(error.localizedDescription)")
        }
        return try Ledger(opening: path)
    }

    private init(opening path: String) throws(LedgerError) {
        self.path = path
        backups = path == ":memory:" ? nil : LedgerBackups(ledger: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.journalMode = .default
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            database = path == ":memory:" ? try DatabaseQueue(configuration: configuration)
                                          : try DatabaseQueue(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw LedgerError("cannot open the ledger '\(path)': \(LedgerFile.plain(error))")
        }
    }

    /// An empty ledger in memory (tests).
    public static func inMemory() throws(LedgerError) -> Ledger { try Ledger(opening: ":memory:") }

    /// Before a command changes the ledger: a copy of it as it is into `backups/` (none for an empty,
    /// new ledger). SQLite checked the whole file when it was opened (`init(existing:)`).
    func prepareToChange(before what: String) throws(LedgerError) {
        guard let backups else { return }
        let (revision, empty): (Int, Bool) = try read { db in
            (try Self.revision(db), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs") == 0)
        }
        if !empty { try backups.save(database, revision: revision, before: what) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                INSERT INTO meta (key, value) VALUES ('revision', '0');

                CREATE TABLE runs (
                    month TEXT PRIMARY KEY NOT NULL,            -- YYYY-MM, the first session month
                    input_file TEXT NOT NULL,
                    input_fingerprint TEXT NOT NULL,            -- SHA-256 of the export's bytes
                    config_fingerprint TEXT NOT NULL,           -- SHA-256 of configuration, overrides, holidays
                    output_fingerprint TEXT NOT NULL,           -- SHA-256 over the output files (paths and bytes)
                    records INTEGER NOT NULL,
                    applicants INTEGER NOT NULL,
                    rejected INTEGER NOT NULL,
                    pairs INTEGER NOT NULL,
                    unmatched INTEGER NOT NULL,
                    unscheduled INTEGER NOT NULL,
                    proven_optimal INTEGER NOT NULL,
                    solver TEXT NOT NULL                        -- one line per stage: name status objective
                );

                CREATE TABLE run_applicants (
                    run_month TEXT NOT NULL REFERENCES runs(month) ON DELETE CASCADE,
                    email_key TEXT NOT NULL,
                    first_response TEXT NOT NULL,               -- YYYY-MM-DD (from this export)
                    latest_response TEXT NOT NULL,              -- YYYY-MM-DD
                    outcome TEXT NOT NULL CHECK (outcome IN ('paired', 'in-pair', 'waiting')),
                    waiting_days INTEGER,
                    reason TEXT,
                    PRIMARY KEY (run_month, email_key)
                );

                CREATE TABLE applicants (
                    email_key TEXT PRIMARY KEY NOT NULL,
                    email TEXT NOT NULL,
                    name TEXT NOT NULL,
                    first_response TEXT NOT NULL,               -- earliest over every recorded run
                    latest_response TEXT NOT NULL,
                    answers TEXT NOT NULL,                      -- JSON: the latest response's answers
                    withdrawn_on TEXT,
                    withdrawal_note TEXT
                );

                CREATE TABLE pairs (
                    key TEXT PRIMARY KEY NOT NULL,              -- senior-key|junior-key
                    senior_key TEXT NOT NULL,
                    junior_key TEXT NOT NULL,
                    senior_name TEXT NOT NULL,
                    senior_email TEXT NOT NULL,
                    junior_name TEXT NOT NULL,
                    junior_email TEXT NOT NULL,
                    month_formed TEXT NOT NULL,
                    junior_response TEXT NOT NULL,              -- the junior's latest response when formed
                    pattern TEXT NOT NULL,
                    score REAL NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'ended')),
                    ended_on TEXT,
                    end_reason TEXT
                );
                CREATE INDEX pairs_senior ON pairs(senior_key);
                CREATE INDEX pairs_junior ON pairs(junior_key);

                CREATE TABLE sessions (
                    uid TEXT PRIMARY KEY NOT NULL,
                    pair_key TEXT NOT NULL REFERENCES pairs(key) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    start INTEGER NOT NULL,                     -- Unix seconds, UTC
                    "end" INTEGER NOT NULL,
                    sequence INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
                    session TEXT NOT NULL                       -- JSON of ScheduledSession
                );
                CREATE INDEX sessions_pair ON sessions(pair_key);
                """)
        }
        // Each applicant's earliest response over every run is looked up by e-mail key; the primary key
        // (run_month, email_key) cannot serve that, so without this index recording a month is quadratic.
        migrator.registerMigration("v2-run-applicants-by-email") { db in
            try db.execute(sql: "CREATE INDEX run_applicants_email ON run_applicants(email_key)")
        }
        // A person who withdrew, whose old response is still in the export, is recorded as such rather
        // than as waiting, and so is a junior whose pair completed. SQLite cannot change a CHECK
        // constraint in place: the table is rebuilt.
        migrator.registerMigration("v3-withdrawn-outcome") { db in
            try db.execute(sql: """
                CREATE TABLE run_applicants_v3 (
                    run_month TEXT NOT NULL REFERENCES runs(month) ON DELETE CASCADE,
                    email_key TEXT NOT NULL,
                    first_response TEXT NOT NULL,
                    latest_response TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('paired', 'in-pair', 'waiting', 'finished', 'withdrawn')),
                    waiting_days INTEGER,
                    reason TEXT,
                    PRIMARY KEY (run_month, email_key)
                );
                INSERT INTO run_applicants_v3 SELECT * FROM run_applicants;
                DROP TABLE run_applicants;
                ALTER TABLE run_applicants_v3 RENAME TO run_applicants;
                CREATE INDEX run_applicants_email ON run_applicants(email_key);
                """)
        }
        // What `tandem explain` needs to rebuild a recorded month's pool exactly: the configuration and
        // the overrides as the run read them (their fingerprint alone cannot give them back), and the
        // export's encoding if one was named.
        migrator.registerMigration("v4-run-inputs") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN configuration BLOB;
                ALTER TABLE runs ADD COLUMN overrides BLOB;
                ALTER TABLE runs ADD COLUMN encoding TEXT;
                """)
        }
        // Every month reads each pair's last session, the sessions still to come (nobody is booked
        // twice) and each applicant's earliest response; sessions carry their calendar text (about
        // 1.3 KB a row), so a table read for them grows with every month kept. These indexes answer
        // all three on their own: with a year of a 24,000-a-year scheme (100,524 sessions; 214 MB, 238
        // with them) their queries took 0.14 s instead of 0.62 s, and a month's run read the history in
        // 0.43 s instead of 0.72 s and recorded the month in 1.3 s instead of 1.9 s.
        migrator.registerMigration("v5-covering-indexes") { db in
            try db.execute(sql: """
                CREATE INDEX sessions_pair_start ON sessions(pair_key, start);
                DROP INDEX sessions_pair;
                CREATE INDEX sessions_to_come ON sessions("end", status, start, pair_key, uid);
                CREATE INDEX run_applicants_first ON run_applicants(email_key, first_response);
                DROP INDEX run_applicants_email;
                """)
        }
        // Tandem's mark and schema version in the file's header, so that a ledger is recognised before
        // anything is written to it and a newer Tandem's ledger is refused (`LedgerFile`).
        migrator.registerMigration("v6-application-id") { db in
            try db.execute(sql: "PRAGMA application_id = \(LedgerFile.applicationID)")
            try db.execute(sql: "PRAGMA user_version = 6")
        }
        // The order of the coordinator's acts and the runs, by the ledger's revision, so that `tandem
        // explain` rebuilds a month without the early ends and withdrawals that came after its run.
        migrator.registerMigration("v7-act-revisions") { db in
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN recorded_revision INTEGER;
                ALTER TABLE pairs ADD COLUMN ended_revision INTEGER;
                ALTER TABLE applicants ADD COLUMN withdrawn_revision INTEGER;
                PRAGMA user_version = 7;
                """)
        }
        // What became of each session (issue 37; docs/pair-lifecycle.md): held or missed as the
        // coordinator recorded it, why it was cancelled, and the revision of the last change to it.
        migrator.registerMigration("v8-session-outcomes") { db in
            try db.execute(sql: """
                ALTER TABLE sessions ADD COLUMN outcome TEXT CHECK (outcome IN ('held', 'missed'));
                ALTER TABLE sessions ADD COLUMN outcome_note TEXT;
                ALTER TABLE sessions ADD COLUMN cancel_reason TEXT;
                ALTER TABLE sessions ADD COLUMN changed_revision INTEGER;
                PRAGMA user_version = 8;
                """)
        }
        // The objectives a pair agreed (session 2), as the coordinator recorded them: for the CPD record.
        migrator.registerMigration("v9-pair-objectives") { db in
            try db.execute(sql: """
                ALTER TABLE pairs ADD COLUMN objectives TEXT;
                ALTER TABLE pairs ADD COLUMN objectives_revision INTEGER;
                PRAGMA user_version = 9;
                """)
        }
        // A session moved by hand (`tandem move`): each move, so history tells it and `explain` rebuilds a
        // month with the time the session had when the month was run.
        migrator.registerMigration("v10-session-moves") { db in
            try db.execute(sql: """
                CREATE TABLE session_moves (
                    uid TEXT NOT NULL REFERENCES sessions(uid) ON DELETE CASCADE,
                    revision INTEGER NOT NULL,
                    moved_on TEXT NOT NULL,                     -- the coordinator's day, YYYY-MM-DD
                    from_start INTEGER NOT NULL,                -- Unix seconds, UTC
                    from_end INTEGER NOT NULL,
                    to_start INTEGER NOT NULL,
                    to_end INTEGER NOT NULL,
                    note TEXT NOT NULL,
                    PRIMARY KEY (uid, revision)
                );
                PRAGMA user_version = 10;
                """)
        }
        // The outbox (`tandem send`): each queued message, its file's digest and its state.
        migrator.registerMigration("v11-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY NOT NULL,               -- the Message-ID, without <>
                    path TEXT NOT NULL,                         -- the .eml file (absolute)
                    sha256 TEXT NOT NULL,
                    recipient_key TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    method TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    origin TEXT NOT NULL,                       -- "run 2027-01", "move 2027-01-20", …
                    month TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'unknown')),
                    attempts INTEGER NOT NULL,
                    answer TEXT NOT NULL,
                    changed_on TEXT,
                    created_revision INTEGER NOT NULL
                );
                CREATE INDEX messages_state ON messages(state);
                PRAGMA user_version = 11;
                """)
        }
        // People erased at their request: a salted hash of the address and the last day whose responses stay out.
        migrator.registerMigration("v12-forgotten") { db in
            try db.execute(sql: """
                CREATE TABLE forgotten (
                    address_hash TEXT PRIMARY KEY NOT NULL,
                    until TEXT NOT NULL,
                    pseudonym TEXT NOT NULL                     -- the e-mail key that stands for them
                );
                PRAGMA user_version = 12;
                """)
        }
        // A pair the mentor (or both partners) must accept: its answers and its state.
        migrator.registerMigration("v13-proposals") { db in
            try db.execute(sql: """
                CREATE TABLE proposals (
                    pair_key TEXT PRIMARY KEY NOT NULL REFERENCES pairs(key) ON DELETE CASCADE ON UPDATE CASCADE,
                    required TEXT NOT NULL CHECK (required IN ('senior', 'both')),
                    deadline TEXT NOT NULL,                     -- YYYY-MM-DD, the last day for an answer
                    senior_answer TEXT, senior_answered_on TEXT,
                    junior_answer TEXT, junior_answered_on TEXT,
                    state TEXT NOT NULL CHECK (state IN ('proposed', 'accepted', 'declined', 'expired')),
                    reason TEXT,
                    decided_on TEXT,
                    decided_revision INTEGER
                );
                PRAGMA user_version = 13;
                """)
        }
        // The calendar replies `tandem replies` read for a proposal: the answer, where it came from, what became of it.
        // Only replies about one of the scheme's proposals are kept (an unknown UID may be another scheme's people).
        migrator.registerMigration("v14-replies") { db in
            try db.execute(sql: """
                CREATE TABLE replies (
                    identity TEXT PRIMARY KEY NOT NULL,         -- UID|attendee|answer|RECURRENCE-ID|SEQUENCE|DTSTAMP
                    pair_key TEXT NOT NULL,
                    attendee_key TEXT NOT NULL,
                    answer TEXT NOT NULL,                       -- ACCEPTED, DECLINED, TENTATIVE, …
                    stamp INTEGER,                              -- the reply's DTSTAMP (Unix seconds)
                    source TEXT NOT NULL,                       -- file and message number
                    outcome TEXT NOT NULL,                      -- recorded, older, earlier-version, one-session, already-decided, …
                    detail TEXT NOT NULL,
                    read_on TEXT NOT NULL,
                    revision INTEGER NOT NULL
                );
                PRAGMA user_version = 14;
                """)
        }
        return migrator
    }

    // MARK: - Small helpers shared by the extensions

    static func bumpRevision(_ db: Database) throws {
        try db.execute(sql: "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'revision'")
    }

    static func revision(_ db: Database) throws -> Int {
        Int(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'revision'") ?? "0") ?? 0
    }

    /// Runs `body` in one read.
    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try database.read { db in try body(db) }
        } catch {
            throw ledgerError(error, doing: "read")
        }
    }

    /// Runs `body` in one write transaction: all of it is committed, or none.
    func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try database.write { db in try body(db) }
        } catch {
            throw ledgerError(error, doing: "write")
        }
    }

    /// An error of a read or a write in the coordinator's words: ours as it is, damage as damage (with
    /// the backup to restore), anything else without SQL; SQLite's whole message kept for `TANDEM_DEBUG`.
    private func ledgerError(_ error: any Error, doing verb: String) -> LedgerError {
        if let error = error as? LedgerError { return error }
        let message = LedgerFile.isDamage(error) ? LedgerFile.damaged(path, LedgerFile.plain(error))
            : "cannot \(verb) the ledger '\(path)': \(LedgerFile.plain(error))"
        return LedgerError(message, detail: "\(error)")
    }

    /// One change a coordinator's command makes: `check` runs first on its own, so a refused change
    /// (a typo, an unknown pair) makes no backup; then the backup (`prepareToChange`); then, in one
    /// transaction, `check` again, the revision raised, and `apply`, given what `check` found and the
    /// new revision (every act records it, for `explain`).
    func change<Checked, Result>(before what: String, check: (Database) throws -> Checked,
                                 apply: (Database, Checked, Int) throws -> Result) throws(LedgerError) -> Result {
        _ = try read(check)
        try prepareToChange(before: what)
        return try write { db in
            let checked = try check(db)
            try Self.bumpRevision(db)
            return try apply(db, checked, try Self.revision(db))
        }
    }

    /// `PRAGMA integrity_check`: "ok" for a sound file.
    public func integrityCheck() throws(LedgerError) -> String {
        try read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }

    /// Every row of every table, sorted, as text: two ledgers with equal dumps hold the same facts.
    public func dump() throws(LedgerError) -> String {
        try read { db in
            var out = ""
            for table in ["meta", "runs", "run_applicants", "applicants", "pairs", "sessions", "session_moves", "messages", "forgotten", "proposals", "replies"] {
                out += "== \(table)\n"
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table)")
                out += rows.map { $0.description }.sorted().joined(separator: "\n") + "\n"
            }
            return out
        }
    }

    /// The latest month recorded, if any.
    public func latestMonth() throws(LedgerError) -> YearMonth? {
        try read { db in try String.fetchOne(db, sql: "SELECT MAX(month) FROM runs").flatMap(YearMonth.init) }
    }

    /// Each value as stored JSON (sorted keys), on all cores (each share with its own encoder): a
    /// large month stores a hundred thousand applicants' answers.
    static func jsonOfEach<T: Encodable & Sendable>(_ values: [T]) throws(LedgerError) -> [String] {
        let shares = workerCount(for: values.count / 256)
        let bounds = (0...shares).map { values.count * $0 / shares }
        let encoded = Array(0..<shares).concurrentMap { w -> Result<[String], any Error> in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Result { try values[bounds[w]..<bounds[w + 1]].map { String(decoding: try encoder.encode($0), as: UTF8.self) } }
        }
        do {
            return try encoded.flatMap { try $0.get() }
        } catch {
            throw LedgerError("cannot encode the values to store: \(error)")
        }
    }

    static func session(fromJSON text: String) throws -> ScheduledSession {
        try JSONDecoder().decode(ScheduledSession.self, from: Data(text.utf8))
    }
}

extension YearMonth {
    /// 00:00 UTC on the first day: sessions starting before it are "before this month".
    var startInstant: Int64 { Int64(firstDay.daysSinceEpoch) * 86_400 }
}

extension LocalDate {
    /// 00:00 UTC on this day.
    public var startInstant: Int64 { Int64(daysSinceEpoch) * 86_400 }
}
