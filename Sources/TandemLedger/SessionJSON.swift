import TandemModel
import TandemScheduling

/// A session's stored JSON, written directly: byte for byte what `JSONEncoder` with sorted keys
/// writes for `ScheduledSession` (LedgerTests compare the two), in a tenth of the time. A large
/// month stores hundreds of thousands of sessions, and encoding them was most of what recording
/// the month took. Reading them back still goes through `JSONDecoder`.
enum SessionJSON {
    static func encode(_ s: ScheduledSession) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        // Keys in the order of their UTF-8 bytes, as `.sortedKeys` orders them.
        out.append(UInt8(ascii: "{"))
        key("agenda", &out, first: true); string(s.agenda, &out)
        key("count", &out); int(s.count, &out)
        key("end", &out); int(s.end, &out)
        key("junior", &out); partner(s.junior, &out)
        if let lead = s.lead { key("lead", &out); string(lead.rawValue, &out) }
        key("location", &out); string(s.location, &out)
        key("number", &out); int(s.number, &out)
        key("pattern", &out); string(s.pattern, &out)
        key("prepare", &out); string(s.prepare, &out)
        key("schemeName", &out); string(s.schemeName, &out)
        key("senior", &out); partner(s.senior, &out)
        key("sequence", &out); int(s.sequence, &out)
        key("start", &out); int(s.start, &out)
        key("timeZone", &out); string(s.timeZone, &out)
        key("title", &out); string(s.title, &out)
        key("uid", &out); string(s.uid, &out)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func partner(_ p: SessionPartner, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        key("email", &out, first: true); string(p.email, &out)
        key("key", &out); string(p.key, &out)
        key("name", &out); string(p.name, &out)
        key("timeZone", &out); string(p.timeZone, &out)
        out.append(UInt8(ascii: "}"))
    }

    private static func key(_ name: StaticString, _ out: inout [UInt8], first: Bool = false) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    private static func int<T: BinaryInteger>(_ value: T, _ out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    /// As `JSONEncoder` escapes: `"` `\` and `/` with a backslash; backspace, tab, line feed, form feed
    /// and carriage return by letter; other controls below U+0020 as `\u00xx`; everything else as is.
    private static func string(_ text: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                out.append(UInt8(ascii: "\\")); out.append(byte)
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0..<0x20:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)]); out.append(hex[Int(byte & 15)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
