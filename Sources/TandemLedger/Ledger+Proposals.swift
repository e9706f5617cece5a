import Foundation
import GRDB
import TandemModel
import TandemScheduling

/// What a run's new pairs wait for when `[acceptance]` is on: whose answer, and by which day.
public struct ProposalTerms: Sendable {
    /// `senior` or `both`.
    public var required: String
    public var deadline: LocalDate

    public init(required: String, deadline: LocalDate) {
        self.required = required
        self.deadline = deadline
    }
}

/// A proposed pair and its answers.
public struct Proposal: Sendable, Hashable {
    public var pairKey: String
    public var seniorName: String
    public var seniorEmail: String
    public var juniorName: String
    public var juniorEmail: String
    public var required: String
    public var deadline: String
    public var seniorAnswer: String?
    public var juniorAnswer: String?
    /// `proposed`, `accepted`, `declined` or `expired`.
    public var state: String
    public var reason: String?
    public var decidedOn: String?

    /// Everyone required has accepted.
    var complete: Bool { seniorAnswer == "accepted" && (required == "senior" || juniorAnswer == "accepted") }

    /// Whose acceptance is still missing, by name ("Ann Lee (tentative)" for a tentative answer).
    public var waitingFor: [String] {
        Self.waitingFor(required: required, senior: (seniorName, seniorAnswer), junior: (juniorName, juniorAnswer))
    }

    static func waitingFor(required: String, senior: (name: String, answer: String?), junior: (name: String, answer: String?)) -> [String] {
        ([senior] + (required == "both" ? [junior] : [])).filter { $0.answer != "accepted" }
            .map { $0.name + ($0.answer == "tentative" ? " (tentative)" : "") }
    }
}

/// What one recorded answer did to its proposal.
enum AnswerEffect {
    /// Still waiting (an acceptance with another one missing, or a tentative answer).
    case waiting
    /// The pair now stands: its sessions with SEQUENCE raised, and where moved ones first were.
    case accepted(sessions: [ScheduledSession], originals: [String: Int64])
    /// Declined: the pair is dissolved.
    case declined(PairEnding)
}

/// How a pair's sessions went out when they went as one iTIP series (a proposal, `[acceptance]` on).
public struct SeriesForm: Sendable {
    /// Where each moved session first was (its RECURRENCE-ID), by UID.
    public var originals: [String: Int64]
    /// The proposal was accepted: the series is CONFIRMED.
    public var confirmed: Bool
}

extension Ledger {
    /// Nil when the pair of `senior` and `junior` went out as separate events; else its series' form.
    public func seriesForm(senior: String, junior: String) throws(LedgerError) -> SeriesForm? {
        let key = EmailAddress(senior).key + "|" + EmailAddress(junior).key
        return try read { db in
            guard let originals = try Self.seriesOriginals(db, pairKey: key) else { return nil }
            let state = try String.fetchOne(db, sql: "SELECT state FROM proposals WHERE pair_key = ?", arguments: [key])
            return SeriesForm(originals: originals, confirmed: state == "accepted")
        }
    }

    /// The proposals in `states`, by deadline.
    public func proposals(in states: Set<String>) throws(LedgerError) -> [Proposal] {
        try read { db in try Self.proposals(db, whereClause: "x.state IN (\(states.map { "'\($0)'" }.sorted().joined(separator: ", ")))") }
    }

    static func proposals(_ db: Database, whereClause: String, arguments: StatementArguments = []) throws -> [Proposal] {
        try Row.fetchAll(db, sql: """
            SELECT x.*, p.senior_name, p.senior_email, p.junior_name, p.junior_email FROM proposals x JOIN pairs p ON p.key = x.pair_key
            WHERE \(whereClause) ORDER BY x.deadline, x.pair_key
            """, arguments: arguments).map { row in
            Proposal(pairKey: row["pair_key"], seniorName: row["senior_name"], seniorEmail: row["senior_email"], juniorName: row["junior_name"],
                     juniorEmail: row["junior_email"], required: row["required"], deadline: row["deadline"], seniorAnswer: row["senior_answer"],
                     juniorAnswer: row["junior_answer"], state: row["state"], reason: row["reason"], decidedOn: row["decided_on"])
        }
    }

    /// Records `person`'s answer to their open proposal (with `partner` when they have several): an
    /// acceptance (the pair stands once everyone required has accepted) or a decline, which dissolves
    /// the pair at once as `end-pair` does — sessions cancelled, the two never proposed to each other
    /// again, both back in the pool with their first application date. `beforeCommit` gets the ending.
    /// `confirmed` gets the sessions of a pair that now stands (each SEQUENCE raised, as its
    /// confirmation is a new version of the invitation) and where moved ones first were.
    public func answer(person: String, partner: String?, accepts: Bool, reason: String, today: LocalDate,
                       confirmed: ([ScheduledSession], [String: Int64]) throws -> [QueuedMessage] = { _, _ in [] },
                       beforeCommit: (PairEnding) throws -> [QueuedMessage] = { _ in [] }) throws(LedgerError) -> (Proposal, PairEnding?) {
        let key = EmailAddress(person).key, other = partner.map { EmailAddress($0).key }
        func check(_ db: Database) throws -> Proposal {
            var open = try Self.proposals(db, whereClause: "x.state = 'proposed' AND (p.senior_key = ? OR p.junior_key = ?)", arguments: [key, key])
            if let other { open = open.filter { Self.people(ofPairKey: $0.pairKey) == (key, other) || Self.people(ofPairKey: $0.pairKey) == (other, key) } }
            guard let only = open.first else {
                throw LedgerError("no open proposal for '\(person)'" + (partner.map { " with '\($0)'" } ?? "") + " (tandem status lists the proposals waiting)")
            }
            guard open.count == 1 else {
                throw LedgerError("'\(person)' has \(open.count) open proposals (with "
                    + open.map { Self.people(ofPairKey: $0.pairKey).senior == key ? $0.juniorEmail : $0.seniorEmail }.joined(separator: ", ")
                    + "); name the partner too")
            }
            return only
        }
        return try change(before: "\(accepts ? "accept" : "decline")-\(today)", check: check) { db, proposal, revision in
            var updated = proposal
            let side = Self.people(ofPairKey: proposal.pairKey).senior == key ? "senior" : "junior"
            let who = side == "senior" ? proposal.seniorName : proposal.juniorName
            let why = "declined by \(who)" + (reason.isEmpty ? "" : ": \(reason)")
            switch try Self.record(db, &updated, side: side, answer: accepts ? "accepted" : "declined", why: why, day: today, today: today,
                                   revision: revision) {
            case .waiting:
                return (updated, nil)
            case let .accepted(sessions, originals):
                try Self.queue(db, try confirmed(sessions, originals), revision: revision)
                return (updated, nil)
            case let .declined(ending):
                try Self.queue(db, try beforeCommit(ending), revision: revision)
                return (updated, ending)
            }
        }
    }

    /// Records `side`'s `answer` (accepted, declined or tentative) to the open `proposal`, given on
    /// `day`, and what follows: a pair everyone required has accepted stands (its sessions' SEQUENCE
    /// raised), a decline (`why`) dissolves it as `end-pair` does on `today`.
    static func record(_ db: Database, _ proposal: inout Proposal, side: String, answer: String, why: String, day: LocalDate,
                       today: LocalDate, revision: Int) throws -> AnswerEffect {
        try db.execute(sql: "UPDATE proposals SET \(side)_answer = ?, \(side)_answered_on = ? WHERE pair_key = ?",
                       arguments: [answer, "\(day)", proposal.pairKey])
        proposal = try Self.proposals(db, whereClause: "x.pair_key = ?", arguments: [proposal.pairKey])[0]
        switch answer {
        case "accepted":
            guard proposal.complete else { return .waiting }
            try decide(db, &proposal, "accepted", reason: nil, today: day, revision: revision)
            return .accepted(sessions: try confirm(db, pairKey: proposal.pairKey, revision: revision),
                             originals: try seriesOriginals(db, pairKey: proposal.pairKey) ?? [:])
        case "declined":
            try decide(db, &proposal, "declined", reason: why, today: day, revision: revision)
            let pairs = try Self.pairs(db, whereClause: "key = ?", arguments: [proposal.pairKey])
            return .declined(try end(db, pairs: pairs, today: today, reason: why, person: nil, revision: revision))
        default:
            return .waiting
        }
    }

    /// Dissolves every proposal still waiting after its deadline (before `today`), as a decline does.
    public func expireProposals(today: LocalDate,
                                beforeCommit: (PairEnding) throws -> [QueuedMessage] = { _ in [] }) throws(LedgerError) -> [Proposal] {
        func check(_ db: Database) throws -> [Proposal] {
            try Self.proposals(db, whereClause: "x.state = 'proposed' AND x.deadline < ?", arguments: ["\(today)"])
        }
        guard try !read(check).isEmpty else { return [] }
        return try change(before: "expire-\(today)", check: check) { db, expired, revision in
            var decided: [Proposal] = [], ending = PairEnding(endedPairs: [], cancelledSessions: [], freedPartners: [])
            for var proposal in expired {
                let why = "no answer by \(proposal.deadline)"
                try Self.decide(db, &proposal, "expired", reason: why, today: today, revision: revision)
                let pairs = try Self.pairs(db, whereClause: "key = ?", arguments: [proposal.pairKey])
                ending.add(try Self.end(db, pairs: pairs, today: today, reason: why, person: nil, revision: revision))
                decided.append(proposal)
            }
            try Self.queue(db, try beforeCommit(ending), revision: revision)
            return decided
        }
    }

    /// Raises the SEQUENCE of the pair's standing sessions (the confirmation supersedes the proposal)
    /// and returns them.
    static func confirm(_ db: Database, pairKey: String, revision: Int) throws -> [ScheduledSession] {
        let standing = try Self.pairs(db, whereClause: "key = ?", arguments: [pairKey]).flatMap(\.sessions).filter { !$0.cancelled }
        return try standing.map { record in
            var session = record.session
            session.sequence += 1
            try db.execute(sql: "UPDATE sessions SET sequence = ?, session = ?, changed_revision = ? WHERE uid = ?",
                           arguments: [session.sequence, SessionJSON.encode(session), revision, session.uid])
            return session
        }
    }

    static func decide(_ db: Database, _ proposal: inout Proposal, _ state: String, reason: String?, today: LocalDate, revision: Int) throws {
        try db.execute(sql: "UPDATE proposals SET state = ?, reason = ?, decided_on = ?, decided_revision = ? WHERE pair_key = ?",
                       arguments: [state, reason, "\(today)", revision, proposal.pairKey])
        proposal.state = state
        proposal.reason = reason
        proposal.decidedOn = "\(today)"
    }
}
