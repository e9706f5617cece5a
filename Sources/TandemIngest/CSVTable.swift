/// An RFC 4180 reader over UTF-8 bytes that remembers the physical line where each record starts.
///
/// Lenient where real exports are: `,`, `;` or tab as the delimiter (decided from the header line),
/// CRLF, LF or CR-only line ends, spaces before an opening quote, text after a closing quote.
/// A quote that is never closed is reported and read as an ordinary character, so one stray quote
/// costs one record, not the rest of the file, and the reader never scans the file more than twice.
struct CSVTable {
    /// Every field of every record, in order, trimmed of surrounding whitespace.
    var fields: [String] = []
    /// `fields[recordStarts[r] ..< recordStarts[r + 1]]` are the fields of record `r`.
    var recordStarts: [Int] = [0]
    /// The physical line (1-based) where each record starts.
    var lines: [Int] = []
    /// Records holding a quote that was never closed.
    var unclosedQuoteRecords: Set<Int> = []
    var delimiter: UInt8 = UInt8(ascii: ",")

    var count: Int { lines.count }

    func record(_ r: Int) -> ArraySlice<String> { fields[recordStarts[r] ..< recordStarts[r + 1]] }

    static let quote = UInt8(ascii: "\"")
    static let lf: UInt8 = 10
    static let cr: UInt8 = 13

    /// The delimiter among `,` `;` tab that occurs most often in the first non-blank line, outside quotes.
    static func detectDelimiter(_ b: UnsafeBufferPointer<UInt8>) -> UInt8 {
        var i = 0
        while i < b.count, b[i] == lf || b[i] == cr || b[i] == 0x20 { i += 1 }
        var counts: [UInt8: Int] = [UInt8(ascii: ","): 0, UInt8(ascii: ";"): 0, 9: 0]
        var inQuotes = false
        while i < b.count {
            let c = b[i]
            if c == quote { inQuotes.toggle() }
            else if !inQuotes {
                if c == lf || c == cr { break }
                if counts[c] != nil { counts[c]! += 1 }
            }
            i += 1
        }
        let comma = counts[UInt8(ascii: ",")]!, semicolon = counts[UInt8(ascii: ";")]!, tab = counts[9]!
        if tab > comma && tab > semicolon { return 9 }
        if semicolon > comma { return UInt8(ascii: ";") }
        return UInt8(ascii: ",")
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 9 }

    static func parse(_ bytes: [UInt8]) -> CSVTable {
        var table = CSVTable()
        bytes.withUnsafeBufferPointer { b in
            table.delimiter = detectDelimiter(b)
            table.fill(b)
        }
        return table
    }

    private mutating func fill(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        let delimiter = self.delimiter
        let spaceIsDelimiter = delimiter == 9
        var i = 0
        var line = 1
        var scratch: [UInt8] = []
        while i < n {
            let recordLine = line
            let firstField = fields.count
            var allEmpty = true
            var unclosed = false
            var endOfRecord = false
            while !endOfRecord {
                var j = i
                if !spaceIsDelimiter { while j < n, CSVTable.isSpace(b[j]) { j += 1 } } else { while j < n, b[j] == 0x20 { j += 1 } }
                var value: String
                if j < n, b[j] == CSVTable.quote, let close = closingQuote(b, from: j + 1) {
                    // A quoted field: unescape doubled quotes, normalise line breaks to LF.
                    scratch.removeAll(keepingCapacity: true)
                    var k = j + 1
                    while k < close {
                        let c = b[k]
                        if c == CSVTable.quote { scratch.append(c); k += 2; continue }
                        if c == CSVTable.cr {
                            scratch.append(CSVTable.lf)
                            if k + 1 < close, b[k + 1] == CSVTable.lf { k += 1 }
                            line += 1
                        } else {
                            if c == CSVTable.lf { line += 1 }
                            scratch.append(c)
                        }
                        k += 1
                    }
                    k = close + 1
                    // Text after the closing quote belongs to the field (lenient).
                    while k < n, b[k] != delimiter, b[k] != CSVTable.lf, b[k] != CSVTable.cr {
                        scratch.append(b[k]); k += 1
                    }
                    value = CSVTable.trimmedString(scratch)
                    i = k
                } else {
                    if j < n, b[j] == CSVTable.quote { unclosed = true }
                    var k = j
                    while k < n, b[k] != delimiter, b[k] != CSVTable.lf, b[k] != CSVTable.cr { k += 1 }
                    value = CSVTable.trimmedString(UnsafeBufferPointer(rebasing: b[j ..< k]))
                    i = k
                }
                if !value.isEmpty { allEmpty = false }
                fields.append(value)
                if i < n, b[i] == delimiter {
                    i += 1
                    if i == n { fields.append(""); endOfRecord = true }
                } else {
                    if i < n {
                        if b[i] == CSVTable.cr, i + 1 < n, b[i + 1] == CSVTable.lf { i += 1 }
                        i += 1
                        line += 1
                    }
                    endOfRecord = true
                }
            }
            if allEmpty {
                fields.removeSubrange(firstField...)
            } else {
                if unclosed { unclosedQuoteRecords.insert(lines.count) }
                lines.append(recordLine)
                recordStarts.append(fields.count)
            }
        }
    }

    /// The index of the quote that closes a field opened just before `start`, or nil when the file
    /// ends first. A doubled quote is an escaped quote.
    private func closingQuote(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var k = start
        let n = b.count
        while k < n {
            if b[k] == CSVTable.quote {
                if k + 1 < n, b[k + 1] == CSVTable.quote { k += 2; continue }
                return k
            }
            k += 1
        }
        return nil
    }

    static func trimmedString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8, C.Index == Int {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi, isTrimmable(bytes[lo]) { lo += 1 }
        while hi > lo, isTrimmable(bytes[hi - 1]) { hi -= 1 }
        if lo == hi { return "" }
        let s = String(decoding: bytes[lo ..< hi], as: UTF8.self)
        if bytes[lo] >= 0x80 || bytes[hi - 1] >= 0x80 { return s.trimmingWhitespace() }
        return s
    }

    static func isTrimmable(_ c: UInt8) -> Bool { c == 0x20 || c == 9 || c == 10 || c == 13 }
}
