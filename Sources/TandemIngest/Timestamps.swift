import TandemModel

/// A Timestamp cell read as far as it can be without knowing the column's day/month order.
struct RawTimestamp: Equatable {
    /// Year-first dates (`2026/10/03`, ISO 8601) are never ambiguous.
    var yearFirst: Bool
    /// For year-first: month and day. Otherwise the first and second numbers as written.
    var first: Int
    var second: Int
    var year: Int
    var secondsOfDay: Int
    var utcOffset: Int?

    /// Both orders give a valid, different date.
    var isAmbiguous: Bool { !yearFirst && first != second && first <= 12 && second <= 12 }

    /// What the value proves about the column's order, if anything.
    var evidence: DateOrder? {
        guard !yearFirst else { return nil }
        if first > 12 && second <= 12 { return .dayFirst }
        if second > 12 && first <= 12 { return .monthFirst }
        return nil
    }

    func dateTime(order: DateOrder?) -> LocalDateTime? {
        let month: Int, day: Int
        if yearFirst {
            (month, day) = (first, second)
        } else if first == second {
            (month, day) = (first, second)
        } else {
            guard let order else { return nil }
            (day, month) = order == .dayFirst ? (first, second) : (second, first)
        }
        guard LocalDate.isValid(year: year, month: month, day: day) else { return nil }
        return LocalDateTime(date: LocalDate(year: year, month: month, day: day), secondsOfDay: secondsOfDay, utcOffset: utcOffset)
    }
}

/// Reads the date shapes of docs/form.md and ISO 8601:
/// `2026/10/03 4:12:55 PM GMT+1`, `03/10/2026 16:12:55`, `11/3/26 16:12:07`,
/// `2026-10-03T16:12:55Z`, `2026-10-03 16:12:55`, with or without seconds or a time.
enum TimestampParser {
    static func parse(_ text: String) -> RawTimestamp? {
        var s = Scanner(Array(text.utf8))
        guard let a = s.number() else { return nil }
        let separator = s.peek
        guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-") || separator == UInt8(ascii: ".") else { return nil }
        s.advance()
        guard let b = s.number(), s.peek == separator else { return nil }
        s.advance()
        guard let c = s.number() else { return nil }
        var raw: RawTimestamp
        if a.digits == 4 {
            guard c.digits <= 2 else { return nil }
            raw = RawTimestamp(yearFirst: true, first: b.value, second: c.value, year: a.value, secondsOfDay: 0)
        } else {
            guard a.digits <= 2, b.digits <= 2, c.digits == 4 || c.digits == 2 else { return nil }
            let year = c.digits == 2 ? 2000 + c.value : c.value
            raw = RawTimestamp(yearFirst: false, first: a.value, second: b.value, year: year, secondsOfDay: 0)
        }
        guard (1...31).contains(raw.first), (1...31).contains(raw.second), (1...9999).contains(raw.year) else { return nil }
        // Optional time.
        if s.peek == UInt8(ascii: "T") || s.peek == UInt8(ascii: "t") { s.advance() } else { s.skipSpaces() }
        if s.atEnd { return raw }
        guard let hour = s.number(), hour.digits <= 2, s.peek == UInt8(ascii: ":") else { return nil }
        s.advance()
        guard let minute = s.number(), minute.digits == 2 else { return nil }
        var second = 0
        if s.peek == UInt8(ascii: ":") {
            s.advance()
            guard let sec = s.number(), sec.digits == 2 else { return nil }
            second = sec.value
            if s.peek == UInt8(ascii: ".") || s.peek == UInt8(ascii: ",") {
                s.advance()
                guard s.number() != nil else { return nil }
            }
        }
        var h = hour.value
        s.skipSpaces()
        if let meridiem = s.word(), ["AM", "PM", "A.M.", "P.M."].contains(meridiem.uppercased()) {
            guard (1...12).contains(h) else { return nil }
            let pm = meridiem.uppercased().hasPrefix("P")
            h = h % 12 + (pm ? 12 : 0)
            s.skipSpaces()
        } else {
            s.resetWord()
        }
        guard h < 24 || (h == 24 && minute.value == 0 && second == 0), minute.value < 60, second < 61 else { return nil }
        raw.secondsOfDay = min(h * 3600 + minute.value * 60 + second, 86_399)
        if s.atEnd { return raw }
        guard let offset = s.utcOffset(), s.atEnd else { return nil }
        raw.utcOffset = offset
        return raw
    }

    private struct Scanner {
        let b: [UInt8]
        var i = 0
        var wordStart = 0
        init(_ b: [UInt8]) {
            self.b = b
            while i < b.count, b[i] == 0x20 { i += 1 }
        }
        var atEnd: Bool {
            var k = i
            while k < b.count, b[k] == 0x20 { k += 1 }
            return k == b.count
        }
        var peek: UInt8? { i < b.count ? b[i] : nil }
        mutating func advance() { i += 1 }
        mutating func skipSpaces() { while i < b.count, b[i] == 0x20 || b[i] == 9 { i += 1 } }
        mutating func number() -> (value: Int, digits: Int)? {
            var v = 0, d = 0
            while i < b.count, (48...57).contains(b[i]), d < 9 { v = v * 10 + Int(b[i] - 48); d += 1; i += 1 }
            return d == 0 ? nil : (v, d)
        }
        mutating func word() -> String? {
            wordStart = i
            while i < b.count, (65...90).contains(b[i]) || (97...122).contains(b[i]) || b[i] == UInt8(ascii: ".") { i += 1 }
            return i == wordStart ? nil : String(decoding: b[wordStart ..< i], as: UTF8.self)
        }
        mutating func resetWord() { i = wordStart }
        /// `Z`, `GMT`, `UTC`, `GMT+1`, `GMT-05:30`, `+01:00`, `+0100` → seconds east of UTC.
        mutating func utcOffset() -> Int? {
            let start = i
            if let w = word() {
                let u = w.uppercased()
                if u == "Z" || u == "GMT" || u == "UTC" {
                    if atEnd { return 0 }
                    if u == "Z" { i = start; return nil }
                } else { i = start; return nil }
            }
            guard let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
            advance()
            guard let h = number() else { return nil }
            var hours = h.value, minutes = 0
            if h.digits == 4 { hours = h.value / 100; minutes = h.value % 100 }
            else if h.digits > 2 { return nil }
            if peek == UInt8(ascii: ":") {
                advance()
                guard let m = number(), m.digits == 2 else { return nil }
                minutes = m.value
            }
            guard hours <= 14, minutes < 60 else { return nil }
            let seconds = hours * 3600 + minutes * 60
            return sign == UInt8(ascii: "-") ? -seconds : seconds
        }
    }
}
