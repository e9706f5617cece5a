import Foundation

/// Just enough of RFC 5322, 2045–2047 and mbox to find the calendars in what a coordinator saves from
/// a mail client: an `.eml` file (one message), an mbox file (Thunderbird's folders, Gmail's Takeout:
/// messages each starting with a "From " line) or a bare `.ics`. No package for MIME parsing resolves
/// here, so this is written by hand: headers unfolded, multipart walked, base64 and quoted-printable decoded.
public enum MailReader {
    /// One calendar found: its bytes, the `method=` of its MIME part (Outlook and Gmail put METHOD there
    /// as well as in the calendar; some clients only there), and the message it came from (1-based).
    public struct FoundCalendar: Sendable {
        public var bytes: [UInt8]
        public var mimeMethod: String?
        public var message: Int
    }

    /// What one file held: the calendars, how many messages, and the messages that could not be read.
    public struct FileContents: Sendable {
        public var calendars: [FoundCalendar] = []
        public var messages = 0
        public var unreadable: [(message: Int, why: String)] = []
    }

    /// The deepest multipart nesting followed (real replies use two or three levels).
    static let maximumDepth = 8

    /// Reads `bytes` as an `.ics` file, an mbox or a single message, by their first line.
    public static func read(_ bytes: [UInt8]) -> FileContents {
        var contents = FileContents()
        let text = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if text.starts(with: Array("BEGIN:VCALENDAR".utf8)) {
            contents.messages = 1
            contents.calendars = [FoundCalendar(bytes: text, mimeMethod: nil, message: 1)]
            return contents
        }
        let messages = text.starts(with: Array("From ".utf8)) ? mboxMessages(text) : [text[...]]
        for (k, message) in messages.enumerated() {
            contents.messages += 1
            let found = calendars(in: message, depth: 0)
            if found.isEmpty, let why = unreadable(message) { contents.unreadable.append((k + 1, why)) }
            contents.calendars += found.map { FoundCalendar(bytes: $0.bytes, mimeMethod: $0.method, message: k + 1) }
        }
        return contents
    }

    /// The messages of an mbox: each starts after a line beginning "From " at the start of the file or
    /// after an empty line (mboxrd's ">From " quoting inside bodies does not start one).
    static func mboxMessages(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var starts: [Int] = []
        let from = Array("From ".utf8)
        var lineStart = 0
        while lineStart < bytes.count {
            let end = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            if bytes[lineStart..<min(lineStart + 5, bytes.count)].elementsEqual(from)
                && (lineStart == 0 || isBlankLineBefore(bytes, lineStart)) {
                starts.append(end + 1)
            }
            lineStart = end + 1
        }
        return starts.enumerated().map { k, start in
            let stop = k + 1 < starts.count ? lineStartBefore(bytes, starts[k + 1]) : bytes.count
            return bytes[min(start, stop)..<stop]
        }
    }

    private static func isBlankLineBefore(_ bytes: [UInt8], _ lineStart: Int) -> Bool {
        var k = lineStart - 1 // the "\n" ending the previous line
        if k > 0 && bytes[k - 1] == 0x0D { k -= 1 }
        return k == 0 || bytes[k - 1] == 0x0A
    }

    /// The start of the "From " line whose following line starts at `next`.
    private static func lineStartBefore(_ bytes: [UInt8], _ next: Int) -> Int {
        var k = next - 2
        while k >= 0 && bytes[k] != 0x0A { k -= 1 }
        return k + 1
    }

    /// A message part taken apart: its headers (names lower-cased, values unfolded) and body.
    struct Part {
        var headers: [(name: String, value: String)] = []
        var body: ArraySlice<UInt8>

        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

        /// The media type ("text/calendar") and its parameters, names lower-cased, values unquoted.
        var contentType: (type: String, parameters: [String: String]) {
            MailReader.parameters(header("content-type") ?? "text/plain")
        }
    }

    /// Splits a part at its first empty line; a line starting with space or tab continues the one before.
    static func part(_ bytes: ArraySlice<UInt8>) -> Part {
        var headers: [(name: String, value: String)] = []
        var position = bytes.startIndex
        while position < bytes.endIndex {
            let end = bytes[position...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var line = bytes[position..<end]
            if line.last == 0x0D { line = line.dropLast() }
            position = min(end + 1, bytes.endIndex)
            if line.isEmpty { return Part(headers: headers, body: bytes[position...]) }
            let text = String(decoding: line, as: UTF8.self)
            if let first = line.first, first == 0x20 || first == 0x09, !headers.isEmpty {
                headers[headers.count - 1].value += " " + text.trimmingCharacters(in: .whitespaces)
            } else if let colon = text.firstIndex(of: ":") {
                headers.append((text[..<colon].trimmingCharacters(in: .whitespaces).lowercased(),
                                text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        return Part(headers: headers, body: bytes[bytes.endIndex...])
    }

    /// Every calendar in a message: `text/calendar` parts, and `.ics` attachments whatever their type says.
    static func calendars(in bytes: ArraySlice<UInt8>, depth: Int) -> [(bytes: [UInt8], method: String?)] {
        let part = part(bytes)
        let (type, parameters) = part.contentType
        if type.hasPrefix("multipart/"), let boundary = parameters["boundary"], depth < maximumDepth {
            return sections(part.body, boundary: boundary).flatMap { calendars(in: $0, depth: depth + 1) }
        }
        let name = (parameters["name"] ?? MailReader.parameters(part.header("content-disposition") ?? "").parameters["filename"] ?? "").lowercased()
        guard type == "text/calendar" || type == "application/ics" || name.hasSuffix(".ics") else { return [] }
        let decoded = decode(part.body, encoding: part.header("content-transfer-encoding"))
        return [(decoded, parameters["method"]?.uppercased())]
    }

    /// Why a message with no calendar cannot be read as a message at all (nil: it is an ordinary message).
    static func unreadable(_ bytes: ArraySlice<UInt8>) -> String? {
        let part = part(bytes)
        if part.headers.isEmpty { return "no e-mail headers: not an e-mail message" }
        let (type, parameters) = part.contentType
        if type.hasPrefix("multipart/") && parameters["boundary"] == nil { return "a multipart message without its boundary" }
        return nil
    }

    /// The body parts between `--boundary` lines, up to `--boundary--`.
    static func sections(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let marker = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var start: Int? = nil
        var position = body.startIndex
        while position < body.endIndex {
            let end = body[position...].firstIndex(of: 0x0A) ?? body.endIndex
            var line = body[position..<end]
            if line.last == 0x0D { line = line.dropLast() }
            if line.starts(with: marker) {
                let rest = line.dropFirst(marker.count)
                if let from = start { parts.append(body[from..<lineEndBefore(body, position, from: from)]) }
                if rest.starts(with: Array("--".utf8)) { return parts }
                start = min(end + 1, body.endIndex)
            }
            position = end + 1
        }
        if let from = start, from < body.endIndex { parts.append(body[from...]) }
        return parts
    }

    /// The part ends before the line break that precedes its boundary line.
    private static func lineEndBefore(_ body: ArraySlice<UInt8>, _ boundaryLine: Int, from: Int) -> Int {
        var end = boundaryLine
        if end > from && body[end - 1] == 0x0A { end -= 1 }
        if end > from && body[end - 1] == 0x0D { end -= 1 }
        return end
    }

    /// The body decoded by its Content-Transfer-Encoding (7bit, 8bit and binary as they are).
    static func decode(_ body: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch encoding?.lowercased().trimmingCharacters(in: .whitespaces) {
        case "base64": return base64(body)
        case "quoted-printable": return quotedPrintable(body)
        default: return Array(body)
        }
    }

    /// Base64, ignoring line breaks and anything outside the alphabet (as mail readers do).
    static func base64(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count * 3 / 4)
        var buffer: UInt32 = 0, bits = 0
        for byte in body {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="): return out
            default: continue
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return out
    }

    /// Quoted-printable: `=XX` bytes, `=` at a line's end joins it to the next.
    static func quotedPrintable(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var k = body.startIndex
        while k < body.endIndex {
            let byte = body[k]
            guard byte == UInt8(ascii: "=") else {
                out.append(byte)
                k += 1
                continue
            }
            if k + 1 < body.endIndex, body[k + 1] == 0x0A { k += 2; continue }
            if k + 2 < body.endIndex, body[k + 1] == 0x0D, body[k + 2] == 0x0A { k += 3; continue }
            if k + 2 < body.endIndex, let high = hex(body[k + 1]), let low = hex(body[k + 2]) {
                out.append(high << 4 | low)
                k += 3
            } else {
                out.append(byte)
                k += 1
            }
        }
        return out
    }

    private static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// `type/subtype; name=value; name="quoted value"` taken apart.
    static func parameters(_ value: String) -> (type: String, parameters: [String: String]) {
        var pieces: [String] = []
        var current = "", quoted = false
        for character in value {
            if character == "\"" { quoted.toggle(); continue }
            if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            parameters[piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] =
                piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return (pieces[0].trimmingCharacters(in: .whitespaces).lowercased(), parameters)
    }
}
