import Foundation
import TandemModel
import TandemScheduling

/// One e-mail to one person, ready for sendmail: RFC 5322 text with the calendar both inline, as
/// RFC 6047 (iMIP) wants it — a `text/calendar; method=…` part whose method equals the calendar's
/// METHOD, which mail clients recognise — and attached as a file to keep.
public struct OutgoingMessage: Sendable, Hashable {
    /// The `Message-ID` without its angle brackets: made from the recipient and the content, so the
    /// same message made again (a re-run) has the same identity and is not sent twice.
    public var id: String
    /// Where it is written in the run's or change's folder: `outbox/<e-mail>.eml`.
    public var path: String
    public var recipientKey: String
    public var recipient: String
    public var subject: String
    /// The calendar's METHOD: `PUBLISH` or `CANCEL`.
    public var method: String
    /// `invitation`, `update` or `cancellation`.
    public var kind: String
    public var bytes: [UInt8]
}

/// The messages a run or a change command queues for `tandem send`: one per person concerned.
public enum Outbox {
    public enum Kind: String, Sendable {
        case invitation, update, cancellation
        /// A proposed pair's series to answer (`[acceptance]` on), and its confirmation once accepted.
        case proposal, confirmation

        var calendarKind: CalendarWriter.Kind {
            switch self {
            case .invitation: return .publish
            case .update: return .update
            case .cancellation: return .cancel
            case .proposal, .confirmation: return .request
            }
        }
    }

    /// One message per person in `sessions` (the sessions as they now are: moved or cancelled ones
    /// with their raised SEQUENCE). `earlier` gives a moved session's previous version by UID, so the
    /// text can say where it was. `date` is the `Date` header (Unix seconds), `stamp` the calendars' DTSTAMP.
    public static func messages(for sessions: [ScheduledSession], kind: Kind, config: SchemeConfig, stamp: Int64, date: Int64,
                                earlier: [String: ScheduledSession] = [:]) -> [OutgoingMessage] {
        let source = CalendarSource(sessions, config: config, stamp: stamp, kind: kind.calendarKind)
        let ordered = source.sessions
        let layout = CalendarLayout(sessions: ordered)
        var people: [String: SessionPartner] = [:], positions: [String: [Int]] = [:]
        for (position, session) in ordered.enumerated() {
            for person in [session.senior, session.junior] {
                people[person.key] = person
                if positions[person.key]?.last != position { positions[person.key, default: []].append(position) }
            }
        }
        return people.keys.sorted().map { key in
            let person = people[key]!, mine = positions[key]!
            let calendar = source.participantDocument(key, positions: mine)
            let body = text(kind, for: person, sessions: mine.map { ordered[$0] }, earlier: earlier, config: config)
            let stem = String(layout.participantPath(key, folder: "outbox").dropLast(".ics".count))
            return message(kind, to: person, body: body, calendar: calendar, config: config, date: date, path: stem + ".eml")
        }
    }

    static func subject(_ kind: Kind, config: SchemeConfig) -> String {
        switch kind {
        case .invitation: return config.sessions.emailSubject
        case .update: return "Mentoring session moved — \(config.scheme.name)"
        case .cancellation: return "Mentoring sessions cancelled — \(config.scheme.name)"
        case .proposal: return "Your proposed mentoring pair: please accept or decline — \(config.scheme.name)"
        case .confirmation: return "Your mentoring pair is confirmed — \(config.scheme.name)"
        }
    }

    /// The plain-text part, in the person's own words and time zone.
    static func text(_ kind: Kind, for person: SessionPartner, sessions: [ScheduledSession], earlier: [String: ScheduledSession],
                     config: SchemeConfig) -> String {
        let span = (sessions.map(\.start) + earlier.values.map(\.start)).minMax
        let zone = ZoneOffsets(identifier: person.timeZone, from: span.min - 2 * 86_400, to: span.max + 2 * 86_400)
        if kind == .invitation { return Distribution.bodyText(for: person, sessions: sessions, config: config, zone: zone) }
        var lines = ["Dear \(person.name),", ""]
        lines.append(kind == .update
            ? "A mentoring session has moved. In your time zone (\(person.timeZone)):"
            : "The mentoring sessions below are cancelled. In your time zone (\(person.timeZone)):")
        lines.append("")
        for session in sessions.sorted(by: { $0.start < $1.start }) {
            let partner = session.senior.key == person.key ? session.junior : session.senior
            var line = "  Session \(session.number) of \(session.count), \(session.title), with \(partner.name): "
            if kind == .update, let before = earlier[session.uid] {
                line += "now \(Distribution.when(session, in: zone)) (was \(Distribution.when(before, in: zone)))"
            } else {
                line += Distribution.when(session, in: zone)
            }
            lines.append(line)
        }
        lines.append("")
        lines.append(kind == .update
            ? "Your calendar should show the new time already (the invitation above updates the session you have); if it does not, "
                + "open the attached file. Your other sessions stand."
            : "Your calendar should remove them already; if it does not, open the attached file or delete them by hand. "
                + "Any other sessions you have stand.")
        lines += ["", "If anything is unclear, reply to this message.", "", "With best wishes,", config.scheme.coordinatorName, config.scheme.name]
        return lines.joined(separator: "\n")
    }

    /// The whole message: multipart/mixed of (multipart/alternative of the text and the inline
    /// calendar) and the calendar attached; base64 parts, CRLF line ends, headers that form answers
    /// cannot break (see `MIME`).
    static func message(_ kind: Kind, to person: SessionPartner, body: String, calendar: [UInt8], config: SchemeConfig,
                        date: Int64, path: String, method: String? = nil) -> OutgoingMessage {
        let method = method ?? kind.calendarKind.method
        let subject = subject(kind, config: config)
        let content = StableHash.hex(person.key + "|" + kind.rawValue + "|" + body + "|" + String(decoding: calendar, as: UTF8.self))
        let id = "tandem-\(kind.rawValue)-\(StableHash.hex(person.key).prefix(8))-\(content)@\(config.scheme.domain)"
        let (mixed, alternative) = ("=_tandem_m_" + content, "=_tandem_a_" + content)
        var lines: [String] = []
        lines.append(MIME.header("From", MIME.mailbox(name: config.scheme.coordinatorName, email: config.scheme.coordinatorEmail)))
        lines.append(MIME.header("To", MIME.mailbox(name: person.name, email: person.email)))
        lines.append(MIME.header("Subject", MIME.encodedIfNeeded(subject)))
        lines.append("Date: " + MIME.date(date))
        lines.append("Message-ID: <\(id)>")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: multipart/mixed; boundary=\"\(mixed)\"")
        lines += ["", "This is a multi-part message in MIME format.", "", "--\(mixed)"]
        lines += ["Content-Type: multipart/alternative; boundary=\"\(alternative)\"", "", "--\(alternative)"]
        lines += ["Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", ""]
        lines += MIME.base64Lines(Array(body.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        lines += ["--\(alternative)", "Content-Type: text/calendar; method=\(method); charset=UTF-8", "Content-Transfer-Encoding: base64", ""]
        lines += MIME.base64Lines(calendar)
        lines += ["--\(alternative)--", "--\(mixed)"]
        lines += ["Content-Type: application/ics; name=\"mentoring-sessions.ics\"",
                  "Content-Disposition: attachment; filename=\"mentoring-sessions.ics\"", "Content-Transfer-Encoding: base64", ""]
        lines += MIME.base64Lines(calendar)
        lines.append("--\(mixed)--")
        return OutgoingMessage(id: id, path: path, recipientKey: person.key, recipient: person.email, subject: subject, method: method,
                               kind: kind.rawValue, bytes: Array((lines.joined(separator: "\r\n") + "\r\n").utf8))
    }
}

extension Array where Element == Int64 {
    /// The smallest and largest element (0 and 0 when empty).
    var minMax: (min: Int64, max: Int64) { (self.min() ?? 0, self.max() ?? 0) }
}
