import Foundation
import GRDB
import TandemMatching
import TandemModel
import TandemPipeline
import TandemReports
import TandemScheduling

/// What a run needs from the ledger, read before it starts.
public struct LedgerSnapshot: Sendable {
    /// The scheme's memory as of the start of the month, from runs of earlier months only.
    public var history: SchemeHistory
    /// The ledger's revision when read: `record` refuses to commit if another command changed it since.
    public var revision: Int
    /// The latest month recorded before this run.
    public var latestMonth: YearMonth?
    /// Recorded months this run replaces: the month itself and, with `--force`, every later one.
    public var replacedMonths: [YearMonth]
}

/// What identifies a run's inputs and outputs.
public struct RunFingerprints: Sendable, Hashable {
    public var input: String
    public var configuration: String
    public var outputs: String

    public init(input: String, configuration: String, outputs: String) {
        self.input = input
        self.configuration = configuration
        self.outputs = outputs
    }

    /// Fingerprints from the bytes: the export; configuration, overrides and holidays; the output files,
    /// already fed to `outputs` as they were written.
    public init(applications: [UInt8], configuration: [[UInt8]], outputs: OutputFingerprint) {
        input = SHA256.hex(applications)
        var joined: [UInt8] = []
        for part in configuration { joined += Array("\(part.count):".utf8) + part }
        self.configuration = SHA256.hex(joined)
        self.outputs = outputs.value
    }

    /// Fingerprints from the bytes: the export; configuration, overrides and holidays; the output files.
    public init(applications: [UInt8], configuration: [[UInt8]], outputs: some Sequence<OutputFile>) {
        var fingerprint = OutputFingerprint()
        for file in outputs.sorted(by: { $0.path < $1.path }) { fingerprint.add(file) }
        self.init(applications: applications, configuration: configuration, outputs: fingerprint)
    }
}

/// The fingerprint of a run's output files, fed one file at a time in path order, so the executable
/// hashes each file as it writes it instead of reading every output again. For each file but timings.md:
/// "path\ncount\n" and then its bytes, all through one SHA-256 (ledgers compare against this value).
public struct OutputFingerprint {
    private var hasher = SHA256.Hasher()
    private var lastPath: String?

    public init() {}

    public mutating func add(_ file: OutputFile) {
        precondition(lastPath.map { $0 <= file.path } ?? true, "output files must be fingerprinted in path order")
        lastPath = file.path
        // timings.md holds wall-clock seconds: the one output that differs between identical runs.
        guard file.path != "timings.md" else { return }
        hasher.update("\(file.path)\n\(file.contents.count)\n")
        hasher.update(file.contents)
    }

    /// The SHA-256 in hexadecimal.
    public var value: String {
        var copy = hasher
        return SHA256.hex(digest: copy.finalize())
    }
}

/// The inputs of a run besides the export, kept so that `tandem explain` can rebuild its pool.
public struct RunInputs: Sendable, Hashable {
    /// The configuration file's bytes (empty: the defaults) and the overrides file's (empty: none).
    public var configuration: [UInt8]
    public var overrides: [UInt8]
    /// The encoding named with --encoding, if any.
    public var encoding: String?

    public init(configuration: [UInt8] = [], overrides: [UInt8] = [], encoding: String? = nil) {
        self.configuration = configuration
        self.overrides = overrides
        self.encoding = encoding
    }
}

/// A month as the ledger recorded it: what `tandem explain` checks its re-computation against.
public struct RecordedRun: Sendable {
    public var month: YearMonth
    /// The export as given to the run (an absolute path since Tandem 0.5) and the SHA-256 of its bytes.
    public var inputFile: String
    public var inputFingerprint: String
    /// Nil for runs recorded before the ledger kept them (ledger v3 and earlier).
    public var inputs: RunInputs?
    /// The month's new pairs as "senior|junior" e-mail keys.
    public var pairKeys: Set<String>
    /// The ledger's revision once the run was recorded (nil before ledger v7): what came after it.
    public var recordedRevision: Int?
}

/// Which of the coordinator's acts (an early end, a withdrawal) a recorded run saw, so that a month
/// is rebuilt as it was run however the scheme went on. Acts carry the ledger's revision since v7;
/// of older acts or runs, an act dated on or after the month's first day counts as after the run
/// (runs are made before their month starts), the one guess the ledger can make for them.
struct ActsSeen {
    let runRevision: Int?
    let monthStart: LocalDate

    init(_ run: RecordedRun) {
        runRevision = run.recordedRevision
        monthStart = run.month.firstDay
    }

    func cameAfterRun(revision: Int?, on day: String?) -> Bool {
        switch (runRevision, revision) {
        case let (run?, act?): return act > run
        case (.some, nil): return false  // an act from before v7, so before a run recorded since
        case (nil, .some): return true   // an act since v7, so after a run recorded before
        case (nil, nil): return day.flatMap(LocalDate.init(iso:)).map { $0 >= monthStart } ?? false
        }
    }
}

/// One pair a person was in, from the ledger.
public struct RecordedPair: Sendable, Hashable {
    public var seniorName: String, seniorEmail: String
    public var juniorName: String, juniorEmail: String
    public var seniorKey: String, juniorKey: String
    public var monthFormed: YearMonth
    /// active, completed or ended (as `tandem end-pair` records it).
    public var status: String
}

/// Points inside `record` where a test can stop the process (see `tandem run`'s `TANDEM_TEST_PAUSE_AT`).
public enum RecordPoint: String, Sendable, CaseIterable {
    /// The rows are written inside the open transaction, nothing is committed.
    case insideTransaction = "inside-transaction"
}

extension Ledger {
    /// The history a recorded run saw, as it saw it: later early ends, withdrawals and cancellations
    /// left out (`ActsSeen`), so that `tandem explain` tells the month as it was run.
    public func snapshot(asRecorded run: RecordedRun) throws(LedgerError) -> SchemeHistory {
        try read { db in try Self.history(db, before: run.month, seen: ActsSeen(run)) }
    }

    /// Reads the scheme's memory as of the start of `month`: pairs formed in earlier months, ended pairs,
    /// withdrawals, and who was seen first when. Refuses a month earlier than the latest recorded unless `force`.
    public func snapshot(before month: YearMonth, force: Bool = false) throws(LedgerError) -> LedgerSnapshot {
        try read { db in
            let latest = try String.fetchOne(db, sql: "SELECT MAX(month) FROM runs").flatMap(YearMonth.init)
            if let latest, month < latest, !force {
                throw LedgerError("the ledger already holds \(latest); running the earlier month \(month) would discard \(latest)'s pairs — add --force to do that")
            }
            let replaced = try String.fetchAll(db, sql: "SELECT month FROM runs WHERE month >= ? ORDER BY month", arguments: ["\(month)"])
                .compactMap(YearMonth.init)
            return LedgerSnapshot(history: try Self.history(db, before: month), revision: try Self.revision(db),
                                  latestMonth: latest, replacedMonths: replaced)
        }
    }

    /// The history as of the start of `month`; with `seen`, as a recorded run of that month saw it.
    static func history(_ db: Database, before month: YearMonth, seen: ActsSeen? = nil) throws -> SchemeHistory {
        var history = SchemeHistory()
        let monthText = "\(month)"
        let monthStart = month.startInstant
        /// Whether an ended pair had ended when the run being rebuilt was made (always, without `seen`).
        func hadEnded(_ row: Row) -> Bool {
            (row["status"] as String) == "ended" && !(seen?.cameAfterRun(revision: row["ended_revision"], on: row["ended_on"]) ?? false)
        }
        // Every pair made in an earlier month, and every pair ended early whatever its month: never again.
        let pairs = try Row.fetchAll(db, sql: """
            SELECT p.key, p.senior_key, p.junior_key, p.status, p.month_formed, p.junior_response, p.ended_on, p.ended_revision,
                   (SELECT MAX(s.start) FROM sessions s WHERE s.pair_key = p.key) AS last_start,
                   (SELECT json_extract(s.session, '$.timeZone') FROM sessions s WHERE s.pair_key = p.key
                    ORDER BY s.start DESC LIMIT 1) AS last_zone
            FROM pairs p
            WHERE p.month_formed < ? OR p.status = 'ended'
            ORDER BY p.key
            """, arguments: [monthText])
        for row in pairs {
            let key: String = row["key"]
            let ended = hadEnded(row)
            let formed: String = row["month_formed"]
            guard ended || formed < monthText else { continue }
            history.pairsMadeBefore.insert(key)
            guard !ended, formed < monthText else { continue }
            let lastStart: Int64 = row["last_start"] ?? 0
            let senior: String = row["senior_key"], junior: String = row["junior_key"]
            if Self.startsInOrAfter(month, lastStart, zone: row["last_zone"]) {
                history.activePairCount += 1
                history.activeJuniors.insert(junior)
                history.runningPairs.insert(key)
                history.capacityInUse[senior, default: 0] += 1
            } else {
                // Completed: the senior's place is free; the junior is not paired as a junior again on the same response.
                let responded: String = row["junior_response"]
                if let date = LocalDate(iso: responded) {
                    history.finishedJuniors[junior] = max(history.finishedJuniors[junior] ?? date, date)
                }
            }
        }
        if let row = try Row.fetchOne(db, sql: "SELECT month, applicants FROM runs WHERE month < ? ORDER BY month DESC LIMIT 1",
                                      arguments: [monthText]),
           let previous = YearMonth(row["month"]) {
            history.previousRun = (previous, row["applicants"])
        }
        // Every scheduled session that may fall in the month or later in any zone (from 14 hours before
        // its first instant in UTC), of any pair not ended: nobody is booked twice.
        // Rebuilding a recorded run, the sessions of pairs that ended after it count as they stood then.
        let sessions = seen == nil ? """
            SELECT s.start, s."end", p.senior_key, p.junior_key FROM sessions s JOIN pairs p ON p.key = s.pair_key
            WHERE p.status != 'ended' AND p.month_formed < ? AND s.status = 'scheduled' AND s."end" > ?
            ORDER BY s.start, s.uid
            """ : """
            SELECT s.start, s."end", p.senior_key, p.junior_key, p.status, p.ended_on, p.ended_revision, s.status AS session_status,
                   s.changed_revision, m.from_start, m.from_end
            FROM sessions s JOIN pairs p ON p.key = s.pair_key
            LEFT JOIN session_moves m ON m.uid = s.uid AND m.revision = (
                SELECT MIN(revision) FROM session_moves WHERE uid = s.uid AND revision > \(seen?.runRevision ?? -1))
            WHERE p.month_formed < ? AND COALESCE(m.from_end, s."end") > ?
            ORDER BY s.start, s.uid
            """
        for row in try Row.fetchAll(db, sql: sessions, arguments: [monthText, monthStart - Self.widestOffset]) {
            // A session cancelled on its own after the run still stood for it.
            if let seen, hadEnded(row) || ((row["status"] as String) != "ended" && (row["session_status"] as String) != "scheduled"
                                            && !seen.cameAfterRun(revision: row["changed_revision"], on: nil)) {
                continue
            }
            // A session moved after the run stood where it was before its first such move.
            let fromStart: Int64? = row["from_start"], fromEnd: Int64? = row["from_end"]
            let start: Int64 = fromStart ?? row["start"], end: Int64 = fromEnd ?? row["end"]
            history.commitments.append(Commitment(person: row["senior_key"], start: start, end: end))
            history.commitments.append(Commitment(person: row["junior_key"], start: start, end: end))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT email_key, MIN(first_response) AS first FROM run_applicants WHERE run_month < ? GROUP BY email_key
            """, arguments: [monthText]) {
            let key: String = row["email_key"]
            if let date = LocalDate(iso: row["first"]) { history.firstSeen[key] = date }
        }
        // The trend in report.html: each earlier month's pairs and the waits of those left waiting.
        var waits: [String: [Int]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT run_month, waiting_days FROM run_applicants
            WHERE run_month < ? AND outcome = 'waiting' AND waiting_days IS NOT NULL
            """, arguments: [monthText]) {
            waits[row["run_month"], default: []].append(row["waiting_days"])
        }
        for row in try Row.fetchAll(db, sql: "SELECT month, pairs FROM runs WHERE month < ? ORDER BY month", arguments: [monthText]) {
            let text: String = row["month"]
            guard let recorded = YearMonth(text) else { continue }
            history.months.append(SchemeMonth(month: recorded, pairs: row["pairs"], waitingDays: waits[text] ?? []))
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT email_key, withdrawn_on, withdrawn_revision FROM applicants WHERE withdrawn_on IS NOT NULL
            """) {
            let key: String = row["email_key"]
            if seen?.cameAfterRun(revision: row["withdrawn_revision"], on: row["withdrawn_on"]) == true { continue }
            if let date = LocalDate(iso: row["withdrawn_on"]) {
                history.withdrawnOn[key] = date
                history.firstSeen[key] = nil
            }
        }
        history.forgotten = try Self.forgottenAddresses(db)
        if seen == nil { history.proposals = try Self.proposalSummary(db, before: month) }
        return history
    }

    /// The proposals of runs before `month` for the run's reports: those still waiting, those decided
    /// since the previous run, each month's answers. Nil when the scheme has none. The run fills in
    /// its own day and deadline.
    static func proposalSummary(_ db: Database, before month: YearMonth) throws -> ProposalSummary? {
        let rows = try Row.fetchAll(db, sql: """
            SELECT x.*, p.senior_name, p.junior_name, p.month_formed FROM proposals x JOIN pairs p ON p.key = x.pair_key
            WHERE p.month_formed < ? ORDER BY x.deadline, x.pair_key
            """, arguments: ["\(month)"])
        guard !rows.isEmpty else { return nil }
        let lastRun = try Int.fetchOne(db, sql: "SELECT MAX(recorded_revision) FROM runs WHERE month < ?", arguments: ["\(month)"]) ?? 0
        var summary = ProposalSummary(today: month.firstDay, deadline: month.firstDay)
        var months: [String: ProposalSummary.Month] = [:]
        for row in rows {
            let (senior, junior, state): (String, String, String) = (row["senior_name"], row["junior_name"], row["state"])
            let formed: String = row["month_formed"]
            var tally = months[formed] ?? ProposalSummary.Month(month: YearMonth(formed) ?? month, proposed: 0, accepted: 0, declined: 0, expired: 0)
            tally.proposed += 1
            switch state {
            case "accepted": tally.accepted += 1
            case "declined": tally.declined += 1
            case "expired": tally.expired += 1
            default:
                let missing = Proposal.waitingFor(required: row["required"], senior: (senior, row["senior_answer"]), junior: (junior, row["junior_answer"]))
                summary.open.append(.init(senior: senior, junior: junior, deadline: LocalDate(iso: row["deadline"]) ?? month.firstDay,
                                          waitingFor: missing.joined(separator: " and ")))
            }
            months[formed] = tally
            if state != "proposed", let revision: Int = row["decided_revision"], revision > lastRun {
                summary.decided.append(.init(senior: senior, junior: junior, state: state, reason: row["reason"] ?? "", on: row["decided_on"] ?? ""))
            }
        }
        summary.months = months.values.sorted { $0.month < $1.month }
        return summary
    }

    /// The widest distance from UTC of any zone (Kiribati, UTC+14): how far a month's first local day
    /// can begin before its first instant in UTC.
    static let widestOffset: Int64 = 14 * 3600

    /// Whether a session starting at `start` (Unix seconds) falls in `month` or later in its own zone:
    /// a pair whose last session does is still running in that month. A Sydney session at 10:00 on
    /// 1 February starts at 23:00 UTC on 31 January.
    static func startsInOrAfter(_ month: YearMonth, _ start: Int64, zone: String?) -> Bool {
        let first = month.startInstant
        if start >= first + widestOffset { return true }
        if start < first - widestOffset { return false }
        let offset = zone.flatMap { TimeZone(identifier: $0) }
            .map { Int64($0.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start)))) } ?? 0
        return start + offset >= first
    }

    /// Records a month's results in ONE transaction: replaces the month (and, when forced, later months),
    /// stores the applicants seen, the new pairs and their sessions, and the run. `beforeCommit` runs last
    /// inside the transaction (the executable swaps the finished output folder into place there); if it or
    /// anything else throws, nothing is recorded. `checkpoint` lets tests stop the process at named points.
    public func record(_ output: RunOutput, month: YearMonth, inputFile: String, fingerprints: RunFingerprints,
                       inputs: RunInputs = RunInputs(), snapshot: LedgerSnapshot, messages: [QueuedMessage] = [],
                       proposals: ProposalTerms? = nil,
                       checkpoint: (RecordPoint) -> Void = { _ in }, beforeCommit: () throws -> Void = {}) throws(LedgerError) {
        // The stored JSON, made before the transaction and on all cores.
        let applicants = output.ingest.applicants.sorted(by: { $0.email.key < $1.email.key })
        let answers = try Self.jsonOfEach(applicants.map(Answers.init))
        let scheduled = output.schedule.scheduled.sorted(by: { $0.pair.key < $1.pair.key })
        var sessionJSON = scheduled.flatMap(\.sessions).map(SessionJSON.encode)[...]
        try prepareToChange(before: "run-\(month)")
        try write { db in
            guard try Self.revision(db) == snapshot.revision else {
                throw LedgerError("the ledger changed while this run was working (another tandem command?); nothing was recorded — run again")
            }
            let monthText = "\(month)"
            // Replace this month and later ones; pairs ended early stay, since they must never be proposed again.
            try db.execute(sql: "DELETE FROM sessions WHERE pair_key IN (SELECT key FROM pairs WHERE month_formed >= ? AND status != 'ended')",
                           arguments: [monthText])
            try db.execute(sql: "DELETE FROM pairs WHERE month_formed >= ? AND status != 'ended'", arguments: [monthText])
            try db.execute(sql: "DELETE FROM runs WHERE month >= ?", arguments: [monthText])

            let matching = output.matching
            let solver = matching.stages.map { "\($0.name) \($0.status) objective \($0.objective)" }.joined(separator: "\n")
            try db.execute(sql: """
                INSERT INTO runs (month, input_file, input_fingerprint, config_fingerprint, output_fingerprint, records,
                                  applicants, rejected, pairs, unmatched, unscheduled, proven_optimal, solver,
                                  configuration, overrides, encoding)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [monthText, inputFile, fingerprints.input, fingerprints.configuration, fingerprints.outputs,
                                 output.ingest.recordCount, output.ingest.applicants.count, output.ingest.rejected.count,
                                 output.schedule.scheduled.count, matching.unmatched.count, output.schedule.unscheduled.count,
                                 matching.allProvenOptimal, solver,
                                 Data(inputs.configuration), Data(inputs.overrides), inputs.encoding])

            let pairedKeys = Set(scheduled.flatMap { [$0.pair.senior.email.key, $0.pair.junior.email.key] })
            let unmatched = Dictionary(matching.unmatched.map { ($0.applicant.email.key, $0) }, uniquingKeysWith: { a, _ in a })
            let unscheduled = Dictionary(output.schedule.unscheduled.flatMap { [($0.pair.senior.email.key, $0), ($0.pair.junior.email.key, $0)] },
                                         uniquingKeysWith: { a, _ in a })
            // The per-row inserts are compiled once, not once per row (tens of thousands of rows for a large pool).
            let insertRunApplicant = try db.makeStatement(sql: """
                INSERT INTO run_applicants (run_month, email_key, first_response, latest_response, outcome, waiting_days, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let upsertApplicant = try db.makeStatement(sql: """
                INSERT INTO applicants (email_key, email, name, first_response, latest_response, answers)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(email_key) DO UPDATE SET email = excluded.email, name = excluded.name,
                    latest_response = excluded.latest_response, answers = excluded.answers
                """)
            for (applicant, answers) in zip(applicants, answers) {
                let key = applicant.email.key
                // An old response of someone erased: counted under their pseudonym, nothing of theirs stored.
                if let until = snapshot.history.forgotten.until(key), applicant.submittedAt.date <= until,
                   let pseudonym = snapshot.history.forgotten.pseudonym(key) {
                    try insertRunApplicant.execute(arguments: [monthText, pseudonym, "\(until)", "\(until)", "withdrawn", nil,
                                                               "erased at their request; left out unless they apply anew"])
                    continue
                }
                // Paired; or where they stood (`Pool.Standing`); or left out of the pool as withdrawn.
                let withdrawn = snapshot.history.withdrawnOn[key].flatMap { applicant.submittedAt.date <= $0 ? $0 : nil }
                let outcome = pairedKeys.contains(key) ? "paired" : withdrawn != nil ? "withdrawn"
                    : unmatched[key]?.standing.rawValue ?? "waiting"
                var reason: String? = unmatched[key]?.reason
                if let withdrawn, outcome == "withdrawn" { reason = "withdrew on \(withdrawn); left out unless they apply anew" }
                if let problem = unscheduled[key], outcome == "waiting" { reason = problem.explanation }
                if reason == nil, outcome != "paired" { reason = "in a new pair the scheduler could not fit" }
                try insertRunApplicant.execute(arguments: [
                    monthText, key, "\(applicant.appliedOn)", "\(applicant.submittedAt.date)", outcome,
                    outcome == "waiting" ? unmatched[key]?.waitingDays : nil, outcome == "paired" ? nil : reason])
                try upsertApplicant.execute(arguments: [
                    key, applicant.email.text, applicant.name, "\(applicant.appliedOn)", "\(applicant.submittedAt.date)", answers])
            }
            // People only a replaced run saw are forgotten (a withdrawal is kept); the first response is the
            // earliest any remaining run saw.
            try db.execute(sql: """
                DELETE FROM applicants WHERE withdrawn_on IS NULL
                    AND email_key NOT IN (SELECT email_key FROM run_applicants)
                """)
            try db.execute(sql: """
                UPDATE applicants SET first_response = COALESCE(
                    (SELECT MIN(first_response) FROM run_applicants r WHERE r.email_key = applicants.email_key), first_response)
                """)

            let responses = Dictionary(output.ingest.applicants.map { ($0.email.key, "\($0.submittedAt.date)") }, uniquingKeysWith: { a, _ in a })
            let scores = Dictionary(matching.pairs.map { ($0.senior.email.key + "|" + $0.junior.email.key, $0.score.total) },
                                    uniquingKeysWith: { a, _ in a })
            let insertPair = try db.makeStatement(sql: """
                INSERT INTO pairs (key, senior_key, junior_key, senior_name, senior_email, junior_name, junior_email,
                                   month_formed, junior_response, pattern, score, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')
                """)
            let insertSession = try db.makeStatement(sql: """
                INSERT INTO sessions (uid, pair_key, number, start, "end", sequence, status, session)
                VALUES (?, ?, ?, ?, ?, ?, 'scheduled', ?)
                """)
            for pair in scheduled {
                let senior = pair.pair.senior, junior = pair.pair.junior

                try insertPair.execute(arguments: [
                    pair.pair.key, senior.email.key, junior.email.key, senior.name, senior.email.text,
                    junior.name, junior.email.text, monthText, responses[junior.email.key] ?? "\(junior.submittedAt.date)",
                    pair.pattern.description, scores[pair.pair.key] ?? 0])
                for session in pair.sessions {
                    try insertSession.execute(arguments: [
                        session.uid, pair.pair.key, session.number, session.start, session.end, session.sequence,
                        sessionJSON.removeFirst()])
                }
                if let proposals {
                    try db.execute(sql: "INSERT INTO proposals (pair_key, required, deadline, state) VALUES (?, ?, ?, 'proposed')",
                                   arguments: [pair.pair.key, proposals.required, "\(proposals.deadline)"])
                }
            }
            // Status as of this month: a pair whose last session started before it is completed.
            try db.execute(sql: """
                UPDATE pairs SET status = CASE
                    WHEN (SELECT MAX(start) FROM sessions s WHERE s.pair_key = pairs.key) < ? THEN 'completed' ELSE 'active' END
                WHERE status != 'ended'
                """, arguments: [month.startInstant])
            try Self.bumpRevision(db)
            try db.execute(sql: "UPDATE runs SET recorded_revision = ? WHERE month = ?", arguments: [try Self.revision(db), monthText])
            // The runs replaced take back the messages of theirs that never went.
            try db.execute(sql: "DELETE FROM messages WHERE origin LIKE 'run %' AND month >= ? AND state IN ('pending', 'failed')",
                           arguments: [monthText])
            try Self.queue(db, messages, revision: try Self.revision(db))
            checkpoint(.insideTransaction)
            try beforeCommit()
        }
    }
}

/// The answers kept for an applicant (the latest response), as stored JSON.
struct Answers: Codable, Sendable {
    var name: String
    var organisation: String
    var jobTitle: String
    var yearsOfExperience: Double
    var role: String
    var capacity: Int
    var expertise: [String]
    var development: [String]
    var meeting: String
    var region: String
    var timeZone: String
    var availability: [String]
    var preferredPartner: String
    var conflicts: [String]
    var consent: Bool
    /// What they hope to get out of the mentorship, for the CPD record (nil in rows stored before it was kept).
    var goals: String?

    init(_ applicant: Applicant) {
        name = applicant.name
        organisation = applicant.organisation
        jobTitle = applicant.jobTitle
        yearsOfExperience = applicant.yearsOfExperience
        role = applicant.role.rawValue
        capacity = applicant.capacity
        expertise = applicant.expertise
        development = applicant.development
        meeting = applicant.meeting.rawValue
        region = applicant.region
        timeZone = applicant.timeZone
        availability = applicant.availability.map(\.description)
        preferredPartner = applicant.preferredPartner
        conflicts = applicant.conflicts
        consent = applicant.consent
        goals = applicant.goals
    }
}

extension Ledger {
    /// The run recorded for `month` (default: the latest), or nil when there is none.
    public func recordedRun(_ month: YearMonth? = nil) throws(LedgerError) -> RecordedRun? {
        try read { db in
            let row: Row?
            if let month {
                row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE month = ?", arguments: ["\(month)"])
            } else {
                row = try Row.fetchOne(db, sql: "SELECT * FROM runs ORDER BY month DESC LIMIT 1")
            }
            guard let row, let recorded = YearMonth(row["month"] as String) else { return nil }
            var inputs: RunInputs? = nil
            if let configuration: Data = row["configuration"] {
                let overrides: Data = row["overrides"] ?? Data()
                inputs = RunInputs(configuration: Array(configuration), overrides: Array(overrides), encoding: row["encoding"])
            }
            let keys = try String.fetchAll(db, sql: "SELECT key FROM pairs WHERE month_formed = ?", arguments: ["\(recorded)"])
            return RecordedRun(month: recorded, inputFile: row["input_file"], inputFingerprint: row["input_fingerprint"],
                               inputs: inputs, pairKeys: Set(keys), recordedRevision: row["recorded_revision"])
        }
    }

    /// Every pair `emailKey` was in, formed before `month`, oldest first.
    public func pairs(of emailKey: String, before month: YearMonth) throws(LedgerError) -> [RecordedPair] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM pairs WHERE (senior_key = ? OR junior_key = ?) AND month_formed < ?
                ORDER BY month_formed, key
                """, arguments: [emailKey, emailKey, "\(month)"]).compactMap { row in
                guard let formed = YearMonth(row["month_formed"] as String) else { return nil }
                return RecordedPair(seniorName: row["senior_name"], seniorEmail: row["senior_email"],
                                    juniorName: row["junior_name"], juniorEmail: row["junior_email"],
                                    seniorKey: row["senior_key"], juniorKey: row["junior_key"],
                                    monthFormed: formed, status: row["status"])
            }
        }
    }
}
