import Foundation
import GRDB
import TandemCalendar
import TandemModel
import TandemScheduling

/// A calendar reply and where it was read ("replies.mbox, message 12").
public struct IncomingReply: Sendable {
    public var reply: CalendarReply
    public var source: String

    public init(reply: CalendarReply, source: String) {
        self.reply = reply
        self.source = source
    }
}

/// What became of one reply. Only `recorded` changes a proposal; every other outcome is reported.
public struct ReplyOutcome: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case recorded
        /// The same reply read twice (in this batch, or recorded before).
        case duplicate
        /// The same person answered the same proposal again later in this batch; the later answer counts.
        case superseded
        /// Older than an answer of theirs already recorded.
        case older
        /// Answers an earlier version of the invitation (a lower SEQUENCE).
        case earlierVersion = "earlier-version"
        /// Answers one session, not the proposal (RECURRENCE-ID).
        case oneSession = "one-session"
        /// The proposal was already accepted, declined or expired.
        case alreadyDecided = "already-decided"
        case unknownInvitation = "unknown-invitation"
        case notAnAttendee = "not-an-attendee"
        /// DELEGATED, NEEDS-ACTION and the like: not an answer Tandem can record.
        case otherAnswer = "other-answer"
    }

    public var reply: IncomingReply
    public var kind: Kind
    public var detail: String
}

/// The outcome of a batch of replies: each reply's fate, and the proposals it decided.
public struct RepliesResult: Sendable {
    public var outcomes: [ReplyOutcome] = []
    public var accepted: [Proposal] = []
    public var declined: [Proposal] = []
    public var tentative = 0
}

/// A proposal as replies see it: its series UID, its current SEQUENCE, its people.
struct ProposalSeries {
    var proposal: Proposal
    var sequence: Int
    var seniorKey: String
    var juniorKey: String
}

extension Ledger {
    /// Records a batch of calendar replies in one transaction: a kill leaves the ledger as it was, and
    /// reading the same files again gives the same result. Each reply is matched by UID to a proposal's
    /// series and by ATTENDEE to one of its partners; only the latest answer of each person counts.
    /// `beforeCommit` gets the pairs that now stand (sessions with SEQUENCE raised, and where moved ones
    /// first were) and the pairs dissolved by a decline, writes their files and returns the messages to queue.
    public func recordReplies(_ incoming: [IncomingReply], today: LocalDate,
                              beforeCommit: ([([ScheduledSession], [String: Int64])], PairEnding) throws -> [QueuedMessage])
        throws(LedgerError) -> RepliesResult {
        try prepareToChange(before: "replies-\(today)")
        return try write { db in
            try Self.bumpRevision(db)
            let revision = try Self.revision(db)
            var result = RepliesResult()
            var confirmations: [([ScheduledSession], [String: Int64])] = []
            var ending = PairEnding(endedPairs: [], cancelledSessions: [], freedPartners: [])
            let series = try Self.proposalSeries(db)
            for (reply, verdict) in try Self.sift(db, incoming, series: series) {
                var kind = verdict.kind, detail = verdict.detail
                if kind == .recorded, let entry = series[reply.reply.uid] {
                    (kind, detail) = try Self.apply(db, reply, entry, today: today, revision: revision, result: &result,
                                                    confirmations: &confirmations, ending: &ending)
                }
                result.outcomes.append(ReplyOutcome(reply: reply, kind: kind, detail: detail))
                if let entry = series[reply.reply.uid], kind != .duplicate, kind != .notAnAttendee {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO replies (identity, pair_key, attendee_key, answer, stamp, source, outcome, detail, read_on, revision)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [reply.reply.identity, entry.proposal.pairKey, EmailAddress(reply.reply.attendee).key, reply.reply.answer,
                                         reply.reply.stamp, reply.source, kind.rawValue, detail, "\(today)", revision])
                }
            }
            if !confirmations.isEmpty || !ending.endedPairs.isEmpty {
                try Self.queue(db, try beforeCommit(confirmations, ending), revision: revision)
            }
            return result
        }
    }

    /// Every proposal by its series UID (session 1's UID with "-series").
    static func proposalSeries(_ db: Database) throws -> [String: ProposalSeries] {
        var out: [String: ProposalSeries] = [:]
        let proposals = Dictionary(try proposals(db, whereClause: "1").map { ($0.pairKey, $0) }, uniquingKeysWith: { a, _ in a })
        for pair in try pairs(db, whereClause: "key IN (SELECT pair_key FROM proposals)", arguments: []) where !pair.sessions.isEmpty {
            guard let proposal = proposals[pair.key] else { continue }
            let sessions = pair.sessions.map(\.session)
            let (senior, junior) = people(ofPairKey: pair.key)
            out[SeriesWriter.uid(sessions)] = ProposalSeries(proposal: proposal, sequence: sessions.map(\.sequence).max() ?? 0,
                                                             seniorKey: senior, juniorKey: junior)
        }
        return out
    }

    /// Each reply with what the checks that need no change say: the ones that pass are `recorded`
    /// (still to apply). Ordered by DTSTAMP, so a person's later answer comes after their earlier one.
    static func sift(_ db: Database, _ incoming: [IncomingReply],
                     series: [String: ProposalSeries]) throws -> [(IncomingReply, (kind: ReplyOutcome.Kind, detail: String))] {
        let recorded = Set(try String.fetchAll(db, sql: "SELECT identity FROM replies"))
        var latestRecorded: [String: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT pair_key, attendee_key, MAX(stamp) AS stamp FROM replies WHERE outcome = 'recorded' GROUP BY pair_key, attendee_key") {
            if let stamp: Int64 = row["stamp"] { latestRecorded[(row["pair_key"] as String) + "#" + (row["attendee_key"] as String)] = stamp }
        }
        let ordered = incoming.enumerated().sorted { ($0.element.reply.stamp ?? .min, $0.offset) < ($1.element.reply.stamp ?? .min, $1.offset) }.map(\.element)
        // The last answer of each person to each series in this batch (one-session answers aside).
        var last: [String: (identity: String, source: String)] = [:]
        for reply in ordered where reply.reply.recurrenceID == nil {
            last[reply.reply.uid + "#" + EmailAddress(reply.reply.attendee).key] = (reply.reply.identity, reply.source)
        }
        var seen: [String: String] = [:]
        return ordered.map { reply in
            let r = reply.reply, key = EmailAddress(r.attendee).key
            guard let entry = series[r.uid] else {
                return (reply, (.unknownInvitation, "UID \(r.uid) is none of this scheme's proposals (another scheme's, or an invitation sent before [acceptance] was on)"))
            }
            guard key == entry.seniorKey || key == entry.juniorKey else {
                return (reply, (.notAnAttendee, "\(r.attendee) is neither partner of \(entry.proposal.seniorName) and \(entry.proposal.juniorName)"))
            }
            if let first = seen[r.identity] { return (reply, (.duplicate, "the same reply as \(first)")) }
            seen[r.identity] = reply.source
            if recorded.contains(r.identity) { return (reply, (.duplicate, "already read by an earlier tandem replies")) }
            guard ["ACCEPTED", "DECLINED", "TENTATIVE"].contains(r.answer) else {
                return (reply, (.otherAnswer, "answer \(r.answer) is not accept, decline or tentative; ask them by mail (tandem accept / decline)"))
            }
            if let occurrence = r.recurrenceID {
                return (reply, (.oneSession, "\(r.answer.lowercased()) one session only (RECURRENCE-ID \(occurrence)), not the proposal: "
                    + "nothing recorded; if a session does not suit them, tandem move or cancel-session"))
            }
            if r.sequence < entry.sequence {
                return (reply, (.earlierVersion, "answers version \(r.sequence) of the invitation; it is now at version \(entry.sequence)"))
            }
            if let latest = last[r.uid + "#" + key], latest.identity != r.identity {
                return (reply, (.superseded, "a later answer of theirs in \(latest.source) counts"))
            }
            if let stamp = r.stamp, let earlier = latestRecorded[entry.proposal.pairKey + "#" + key], stamp < earlier {
                return (reply, (.older, "older than their answer already recorded"))
            }
            return (reply, (.recorded, ""))
        }
    }

    /// Records one reply that passed the checks: the person's answer, and what it decides.
    static func apply(_ db: Database, _ reply: IncomingReply, _ entry: ProposalSeries, today: LocalDate, revision: Int,
                      result: inout RepliesResult, confirmations: inout [([ScheduledSession], [String: Int64])],
                      ending: inout PairEnding) throws -> (ReplyOutcome.Kind, String) {
        let pairKey = entry.proposal.pairKey
        var proposal = try proposals(db, whereClause: "x.pair_key = ?", arguments: [pairKey])[0]
        let r = reply.reply
        let side = EmailAddress(r.attendee).key == entry.seniorKey ? "senior" : "junior"
        let name = side == "senior" ? proposal.seniorName : proposal.juniorName
        let day = r.stamp.map { LocalDate(daysSinceEpoch: Int($0 / 86_400)) } ?? today
        if proposal.state == "accepted" && r.answer == "ACCEPTED" {
            try db.execute(sql: "UPDATE proposals SET \(side)_answer = 'accepted', \(side)_answered_on = ? WHERE pair_key = ?",
                           arguments: ["\(day)", pairKey])
            return (.recorded, "\(name) accepts too; the pair already stands")
        }
        guard proposal.state == "proposed" else {
            return (.alreadyDecided, "the proposal was already \(proposal.state) on \(proposal.decidedOn ?? "?")"
                + (proposal.state == "accepted" && r.answer == "DECLINED" ? "; if the pair must end, tandem end-pair" : ""))
        }
        let answer = r.answer == "ACCEPTED" ? "accepted" : r.answer == "DECLINED" ? "declined" : "tentative"
        let why = "declined by \(name) in their calendar" + (r.comment.map { ": \($0)" } ?? "")
        switch try record(db, &proposal, side: side, answer: answer, why: why, day: day, today: today, revision: revision) {
        case .waiting where answer == "accepted":
            return (.recorded, "\(name) accepts; waiting for the other partner (both must accept)")
        case .waiting:
            result.tentative += 1
            return (.recorded, "\(name) answers tentatively: still waiting for a firm answer by \(proposal.deadline)")
        case let .accepted(sessions, originals):
            confirmations.append((sessions, originals))
            result.accepted.append(proposal)
            return (.recorded, "\(name) accepts: the pair now stands")
        case let .declined(ended):
            ending.add(ended)
            result.declined.append(proposal)
            return (.recorded, "\(name) declines: the pair is dissolved, both back in the pool")
        }
    }
}
