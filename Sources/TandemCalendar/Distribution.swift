import Foundation
import TandemModel
import TandemScheduling

/// How each participant receives their calendar: `distribution.csv` for a mail merge, and on request
/// one draft e-mail per participant (`emails/<e-mail>.eml`) with the calendar attached, which Outlook
/// opens as an unsent draft (`X-Unsent: 1`) ready to check and send.
public enum Distribution {
    /// `distribution.csv` (columns: email, name, partners, attachment, subject, body) and, when
    /// `drafts` is true, the `.eml` drafts. Sorted by path; byte-identical for equal inputs.
    public static func files(for schedule: ScheduleResult, config: SchemeConfig, stamp: Int64, drafts: Bool) -> [OutputFile] {
        lazyFiles(for: schedule, config: config, stamp: stamp, drafts: drafts).map(\.file)
    }

    /// The same files, each made only when it is read (see `OutputFiles`): the drafts, which carry a
    /// calendar each, are as large as the calendars.
    public static func lazyFiles(for schedule: ScheduleResult, config: SchemeConfig, stamp: Int64, drafts: Bool) -> [OutputFiles.Entry] {
        let sessions = schedule.allSessions // in (start, UID) order, as CalendarSource orders them
        // The calendars for the drafts only when there are drafts.
        let source = drafts ? CalendarSource(sessions, config: config, stamp: stamp, kind: .publish) : nil
        let layout = CalendarLayout(sessions: sessions)
        let zones = ZoneLookup(sessions)
        var people: [String: SessionPartner] = [:]
        var positionsOf: [String: [Int]] = [:]
        for (position, session) in sessions.enumerated() {
            people[session.senior.key] = session.senior
            people[session.junior.key] = session.junior
            positionsOf[session.senior.key, default: []].append(position)
            if session.junior.key != session.senior.key { positionsOf[session.junior.key, default: []].append(position) }
        }
        var csv = CSVWriter(header: ["email", "name", "partners", "attachment", "subject", "body"])
        var out: [OutputFiles.Entry] = []
        for key in people.keys.sorted() {
            let person = people[key]!
            let positions = positionsOf[key] ?? []
            let mine = positions.map { sessions[$0] }
            let partners = partnerList(of: key, in: mine)
            let body = bodyText(for: person, sessions: mine, config: config, zone: zones[person.timeZone])
            let attachment = layout.participantPath(key)
            csv.append([person.email, person.name,
                        partners.map { "\($0.name) <\($0.email)>" }.joined(separator: "; "),
                        attachment, config.sessions.emailSubject, body])
            if let source {
                source.willUse(positions)
                let path = "emails/" + String(attachment.dropFirst("calendars/".count).dropLast(".ics".count)) + ".eml"
                out.append(OutputFiles.Entry(path: path) {
                    let calendar = source.participantDocument(key, positions: positions)
                    return Array(draft(to: person, body: body, calendar: calendar, config: source.config, stamp: stamp).utf8)
                })
            }
        }
        out.append(OutputFiles.Entry(OutputFile(path: "distribution.csv", contents: csv.bytes)))
        return out.sorted { $0.path < $1.path }
    }

    static func partnerList(of key: String, in sessions: [ScheduledSession]) -> [SessionPartner] {
        var seen = Set<String>()
        var list: [SessionPartner] = []
        for session in sessions {
            let partner = session.senior.key == key ? session.junior : session.senior
            if seen.insert(partner.key).inserted { list.append(partner) }
        }
        return list.sorted { $0.key < $1.key }
    }

    /// The e-mail's text: each partnership with its dates in the participant's own zone.
    /// `zone`: the participant's zone's offsets (nil when the zone is unknown: times in UTC).
    static func bodyText(for person: SessionPartner, sessions: [ScheduledSession], config: SchemeConfig,
                         zone: ZoneOffsets?) -> String {
        var lines = ["Dear \(person.name),", ""]
        lines.append("Welcome to the \(config.scheme.name). Your mentoring sessions are below, in your time zone "
            + "(\(person.timeZone)). The attached calendar file holds them all, with each session's agenda and "
            + "what to prepare: open it to add them to your calendar.")
        var byPartner: [String: [ScheduledSession]] = [:]
        for session in sessions {
            byPartner[session.senior.key == person.key ? session.junior.key : session.senior.key, default: []].append(session)
        }
        for partnerKey in byPartner.keys.sorted() {
            let list = byPartner[partnerKey]!.sorted { $0.number < $1.number }
            let first = list[0]
            let partner = first.senior.key == person.key ? first.junior : first.senior
            let role = first.senior.key == person.key ? "junior" : "senior"
            lines.append("")
            lines.append("With \(partner.name) <\(partner.email)>, your \(role) partner (\(first.location)):")
            for session in list {
                let lead = session.leader.map { ", led by \($0.key == person.key ? "you" : $0.name)" } ?? ""
                lines.append("  \(session.number). \(session.title)\(lead) — \(when(session, in: zone))")
            }
        }
        lines += ["", "If a date does not suit you both, agree another with your partner and let me know.", "",
                  "With best wishes,", config.scheme.coordinatorName, config.scheme.name]
        return lines.joined(separator: "\n")
    }

    /// "Tuesday 14 July 2026, 18:00–19:00" in `zone` (UTC when the zone is unknown).
    static func when(_ session: ScheduledSession, in zone: ZoneOffsets?) -> String {
        DateText.span(from: session.start + (zone?.offset(at: session.start) ?? 0), to: session.end + (zone?.offset(at: session.end) ?? 0))
            + (zone == nil ? " UTC" : "")
    }

    /// A MIME draft: multipart/mixed with a text/plain body and the calendar as
    /// `text/calendar; method=PUBLISH`, both base64; CRLF line ends; headers that cannot be broken by
    /// form answers (control characters removed, non-ASCII names as RFC 2047 encoded-words).
    static func draft(to person: SessionPartner, body: String, calendar: [UInt8], config: SchemeConfig, stamp: Int64,
                      method: String = "PUBLISH", subject: String? = nil, pair: String = "") -> String {
        let identity = person.key + (pair.isEmpty ? "" : "|" + pair)
        let boundary = "=_tandem_" + StableHash.hex(identity + "|" + String(stamp))
        let domain = config.scheme.domain.unicodeScalars.allSatisfy({ $0.isASCII && !ICalText.isControl($0) && $0 != " " && $0 != ">" })
            && !config.scheme.domain.isEmpty ? config.scheme.domain : "tandem.invalid"
        var lines: [String] = []
        lines.append(MIME.header("From", MIME.mailbox(name: config.scheme.coordinatorName, email: config.scheme.coordinatorEmail)))
        lines.append(MIME.header("To", MIME.mailbox(name: person.name, email: person.email)))
        lines.append(MIME.header("Subject", MIME.encodedIfNeeded(subject ?? config.sessions.emailSubject)))
        lines.append("Date: " + MIME.date(stamp))
        lines.append("Message-ID: <tandem-\(StableHash.hex(identity))-\(stamp)@\(domain)>")
        lines.append("MIME-Version: 1.0")
        lines.append("X-Unsent: 1")
        lines.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a multi-part message in MIME format.")
        lines.append("")
        lines.append("--\(boundary)")
        lines.append("Content-Type: text/plain; charset=UTF-8")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines += MIME.base64Lines(Array(body.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        lines.append("--\(boundary)")
        lines.append("Content-Type: text/calendar; method=\(method); charset=UTF-8; name=\"mentoring-sessions.ics\"")
        lines.append("Content-Disposition: attachment; filename=\"mentoring-sessions.ics\"")
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines += MIME.base64Lines(calendar)
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// Just enough MIME (RFC 2045–2047, 5322) for drafts.
enum MIME {
    /// `Name: value`, the value already encoded; any control character made visible (so no line break).
    static func header(_ name: String, _ value: String) -> String {
        // Encoded values may contain our own folding ("\r\n "); remove any other line break.
        let parts = value.components(separatedBy: "\r\n ").map(clean)
        return name + ": " + parts.joined(separator: "\r\n ")
    }

    static func clean(_ text: String) -> String { VisibleText.clean(text) }

    /// `"Name" <address>` with the name quoted when it is plain ASCII, encoded-words otherwise.
    static func mailbox(name: String, email: String) -> String {
        let address = String(String.UnicodeScalarView(email.unicodeScalars.filter {
            !ICalText.isControl($0) && $0 != " " && $0 != "<" && $0 != ">" && $0 != "\"" && $0 != "," && $0 != ";"
        }))
        let display = clean(name).trimmingWhitespace()
        if display.isEmpty { return "<\(address)>" }
        let plain = display.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" && $0 != "\\" }
        return (plain ? "\"\(display)\"" : encodedWords(display)) + " <\(address)>"
    }

    static func encodedIfNeeded(_ text: String) -> String {
        let cleaned = clean(text)
        return cleaned.unicodeScalars.allSatisfy(\.isASCII) && cleaned.utf8.count < 900 ? cleaned : encodedWords(cleaned)
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, never splitting a character,
    /// separated by folding whitespace.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        // Characters, or scalars when one character alone is longer than a word can hold.
        var pieces: [[UInt8]] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if bytes.count <= 45 { pieces.append(bytes) } else { pieces += character.unicodeScalars.map { Array(String($0).utf8) } }
        }
        for bytes in pieces {
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    /// RFC 5322 date in UTC: `Wed, 01 Jul 2026 00:00:00 +0000`.
    static func date(_ seconds: Int64) -> String {
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let date = LocalDate(daysSinceEpoch: Int(day))
        let s = Int(seconds - day * 86_400)
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(names[date.weekday - 1]), \(ICalTime.pad(date.day, 2)) \(months[date.month - 1]) \(date.year) "
            + "\(ICalTime.pad(s / 3600, 2)):\(ICalTime.pad(s / 60 % 60, 2)):\(ICalTime.pad(s % 60, 2)) +0000"
    }
}
