import Foundation
import TandemModel

/// RFC 5545 content lines: values escaped so that nothing typed in a form can start a property or a
/// line, and lines folded at 75 octets without splitting a UTF-8 character.
enum ICalText {
    /// A TEXT value (RFC 5545 §3.3.11): `\` `;` `,` escaped, every kind of line break written `\n`,
    /// tabs as spaces, other control characters dropped. The result holds no CR or LF, so it can never
    /// end the line it is on.
    static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case ";": out.append(contentsOf: "\\;".unicodeScalars)
            case ",": out.append(contentsOf: "\\,".unicodeScalars)
            case "\n":
                if !previousWasCR { out.append(contentsOf: "\\n".unicodeScalars) }
            case "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}":
                out.append(contentsOf: "\\n".unicodeScalars)
            case "\t": out.append(" ")
            default:
                if isControl(scalar) { continue }
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// A parameter value (such as `CN` or `TZID`): control characters and `"` removed, quoted when it
    /// holds `:`, `;` or `,` (RFC 5545 §3.2).
    static func parameter(_ text: String) -> String {
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter { !isControl($0) && $0 != "\"" }))
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
    /// with a space, breaks only between characters (between Unicode scalars only when one character
    /// alone is longer than a line); each line ends with CRLF.
    static func fold(_ line: String, into out: inout [UInt8]) {
        var used = 0
        var limit = 75
        func put(_ bytes: Substring.UTF8View) {
            if used + bytes.count > limit {
                out += [13, 10, 32]
                used = 0
                limit = 74
            }
            out += bytes
            used += bytes.count
        }
        for character in line {
            let string = String(character)
            if string.utf8.count <= 74 {
                put(Substring(string).utf8)
            } else {
                for scalar in character.unicodeScalars { put(Substring(String(scalar)).utf8) }
            }
        }
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
