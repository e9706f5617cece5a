/// Writes CSV (RFC 4180) that Excel opens safely: UTF-8 with a byte-order mark, CRLF line ends,
/// a field quoted when it holds a comma, a quote, a line break or surrounding spaces (quotes doubled).
///
/// Control characters and direction overrides are replaced by visible marks (`VisibleText`).
/// Form answers are untrusted, so a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is neutralised with a leading single quote (`'=SUM(A1)`), which stops Excel and Sheets
/// from running it as a formula. This also turns a negative number such as `-3.5` into the text
/// `'-3.5`; callers that write signed numbers should accept that or write them another way.
///
/// The one exception is an e-mail column (headed `email` or `…_email`): an address such as
/// `+44@example.org` or `-x@example.org` is written as it is, so a mail merge sends to it, when it is
/// only letters, digits and `. _ % + - = @` — without `(`, `|` or `!` no spreadsheet can call
/// anything from it. Any other text in such a column is guarded as usual.
public struct CSVWriter: Sendable {
    public private(set) var bytes: [UInt8]
    public let columnCount: Int
    /// The e-mail columns, by index.
    let addressColumns: Set<Int>

    public init(header: [String]) {
        columnCount = header.count
        addressColumns = Set(header.indices.filter { header[$0] == "email" || header[$0].hasSuffix("_email") })
        bytes = [0xEF, 0xBB, 0xBF]
        appendRow(header, isHeader: true)
    }

    /// Appends one row; a short row is padded with empty cells so every row has the header's width.
    public mutating func append(_ row: [String]) {
        var cells = row
        if cells.count < columnCount { cells += Array(repeating: "", count: columnCount - cells.count) }
        appendRow(cells)
    }

    /// The text as it will be written, without the byte-order mark.
    public var text: String { String(decoding: bytes.dropFirst(3), as: UTF8.self) }

    private mutating func appendRow(_ cells: [String], isHeader: Bool = false) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            appendCell(cell, guarded: isHeader || !addressColumns.contains(index) || !Self.isPlainAddress(cell))
        }
        bytes.append(13)
        bytes.append(10)
    }

    private mutating func appendCell(_ cell: String, guarded: Bool) {
        // Line breaks are fine inside a quoted cell; other control characters are made visible.
        var utf8 = Array(VisibleText.clean(cell, keepingLineBreaks: true).utf8)
        if guarded, let first = utf8.first, CSVWriter.formulaStarts.contains(first) {
            utf8.insert(UInt8(ascii: "'"), at: 0)
        }
        let needsQuotes = utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D || $0 == 0x3B }
            || utf8.first == 0x20 || utf8.last == 0x20
        guard needsQuotes else {
            bytes += utf8
            return
        }
        bytes.append(0x22)
        for byte in utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
    }

    /// `=`, `+`, `-`, `@`, tab, carriage return.
    static let formulaStarts: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]

    /// One `@` between a local part and a domain of letters, digits and `. _ % + - =`: an address that
    /// a spreadsheet can at most show as an error, never run.
    static func isPlainAddress(_ cell: String) -> Bool {
        let parts = cell.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(UInt8(ascii: ".")) else { return false }
        let allowed = { (byte: UInt8) in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || Array("._%+-=".utf8).contains(byte)
        }
        return parts.allSatisfy { $0.allSatisfy(allowed) } && !parts[1].contains(UInt8(ascii: "="))
    }
}
