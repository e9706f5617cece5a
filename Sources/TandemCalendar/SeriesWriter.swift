import Foundation
import TandemModel
import TandemScheduling

/// A proposed pair's six sessions as one invitation both partners can answer with one click: an iTIP
/// `METHOD:REQUEST` (RFC 5546 §3.2.2) holding one recurring series — a master `VEVENT` with the monthly
/// rule the scheduler found (`RRULE:FREQ=MONTHLY;BYDAY=2TU;COUNT=6`, or `RDATE`s when the dates follow
/// no such rule) and one override per session (`RECURRENCE-ID`) with that session's own title, agenda
/// and lead. One UID for the pair, so one answer covers the six sessions in every client.
public enum SeriesWriter {
    /// Who invites, and what the invitation asks.
    public struct Invitation: Sendable {
        public var organizerName: String
        public var organizerEmail: String
        /// The last day to answer (shown in the description), while the pair is a proposal.
        public var deadline: LocalDate?
        /// `TENTATIVE` while proposed, `CONFIRMED` once accepted.
        public var status: String
        /// Raised by every change of time or status (RFC 5546 §2.1.4).
        public var sequence: Int

        public init(organizerName: String, organizerEmail: String, deadline: LocalDate?, status: String, sequence: Int) {
            self.organizerName = organizerName
            self.organizerEmail = organizerEmail
            self.deadline = deadline
            self.status = status
            self.sequence = sequence
        }
    }

    /// The series' UID: session 1's, with "-series" for its number.
    public static func uid(_ sessions: [ScheduledSession]) -> String {
        let first = sessions.min { $0.number < $1.number }!
        guard let at = first.uid.range(of: "-s\(first.number)@") else { return "series-" + first.uid }
        return first.uid.replacingCharacters(in: at, with: "-series@")
    }

    /// The organizer of a scheme's invitations: `[acceptance] organizer` ("Name <address>"), else the
    /// scheme's coordinator — the mailbox the participants' calendar clients send their answers to.
    public static func organizer(_ config: SchemeConfig) -> (name: String, email: String) {
        let text = config.acceptance.organizer.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return (config.scheme.coordinatorName, config.scheme.coordinatorEmail) }
        if let open = text.lastIndex(of: "<"), text.hasSuffix(">") {
            let name = text[..<open].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
            let email = String(text[text.index(after: open)..<text.index(before: text.endIndex)]).trimmingCharacters(in: .whitespaces)
            return (name.isEmpty ? config.scheme.coordinatorName : name, email)
        }
        return (config.scheme.coordinatorName, text)
    }

    /// The invitation of a pair's sessions as they stand: SEQUENCE the highest of its sessions'.
    public static func invitation(_ sessions: [ScheduledSession], config: SchemeConfig, deadline: LocalDate?, confirmed: Bool,
                                  raise: Int = 0) -> Invitation {
        let organizer = organizer(config)
        return Invitation(organizerName: organizer.name, organizerEmail: organizer.email, deadline: deadline,
                          status: confirmed ? "CONFIRMED" : "TENTATIVE", sequence: (sessions.map(\.sequence).max() ?? 0) + raise)
    }

    /// The whole `VCALENDAR` for one pair's sessions. `originals`: by UID, where a moved session was
    /// first (its `RECURRENCE-ID`; the master and its rule keep the first times).
    public static func request(_ sessions: [ScheduledSession], config: SchemeConfig, stamp: Int64, invitation: Invitation,
                               originals: [String: Int64] = [:]) -> [UInt8] {
        let ordered = sessions.sorted { $0.number < $1.number }
        let first = ordered.map { $0.moved(toStart: originals[$0.uid] ?? $0.start) }
        let zones = ZoneTables(ordered + first)
        let name = "Mentoring — \(ordered[0].senior.name) & \(ordered[0].junior.name)"
        return CalendarWriter.document(ordered + first, name: name, kind: .request, zones: zones, events: ordered.count) { k in
            var doc = ICalDocument()
            if k == 0 { master(first, config: config, stamp: stamp, invitation: invitation, zones: zones, into: &doc) }
            override(ordered[k], original: first[k].start, uid: uid(ordered), config: config, stamp: stamp, invitation: invitation,
                     zones: zones, into: &doc)
            return doc.bytes
        }
    }

    /// One session of a series changed (moved): the override alone, as RFC 5546 §3.2.2 allows for a
    /// REQUEST that changes one instance — the UID of the series, the session's first time as its
    /// RECURRENCE-ID, its new time, its raised SEQUENCE.
    public static func overrideRequest(_ session: ScheduledSession, original: Int64, config: SchemeConfig, stamp: Int64,
                                       invitation: Invitation) -> [UInt8] {
        let first = session.moved(toStart: original)
        let zones = ZoneTables([session, first])
        let name = "Mentoring — \(session.senior.name) & \(session.junior.name)"
        return CalendarWriter.document([session, first], name: name, kind: .request, zones: zones, events: 1) { _ in
            var doc = ICalDocument()
            override(session, original: original, uid: uid([session]), config: config, stamp: stamp, invitation: invitation,
                     zones: zones, into: &doc)
            return doc.bytes
        }
    }

    /// The series cancelled (RFC 5546 §3.2.5): all of it as one component without RECURRENCE-ID, so
    /// every client removes every session at once (a proposal declined or expired); or, when only some
    /// sessions are left to cancel (a pair ended part-way), one component per session, each naming its
    /// RECURRENCE-ID.
    public static func cancel(_ sessions: [ScheduledSession], config: SchemeConfig, stamp: Int64, invitation: Invitation,
                              originals: [String: Int64] = [:]) -> [UInt8] {
        let ordered = sessions.sorted { $0.number < $1.number }
        let first = ordered.map { $0.moved(toStart: originals[$0.uid] ?? $0.start) }
        let zones = ZoneTables(ordered + first)
        let whole = ordered.count == ordered[0].count
        let name = "Mentoring — \(ordered[0].senior.name) & \(ordered[0].junior.name)"
        var cancelled = invitation
        cancelled.status = "CANCELLED"
        return CalendarWriter.document(ordered + first, name: name, kind: .cancel, zones: zones, events: whole ? 1 : ordered.count) { k in
            var doc = ICalDocument()
            doc.line("BEGIN", "VEVENT")
            doc.text("UID", uid(ordered))
            doc.line("DTSTAMP", ICalTime.utc(stamp))
            doc.line("SEQUENCE", String(max(invitation.sequence, ordered[k].sequence)))
            if whole {
                times(first[0].start, first[0].end, zone: first[0].timeZone, zones: zones, into: &doc)
                doc.text("SUMMARY", "Cancelled: mentoring, \(first[0].senior.name) & \(first[0].junior.name) (\(first.count) sessions)")
            } else {
                recurrenceID(first[k].start, zone: first[k].timeZone, zones: zones, into: &doc)
                times(ordered[k].start, ordered[k].end, zone: ordered[k].timeZone, zones: zones, into: &doc)
                doc.text("SUMMARY", "Cancelled: " + CalendarWriter.summary(ordered[k]))
            }
            people(first[0], invitation: cancelled, into: &doc)
            doc.line("END", "VEVENT")
            return doc.bytes
        }
    }

    static func recurrenceID(_ original: Int64, zone: String, zones: ZoneTables, into doc: inout ICalDocument) {
        if zones.knows(zone), let offset = zones.offset(zone, at: original) {
            doc.line("RECURRENCE-ID;TZID=\(ICalText.parameter(zone))", ICalTime.stamp(original + Int64(offset)))
        } else {
            doc.line("RECURRENCE-ID", ICalTime.utc(original))
        }
    }

    /// The master event: the series' first time, its rule, the invitation's text and people.
    static func master(_ sessions: [ScheduledSession], config: SchemeConfig, stamp: Int64, invitation: Invitation, zones: ZoneTables,
                       into doc: inout ICalDocument) {
        let first = sessions[0]
        doc.line("BEGIN", "VEVENT")
        doc.text("UID", uid(sessions))
        doc.line("DTSTAMP", ICalTime.utc(stamp))
        doc.line("SEQUENCE", String(invitation.sequence))
        times(first.start, first.end, zone: first.timeZone, zones: zones, into: &doc)
        if let rule = rule(sessions, zones: zones) {
            doc.line("RRULE", rule)
        } else if zones.knows(first.timeZone) {
            let dates = sessions.dropFirst().map { ICalTime.stamp($0.start + Int64(zones.offset(first.timeZone, at: $0.start) ?? 0)) }
            if !dates.isEmpty { doc.line("RDATE;TZID=\(ICalText.parameter(first.timeZone))", dates.joined(separator: ",")) }
        }
        doc.text("SUMMARY", "Mentoring: \(first.senior.name) & \(first.junior.name) (\(sessions.count) sessions)")
        var text = ["\(first.schemeName): a proposed mentoring pair, \(sessions.count) monthly sessions — \(first.pattern)."]
        if let deadline = invitation.deadline, invitation.status == "TENTATIVE" {
            text.append("Accepting this invitation accepts the mentorship and all \(sessions.count) sessions; please answer by "
                + "\(DateText.day(deadline)). If it does not suit you, decline it and the coordinator will find you another partner.")
        }
        text.append("Senior partner: \(first.senior.name) <\(first.senior.email)>")
        text.append("Junior partner: \(first.junior.name) <\(first.junior.email)>")
        doc.text("DESCRIPTION", text.joined(separator: "\n"))
        doc.text("LOCATION", first.location)
        people(first, invitation: invitation, into: &doc)
        doc.line("END", "VEVENT")
    }

    /// One session as an override of the series: its own title, agenda and (if moved) time.
    static func override(_ session: ScheduledSession, original: Int64, uid: String, config: SchemeConfig, stamp: Int64,
                         invitation: Invitation, zones: ZoneTables, into doc: inout ICalDocument) {
        doc.line("BEGIN", "VEVENT")
        doc.text("UID", uid)
        doc.line("DTSTAMP", ICalTime.utc(stamp))
        doc.line("SEQUENCE", String(max(invitation.sequence, session.sequence)))
        recurrenceID(original, zone: session.timeZone, zones: zones, into: &doc)
        times(session.start, session.end, zone: session.timeZone, zones: zones, into: &doc)
        doc.text("SUMMARY", CalendarWriter.summary(session))
        doc.text("DESCRIPTION", CalendarWriter.description(session, config: config, zones: zones))
        doc.text("LOCATION", session.location)
        people(session, invitation: invitation, into: &doc)
        doc.line("END", "VEVENT")
    }

    static func times(_ start: Int64, _ end: Int64, zone: String, zones: ZoneTables, into doc: inout ICalDocument) {
        if zones.knows(zone), let a = zones.offset(zone, at: start), let b = zones.offset(zone, at: end) {
            let tzid = ICalText.parameter(zone)
            doc.line("DTSTART;TZID=\(tzid)", ICalTime.stamp(start + Int64(a)))
            doc.line("DTEND;TZID=\(tzid)", ICalTime.stamp(end + Int64(b)))
        } else {
            doc.line("DTSTART", ICalTime.utc(start))
            doc.line("DTEND", ICalTime.utc(end))
        }
    }

    /// STATUS, TRANSP, the organizer and both partners as attendees who are asked to answer.
    static func people(_ session: ScheduledSession, invitation: Invitation, into doc: inout ICalDocument) {
        doc.line("STATUS", invitation.status)
        doc.line("TRANSP", "OPAQUE")
        doc.line("ORGANIZER;CN=\(ICalText.parameter(invitation.organizerName))", "mailto:" + ICalText.bare(invitation.organizerEmail))
        for partner in [session.senior, session.junior] {
            let partstat = invitation.status == "CONFIRMED" ? "ACCEPTED" : "NEEDS-ACTION"
            let rsvp = invitation.status == "TENTATIVE" ? ";RSVP=TRUE" : ""
            doc.line("ATTENDEE;CN=\(ICalText.parameter(partner.name));ROLE=REQ-PARTICIPANT;PARTSTAT=\(partstat)\(rsvp)",
                     "mailto:" + ICalText.bare(partner.email))
        }
    }

    /// `FREQ=MONTHLY;BYDAY=2TU;COUNT=6` when every session is on the same weekday of the same week of
    /// its month (`-1` for the last), at the same local time, in consecutive months; nil otherwise.
    static func rule(_ sessions: [ScheduledSession], zones: ZoneTables) -> String? {
        let first = sessions[0]
        guard zones.knows(first.timeZone) else { return nil }
        let locals = sessions.map { $0.start + Int64(zones.offset(first.timeZone, at: $0.start) ?? 0) }
        let dates = locals.map { DateText.date(local: $0) }
        let clock = locals.map { ($0 % 86_400 + 86_400) % 86_400 }
        guard Set(clock).count == 1, Set(dates.map(\.weekday)).count == 1 else { return nil }
        for (a, b) in zip(dates, dates.dropFirst()) where YearMonth(year: a.year, month: a.month).adding(months: 1) != YearMonth(year: b.year, month: b.month) {
            return nil
        }
        let last = first.pattern.hasPrefix("last ")
        let ordinals = dates.map { last ? -1 : ($0.day - 1) / 7 + 1 }
        if last {
            guard dates.allSatisfy({ $0.adding(days: 7).month != $0.month }) else { return nil }
        } else {
            guard Set(ordinals).count == 1, ordinals[0] <= 4 else { return nil }
        }
        let days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        return "FREQ=MONTHLY;BYDAY=\(ordinals[0])\(days[dates[0].weekday - 1]);COUNT=\(sessions.count)"
    }
}
