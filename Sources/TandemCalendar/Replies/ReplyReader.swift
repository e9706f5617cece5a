import Foundation
import TandemModel

/// One attendee's answer as a calendar client sent it (an iTIP `METHOD:REPLY`, RFC 5546 §3.2.3).
public struct CalendarReply: Sendable, Hashable {
    public var uid: String
    /// The address after `mailto:` (any letter case), as the client wrote it.
    public var attendee: String
    /// `ACCEPTED`, `DECLINED`, `TENTATIVE` (upper-cased; others are reported).
    public var answer: String
    /// Set when the reply answers one occurrence of the series: its value, `YYYYMMDDTHHMMSS` (local
    /// in `recurrenceZone`) or with a `Z` (UTC).
    public var recurrenceID: String?
    public var recurrenceZone: String?
    public var sequence: Int
    /// DTSTAMP, Unix seconds (UTC); nil when missing.
    public var stamp: Int64?
    /// The attendee's COMMENT, if any (a decline's reason).
    public var comment: String?

    /// Identity for duplicates: the same answer to the same thing at the same moment.
    public var identity: String {
        [uid, EmailAddress(attendee).key, answer, recurrenceID ?? "", String(sequence), stamp.map(String.init) ?? ""].joined(separator: "|")
    }
}

/// Reads iTIP replies out of a calendar: unfolds its lines, takes METHOD (from the calendar, else from
/// the MIME part), and one reply per `VEVENT` with exactly one ATTENDEE.
public enum ReplyReader {
    /// The replies in `calendar`, or why it holds none that can be used.
    public static func replies(_ calendar: [UInt8], mimeMethod: String?) -> Result<[CalendarReply], ReplyProblem> {
        let lines = unfolded(calendar)
        guard lines.contains(where: { $0.name == "BEGIN" && $0.value.uppercased() == "VCALENDAR" }) else {
            return .failure(.unreadable("no BEGIN:VCALENDAR: not a calendar"))
        }
        let method = (lines.first { $0.name == "METHOD" }?.value ?? mimeMethod ?? "").uppercased()
        guard method == "REPLY" else { return .failure(.notAReply(method.isEmpty ? "no METHOD" : "METHOD:\(method)")) }
        var replies: [CalendarReply] = []
        var event: [ContentLine]? = nil
        for line in lines {
            if line.name == "BEGIN" && line.value.uppercased() == "VEVENT" { event = []; continue }
            if line.name == "END" && line.value.uppercased() == "VEVENT", let properties = event {
                switch reply(properties) {
                case let .success(found): replies.append(found)
                case let .failure(problem): return .failure(problem)
                }
                event = nil
                continue
            }
            event?.append(line)
        }
        return replies.isEmpty ? .failure(.unreadable("a REPLY with no VEVENT")) : .success(replies)
    }

    static func reply(_ properties: [ContentLine]) -> Result<CalendarReply, ReplyProblem> {
        guard let uid = properties.first(where: { $0.name == "UID" })?.value, !uid.isEmpty else { return .failure(.unreadable("a VEVENT without UID")) }
        let attendees = properties.filter { $0.name == "ATTENDEE" }
        guard attendees.count == 1, let attendee = attendees.first else {
            return .failure(.unreadable("the reply names \(attendees.count) attendees; a reply names the one person answering"))
        }
        let value = attendee.value
        let address = value.lowercased().hasPrefix("mailto:") ? String(value.dropFirst("mailto:".count)) : value
        let answer = (attendee.parameters["PARTSTAT"] ?? "NEEDS-ACTION").uppercased()
        let rid = properties.first { $0.name == "RECURRENCE-ID" }
        let sequence = properties.first { $0.name == "SEQUENCE" }.flatMap { Int($0.value.trimmingCharacters(in: .whitespaces)) } ?? 0
        let stamp = properties.first { $0.name == "DTSTAMP" }.flatMap { utcSeconds($0.value) }
        let comment = properties.first { $0.name == "COMMENT" }.map { unescaped($0.value) }
        return .success(CalendarReply(uid: uid, attendee: address.trimmingCharacters(in: .whitespaces), answer: answer,
                                      recurrenceID: rid?.value, recurrenceZone: rid?.parameters["TZID"], sequence: sequence,
                                      stamp: stamp, comment: comment))
    }

    /// A content line: its name (upper-cased), parameters (names upper-cased, values unquoted) and value.
    struct ContentLine {
        var name: String
        var parameters: [String: String]
        var value: String
    }

    /// The calendar's lines with folding undone (CRLF or LF, then one space or tab, continues a line).
    static func unfolded(_ bytes: [UInt8]) -> [ContentLine] {
        var logical: [String] = []
        for raw in String(decoding: bytes, as: UTF8.self).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = Substring(raw)
            if line.hasSuffix("\r") { line = line.dropLast() }
            if let first = line.first, first == " " || first == "\t", !logical.isEmpty {
                logical[logical.count - 1] += line.dropFirst()
            } else if !line.isEmpty {
                logical.append(String(line))
            }
        }
        return logical.compactMap(contentLine)
    }

    /// `NAME;PARAM=value;PARAM="quoted:value":value`.
    static func contentLine(_ line: String) -> ContentLine? {
        var quoted = false
        var cuts: [String.Index] = []
        var valueStart: String.Index? = nil
        for index in line.indices {
            let character = line[index]
            if character == "\"" { quoted.toggle() } else if !quoted && character == ";" { cuts.append(index) } else if !quoted && character == ":" {
                valueStart = index
                break
            }
        }
        guard let colon = valueStart else { return nil }
        let nameEnd = cuts.first ?? colon
        var parameters: [String: String] = [:]
        let bounds = cuts + [colon]
        for (a, b) in zip(bounds, bounds.dropFirst()) {
            let piece = line[line.index(after: a)..<b]
            guard let equals = piece.firstIndex(of: "=") else { continue }
            parameters[piece[..<equals].uppercased()] = piece[piece.index(after: equals)...].replacingOccurrences(of: "\"", with: "")
        }
        return ContentLine(name: line[..<nameEnd].uppercased(), parameters: parameters, value: String(line[line.index(after: colon)...]))
    }

    /// `YYYYMMDDTHHMMSSZ` (a missing Z read as UTC too), as Unix seconds.
    static func utcSeconds(_ text: String) -> Int64? {
        let digits = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "Z", with: "")
        let parts = digits.split(separator: "T")
        guard parts.count == 2, parts[0].count == 8, parts[1].count >= 6, let day = Int(parts[0]), let time = Int(parts[1].prefix(6)) else { return nil }
        guard (1...12).contains(day / 100 % 100), (1...31).contains(day % 100) else { return nil }
        let date = LocalDate(year: day / 10_000, month: day / 100 % 100, day: day % 100)
        return Int64(date.daysSinceEpoch) * 86_400 + Int64(time / 10_000 * 3600 + time / 100 % 100 * 60 + time % 100)
    }

    /// A TEXT value with its escapes undone.
    static func unescaped(_ text: String) -> String {
        var out = "", escaping = false
        for character in text {
            if escaping {
                out.append(character == "n" || character == "N" ? "\n" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return out
    }
}

/// Why a calendar gave no reply.
public enum ReplyProblem: Error, Sendable, Hashable {
    /// A calendar, but an invitation, a publication or a cancellation rather than an answer.
    case notAReply(String)
    case unreadable(String)
}
