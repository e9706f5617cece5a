import Foundation
import TandemModel

/// RFC 5545 content lines: values escaped so that nothing typed in a form can start a property or a
/// line, and lines folded at 75 octets without splitting a UTF-8 character.
enum ICalText {
    /// A TEXT value (RFC 5545 §3.3.11): `\` `;` `,` escaped, every kind of line break written `\n`,
    /// other control characters and direction overrides made visible (`VisibleText`). The result holds
    /// no CR or LF, so it can never end the line it is on.
    static func escape(_ text: String) -> String {
        let text = VisibleText.clean(text, keepingLineBreaks: true)
        let utf8 = text.utf8
        // Most values need nothing: return them untouched.
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x5C || $0 == 0x3B || $0 == 0x2C || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) {
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        let bytes = Array(utf8)
        var i = 0
        let newline: [UInt8] = [0x5C, 0x6E] // \n
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x5C, 0x3B, 0x2C: // \ ; ,
                out.append(0x5C)
                out.append(b)
            case 0x0D: // CR, or CRLF as one line break
                out += newline
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
            case 0x0A, 0x0B, 0x0C:
                out += newline
            case 0x09:
                out.append(0x20)
            case 0x00..<0x20, 0x7F:
                break // other control characters are dropped
            case 0xC2 where i + 1 < bytes.count && (0x80...0x9F).contains(bytes[i + 1]):
                // C1 controls (U+0080–U+009F); NEL (U+0085) is a line break.
                if bytes[i + 1] == 0x85 { out += newline }
                i += 1
            case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                out += newline // U+2028, U+2029
                i += 2
            default:
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A parameter value (such as `CN` or `TZID`): control characters made visible, `"` removed, quoted when it
    /// holds `:`, `;` or `,` (RFC 5545 §3.2).
    static func parameter(_ text: String) -> String {
        let kept = VisibleText.clean(text.trimmingCharacters(in: .whitespacesAndNewlines)).replacingOccurrences(of: "\"", with: "")
        if kept.contains(where: { $0 == ":" || $0 == ";" || $0 == "," }) { return "\"" + kept + "\"" }
        return kept
    }

    /// A value with no escaping rules of its own (a URI, an e-mail): controls, spaces and characters that
    /// could end it removed.
    static func bare(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter {
            !isControl($0) && $0 != " " && $0 != "\"" && $0 != "<" && $0 != ">" && $0 != ";" && $0 != ","
        }))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Folds one unfolded line (RFC 5545 §3.1): at most 75 octets a line, continuation lines starting
    /// with a space, breaks only before the first octet of a UTF-8 sequence (never inside a character's
    /// octets); each line ends with CRLF.
    static func fold(_ line: String, into out: inout [UInt8]) {
        let bytes = Array(line.utf8)
        var start = 0
        var limit = 75
        while bytes.count - start > limit {
            var cut = start + limit
            while cut > start, bytes[cut] & 0xC0 == 0x80 { cut -= 1 } // back to a sequence's first octet
            out += bytes[start..<cut]
            out += [13, 10, 32]
            start = cut
            limit = 74
        }
        out += bytes[start...]
        out += [13, 10]
    }
}

/// Builds a calendar document line by line.
struct ICalDocument {
    private(set) var bytes: [UInt8] = []

    mutating func line(_ name: String, _ value: String) {
        ICalText.fold(name + ":" + value, into: &bytes)
    }

    /// A TEXT property, escaped.
    mutating func text(_ name: String, _ value: String) {
        line(name, ICalText.escape(value))
    }

    /// Lines already folded (a component made elsewhere).
    mutating func append(_ lines: [UInt8]) {
        bytes += lines
    }
}

/// Dates and offsets in RFC 5545 forms, computed with Foundation's time-zone database.
enum ICalTime {
    /// `YYYYMMDDTHHMMSSZ`.
    static func utc(_ seconds: Int64) -> String { stamp(seconds) + "Z" }

    /// `YYYYMMDDTHHMMSS` of a wall-clock moment given as seconds since 1970-01-01 00:00 local.
    static func stamp(_ local: Int64) -> String {
        let day = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondsOfDay = Int(local - day * 86_400)
        let date = LocalDate(daysSinceEpoch: Int(day))
        return pad(date.year, 4) + pad(date.month, 2) + pad(date.day, 2) + "T"
            + pad(secondsOfDay / 3600, 2) + pad(secondsOfDay / 60 % 60, 2) + pad(secondsOfDay % 60, 2)
    }

    /// `+HHMM` (or `+HHMMSS`); never `-0000`.
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(seconds)
        return sign + pad(a / 3600, 2) + pad(a / 60 % 60, 2) + (a % 60 == 0 ? "" : pad(a % 60, 2))
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
