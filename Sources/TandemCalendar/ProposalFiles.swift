import Foundation
import TandemModel
import TandemScheduling

/// A pair's calendars and messages when `[acceptance]` is on: per pair, one iTIP series
/// (`SeriesWriter`) that both partners receive — the proposal to answer, its confirmation once
/// accepted, its cancellation when declined or expired. An iTIP message carries one UID, so a person
/// with two new pairs gets two messages, one per pair, never one file of both.
public enum ProposalFiles {
    /// What a pair's series says to its partners.
    public enum Stage: Sendable {
        /// Proposed: accept or decline by the deadline.
        case proposal(deadline: LocalDate)
        /// Everyone required has accepted: the sessions stand.
        case confirmation
        /// Declined, expired or ended: the series (or what is left of it) is withdrawn, with the
        /// reason; `repaired`: the partners are back in the pool.
        case cancellation(reason: String, repaired: Bool)

        var outboxKind: Outbox.Kind {
            switch self {
            case .proposal: return .proposal
            case .confirmation: return .confirmation
            case .cancellation: return .cancellation
            }
        }
    }

    /// The sessions grouped by pair, in the order of their pair files' paths.
    public static func pairs(_ sessions: [ScheduledSession]) -> [[ScheduledSession]] {
        Dictionary(grouping: sessions) { $0.senior.key + "|" + $0.junior.key }
            .sorted { $0.key < $1.key }
            .map { $0.value.sorted { $0.number < $1.number } }
    }

    /// One pair's calendar at `stage`. `raise`: added to the highest SEQUENCE of its sessions (the
    /// sessions as stored: a confirmation and a cancellation are later versions of the proposal).
    public static func calendar(_ pair: [ScheduledSession], stage: Stage, config: SchemeConfig, stamp: Int64, raise: Int = 0,
                                originals: [String: Int64] = [:]) -> [UInt8] {
        switch stage {
        case let .proposal(deadline):
            let invitation = SeriesWriter.invitation(pair, config: config, deadline: deadline, confirmed: false, raise: raise)
            return SeriesWriter.request(pair, config: config, stamp: stamp, invitation: invitation, originals: originals)
        case .confirmation:
            let invitation = SeriesWriter.invitation(pair, config: config, deadline: nil, confirmed: true, raise: raise)
            return SeriesWriter.request(pair, config: config, stamp: stamp, invitation: invitation, originals: originals)
        case .cancellation:
            let invitation = SeriesWriter.invitation(pair, config: config, deadline: nil, confirmed: false, raise: raise)
            return SeriesWriter.cancel(pair, config: config, stamp: stamp, invitation: invitation, originals: originals)
        }
    }

    /// A run's files for its proposed pairs: `calendars/pairs/<senior>--<junior>.ics` (the REQUEST
    /// both partners answer), the coordinator's overview `calendars/coordinator.ics` (PUBLISH, no one
    /// to answer), `distribution.csv` with one row per partner of each pair (its attachment the pair's
    /// file) and, when asked, one draft per row (`emails/<person>--<partner>.eml`, method=REQUEST).
    public static func runFiles(for schedule: ScheduleResult, config: SchemeConfig, stamp: Int64, deadline: LocalDate,
                                drafts: Bool) -> [OutputFiles.Entry] {
        let sessions = schedule.allSessions
        let layout = CalendarLayout(sessions: sessions)
        let zones = ZoneLookup(sessions)
        // The coordinator's overview alone: participants' and pairs' PUBLISH files are not made.
        var out = CalendarWriter.coordinatorFile(CalendarSource(sessions, config: config, stamp: stamp, kind: .publish),
                                                 path: layout.coordinatorPath())
        var csv = CSVWriter(header: ["email", "name", "partners", "attachment", "subject", "body"])
        let subject = Outbox.subject(.proposal, config: config)
        for pair in pairs(sessions) {
            let first = pair[0]
            let path = layout.pairPath(senior: first.senior.key, junior: first.junior.key)
            out.append(OutputFiles.Entry(path: path) {
                calendar(pair, stage: .proposal(deadline: deadline), config: config, stamp: stamp)
            })
            for (person, partner) in [(first.senior, first.junior), (first.junior, first.senior)] {
                let body = text(.proposal(deadline: deadline), for: person, pair: pair, config: config, zone: zones[person.timeZone])
                csv.append([person.email, person.name, "\(partner.name) <\(partner.email)>", path, subject, body])
                guard drafts else { continue }
                out.append(OutputFiles.Entry(path: "emails/\(layout.stem(person.key))--\(layout.stem(partner.key)).eml") {
                    let series = calendar(pair, stage: .proposal(deadline: deadline), config: config, stamp: stamp)
                    return Array(Distribution.draft(to: person, body: body, calendar: series, config: config, stamp: stamp, method: "REQUEST",
                                                    subject: subject, pair: first.senior.key + "|" + first.junior.key).utf8)
                })
            }
        }
        out.append(OutputFiles.Entry(OutputFile(path: "distribution.csv", contents: csv.bytes)))
        return out.sorted { $0.path < $1.path }
    }

    /// One message per partner of each pair, carrying that pair's series at `stage`
    /// (`outbox/<person>--<partner>.eml`). `date`: the `Date` header; `stamp`: the calendars' DTSTAMP.
    public static func messages(for sessions: [ScheduledSession], stage: Stage, config: SchemeConfig, stamp: Int64, date: Int64,
                                raise: Int = 0, originals: [String: Int64] = [:]) -> [OutgoingMessage] {
        let layout = CalendarLayout(sessions: sessions)
        let zones = ZoneLookup(sessions)
        var out: [OutgoingMessage] = []
        for pair in pairs(sessions) {
            let first = pair[0]
            let series = calendar(pair, stage: stage, config: config, stamp: stamp, raise: raise, originals: originals)
            for (person, partner) in [(first.senior, first.junior), (first.junior, first.senior)] {
                let body = text(stage, for: person, pair: pair, config: config, zone: zones[person.timeZone])
                out.append(Outbox.message(stage.outboxKind, to: person, body: body, calendar: series, config: config, date: date,
                                          path: "outbox/\(layout.stem(person.key))--\(layout.stem(partner.key)).eml"))
            }
        }
        return out
    }

    /// One session of a pair sent as a series, moved or cancelled: the override (REQUEST) or its
    /// cancellation (CANCEL with RECURRENCE-ID) under `calendars/updates/pairs/` or
    /// `calendars/cancellations/pairs/`, and a message to each partner. `session`: as it now is
    /// (new time, raised SEQUENCE); `earlier`: before a move; `original`: its time in the series' rule.
    public static func sessionChange(_ session: ScheduledSession, earlier: ScheduledSession?, original: Int64, confirmed: Bool,
                                     config: SchemeConfig, stamp: Int64, date: Int64) -> (file: OutputFile, messages: [OutgoingMessage]) {
        let cancelled = earlier == nil
        let invitation = SeriesWriter.invitation([session], config: config, deadline: nil, confirmed: confirmed)
        let calendar = cancelled
            ? SeriesWriter.cancel([session], config: config, stamp: stamp, invitation: invitation, originals: [session.uid: original])
            : SeriesWriter.overrideRequest(session, original: original, config: config, stamp: stamp, invitation: invitation)
        let layout = CalendarLayout(sessions: [session])
        let folder = cancelled ? "calendars/cancellations" : "calendars/updates"
        let file = OutputFile(path: layout.pairPath(senior: session.senior.key, junior: session.junior.key, folder: folder), contents: calendar)
        let kind: Outbox.Kind = cancelled ? .cancellation : .update
        let messages = [session.senior, session.junior].map { person in
            let body = Outbox.text(kind, for: person, sessions: [session], earlier: earlier.map { [$0.uid: $0] } ?? [:], config: config)
            return Outbox.message(kind, to: person, body: body, calendar: calendar, config: config, date: date,
                                  path: "outbox/\(layout.stem(person.key)).eml", method: cancelled ? "CANCEL" : "REQUEST")
        }
        return (file, messages)
    }

    /// The letter beside the series, in the person's own zone.
    static func text(_ stage: Stage, for person: SessionPartner, pair: [ScheduledSession], config: SchemeConfig, zone: ZoneOffsets?) -> String {
        let first = pair[0]
        let isSenior = first.senior.key == person.key
        let partner = isSenior ? first.junior : first.senior
        var lines = ["Dear \(person.name),", ""]
        switch stage {
        case .proposal:
            lines.append("The \(config.scheme.name) proposes you as \(isSenior ? "mentor (senior partner)" : "mentee (junior partner)") of "
                + "\(partner.name) <\(partner.email)>, for \(pair.count) monthly sessions — \(first.pattern) — in your time zone (\(person.timeZone)):")
        case .confirmation:
            lines.append("Your mentoring pair with \(partner.name) <\(partner.email)> is confirmed. Your \(pair.count) sessions, in your "
                + "time zone (\(person.timeZone)):")
        case let .cancellation(reason, repaired):
            lines.append("Your mentoring pair with \(partner.name) has ended (\(reason)), and the sessions below are cancelled."
                + (repaired ? " You keep your place in the scheme: the next monthly run proposes you a new partner." : ""))
        }
        lines.append("")
        for session in pair {
            let lead = session.leader.map { ", led by \($0.key == person.key ? "you" : $0.name)" } ?? ""
            lines.append("  \(session.number). \(session.title)\(lead) — \(Distribution.when(session, in: zone))")
        }
        lines.append("")
        switch stage {
        case let .proposal(deadline):
            let asked = config.acceptance.required == .both || isSenior
            lines.append(asked
                ? "Please answer the invitation in your calendar by \(DateText.day(deadline)): accepting it accepts the mentorship and all "
                    + "\(pair.count) sessions at once. If it does not suit you, decline it, and the coordinator will find you both another partner."
                : "Your mentor is asked to accept the mentorship by \(DateText.day(deadline)); you will hear when the pair is confirmed. "
                    + "You may answer the invitation too. If the pairing does not suit you, decline it and the coordinator will find you another partner.")
            lines.append("If your calendar shows no invitation, open the attached file, or reply to this message.")
        case .confirmation:
            lines.append("Your calendar should show the sessions as confirmed already; if it does not, open the attached file.")
        case .cancellation:
            lines.append("Your calendar should remove them already; if it does not, open the attached file or delete them by hand.")
        }
        lines += ["", "With best wishes,", config.scheme.coordinatorName, config.scheme.name]
        return lines.joined(separator: "\n")
    }
}

/// Each zone's offsets over the sessions' span, read once (not a TimeZone per participant).
struct ZoneLookup {
    private var zones: [String: ZoneOffsets] = [:]

    init(_ sessions: [ScheduledSession]) {
        let from = (sessions.map(\.start).min() ?? 0) - 2 * 86_400, to = (sessions.map(\.end).max() ?? 0) + 2 * 86_400
        for zone in Set(sessions.flatMap { [$0.senior.timeZone, $0.junior.timeZone] }) {
            zones[zone] = ZoneOffsets(identifier: zone, from: from, to: to)
        }
    }

    subscript(zone: String) -> ZoneOffsets? { zones[zone] }
}
