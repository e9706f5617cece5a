/// The character encoding of an export.
public enum TextEncoding: String, Sendable {
    case utf8
    /// Excel's "CSV (Comma delimited)" on Windows in Western Europe.
    case windows1252
}

enum TextDecoding {
    /// What a file that is not text at all looks like (an Excel workbook saved instead of CSV, a PDF,
    /// an image, random bytes), or nil for text: a known signature, or many NUL and control bytes.
    static func binaryKind(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "a ZIP file, such as an Excel workbook (.xlsx): save it as CSV and try again" }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) { return "an old Excel workbook (.xls): save it as CSV and try again" }
        if bytes.starts(with: Array("%PDF".utf8)) { return "a PDF: download the responses as CSV" }
        let head = bytes.prefix(65_536)
        let controls = head.filter { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }.count
        return controls * 20 > head.count ? "binary data (it holds many bytes that are not text): download the responses as CSV" : nil
    }

    /// The export as UTF-8 bytes without a byte-order mark, and the encoding it was read as.
    /// Without an `override`, UTF-8 is assumed when the bytes are valid UTF-8, Windows-1252 otherwise.
    /// A file that is UTF-8 with a few Windows-1252 bytes (rows pasted in from an older sheet) is
    /// read sequence by sequence: its UTF-8 as UTF-8 and each stray byte as Windows-1252, and
    /// `mixedLine` names the first line holding such a byte. Decoding it whole as Windows-1252
    /// would turn every "José" of the UTF-8 part into "JosÃ©".
    static func utf8Bytes(_ bytes: [UInt8], override: TextEncoding?)
        -> (bytes: [UInt8], encoding: TextEncoding, repaired: Bool, mixedLine: Int?) {
        var body = bytes
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body.removeFirst(3) }
        if override == nil && !isValidUTF8(body) {
            let mixed = mixedToUTF8(body)
            if mixed.utf8Sequences > 0, let first = mixed.firstStrayByte {
                let line = body[..<first].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
                return (mixed.bytes, .utf8, false, line)
            }
        }
        let encoding = override ?? (isValidUTF8(body) ? .utf8 : .windows1252)
        switch encoding {
        case .utf8:
            if override == nil || isValidUTF8(body) { return (body, .utf8, false, nil) }
            return (Array(String(decoding: body, as: UTF8.self).utf8), .utf8, true, nil)
        case .windows1252:
            return (fromWindows1252(body), .windows1252, false, nil)
        }
    }

    /// The length of the valid UTF-8 sequence of two to four bytes at `i`, or nil.
    static func utf8Sequence(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let c = b[i]
        let need: Int, minimum: UInt32
        var scalar: UInt32
        if c & 0xE0 == 0xC0 { need = 1; minimum = 0x80; scalar = UInt32(c & 0x1F) }
        else if c & 0xF0 == 0xE0 { need = 2; minimum = 0x800; scalar = UInt32(c & 0x0F) }
        else if c & 0xF8 == 0xF0 { need = 3; minimum = 0x10000; scalar = UInt32(c & 0x07) }
        else { return nil }
        guard i + need < b.count else { return nil }
        for k in 1...need {
            let d = b[i + k]
            guard d & 0xC0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(d & 0x3F)
        }
        if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return nil }
        return need + 1
    }

    /// UTF-8 sequences kept, every other byte above 0x7F read as Windows-1252; with how many
    /// multi-byte sequences there were and where the first stray byte was.
    static func mixedToUTF8(_ bytes: [UInt8]) -> (bytes: [UInt8], utf8Sequences: Int, firstStrayByte: Int?) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var sequences = 0
        var firstStray: Int?
        bytes.withUnsafeBufferPointer { b in
            var i = 0
            while i < b.count {
                let c = b[i]
                if c < 0x80 { out.append(c); i += 1; continue }
                if let length = utf8Sequence(b, at: i) {
                    out.append(contentsOf: b[i..<i + length])
                    sequences += 1
                    i += length
                } else {
                    firstStray = firstStray ?? i
                    appendUTF8(c < 0xA0 ? windows1252High[Int(c - 0x80)] : UInt32(c), to: &out)
                    i += 1
                }
            }
        }
        return (out, sequences, firstStray)
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var i = 0
            while i < n {
                let c = b[i]
                if c < 0x80 { i += 1; continue }
                let need: Int
                let minimum: UInt32
                var scalar: UInt32
                if c & 0xE0 == 0xC0 { need = 1; minimum = 0x80; scalar = UInt32(c & 0x1F) }
                else if c & 0xF0 == 0xE0 { need = 2; minimum = 0x800; scalar = UInt32(c & 0x0F) }
                else if c & 0xF8 == 0xF0 { need = 3; minimum = 0x10000; scalar = UInt32(c & 0x07) }
                else { return false }
                guard i + need < n else { return false }
                for k in 1...need {
                    let d = b[i + k]
                    guard d & 0xC0 == 0x80 else { return false }
                    scalar = scalar << 6 | UInt32(d & 0x3F)
                }
                if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return false }
                i += need + 1
            }
            return true
        }
    }

    /// Windows-1252 → UTF-8. The five undefined bytes map to the C1 controls, as browsers do.
    static func fromWindows1252(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte < 0x80 { out.append(byte); continue }
            let scalar = byte < 0xA0 ? windows1252High[Int(byte - 0x80)] : UInt32(byte)
            appendUTF8(scalar, to: &out)
        }
        return out
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case ..<0x80: out.append(UInt8(scalar))
        case ..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6)); out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xE0 | scalar >> 12)); out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// UTF-8 → Windows-1252, for tests and tools; characters it cannot hold become `?`.
    static func toWindows1252(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { s -> UInt8 in
            let v = s.value
            if v < 0x80 || (0xA0...0xFF).contains(v) { return UInt8(v) }
            if let i = windows1252High.firstIndex(of: v) { return UInt8(0x80 + i) }
            return UInt8(ascii: "?")
        }
    }

    static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}
