import Foundation
import TandemModel

/// Each person's free time as bits of a UTC week (15-minute slots), once per distinct
/// "offset situation" over the six session months. Two people are compared with a few word-wise
/// ANDs, so a whole pool can be scored; offsets change with daylight saving on different dates in
/// different zones, which is why each sample week is computed in every partner's own zone.
struct AvailabilityGrid {
    static let slotMinutes = 15
    static let slotsPerWeek = 7 * 24 * 60 / slotMinutes // 672
    static let wordsPerWeek = (slotsPerWeek + 63) / 64 // 11

    /// How many sample weeks (months) each distinct offset situation stands for.
    let classWeights: [Int]
    /// Per person: `classWeights.count` weeks of `wordsPerWeek` words.
    private let bits: [[UInt64]]
    let sessionSlots: Int

    /// - Parameters:
    ///   - firstMonth: the month of the first session; the sample is the second week of each of six months.
    init(applicants: [Applicant], firstMonth: YearMonth, sessionMinutes: Int) {
        sessionSlots = max(1, (sessionMinutes + Self.slotMinutes - 1) / Self.slotMinutes)
        // One sample week per session month: the Monday on or before the month's second Wednesday.
        let mondays = (0..<6).map { k -> LocalDate in
            let wednesday = firstMonth.adding(months: k).day(ordinal: 2, weekday: 3)
            return wednesday.adding(days: -2)
        }
        var zones: [String: TimeZone] = [:]
        for zone in Set(applicants.map(\.timeZone)).sorted() {
            zones[zone] = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
        }
        // Group the sample weeks by the offsets every zone in use has on each day of the week.
        var classOfWeek: [Int] = []
        var keys: [[Int]] = []
        for monday in mondays {
            var key: [Int] = []
            for name in zones.keys.sorted() {
                for d in 0..<7 { key.append(Self.offsetMinutes(zones[name]!, on: monday.adding(days: d), minute: 12 * 60)) }
            }
            if let index = keys.firstIndex(of: key) {
                classOfWeek.append(index)
            } else {
                keys.append(key)
                classOfWeek.append(keys.count - 1)
            }
        }
        var weights = [Int](repeating: 0, count: keys.count)
        for c in classOfWeek { weights[c] += 1 }
        classWeights = weights
        let representative = (0..<keys.count).map { c in mondays[classOfWeek.firstIndex(of: c)!] }

        bits = applicants.map { applicant in
            var words = [UInt64](repeating: 0, count: representative.count * Self.wordsPerWeek)
            let zone = zones[applicant.timeZone]!
            for (c, monday) in representative.enumerated() {
                for window in applicant.availability {
                    let date = monday.adding(days: window.weekday - 1)
                    let offset = Self.offsetMinutes(zone, on: date, minute: window.startMinute)
                    // UTC minute of the week (Monday 00:00 UTC = 0), wrapping around the week.
                    let start = (window.weekday - 1) * 1440 + window.startMinute - offset
                    let firstSlot = Int((Double(start) / Double(Self.slotMinutes)).rounded(.up))
                    let lastSlot = Int((Double(start + window.minutes) / Double(Self.slotMinutes)).rounded(.down))
                    guard lastSlot > firstSlot else { continue }
                    for slot in firstSlot..<lastSlot {
                        let s = ((slot % Self.slotsPerWeek) + Self.slotsPerWeek) % Self.slotsPerWeek
                        words[c * Self.wordsPerWeek + s / 64] |= 1 << UInt64(s % 64)
                    }
                }
            }
            return words
        }
    }

    /// Offset from UTC in minutes in `zone` at local `minute` of `date`.
    static func offsetMinutes(_ zone: TimeZone, on date: LocalDate, minute: Int) -> Int {
        let localSeconds = Double(date.daysSinceEpoch * 86_400 + minute * 60)
        let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds))
        let exact = zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds - Double(guess)))
        return exact / 60
    }

    /// Common free time of persons `a` and `b`: average hours a week over the six months, and whether
    /// every sample week holds at least one common stretch as long as a session.
    func overlap(_ a: Int, _ b: Int) -> (hoursPerWeek: Double, everyMonth: Bool) {
        let words = Self.wordsPerWeek
        return bits[a].withUnsafeBufferPointer { x in
            bits[b].withUnsafeBufferPointer { y in
                withUnsafeTemporaryAllocation(of: UInt64.self, capacity: words) { common in
                    var weightedSlots = 0
                    var everyMonth = true
                    for c in 0..<classWeights.count {
                        let base = c * words
                        var count = 0
                        for w in 0..<words {
                            common[w] = x[base + w] & y[base + w]
                            count += common[w].nonzeroBitCount
                        }
                        weightedSlots += count * classWeights[c]
                        if everyMonth && (count < sessionSlots || !Self.hasRun(common, length: sessionSlots)) {
                            everyMonth = false
                        }
                    }
                    let hours = Double(weightedSlots) * Double(Self.slotMinutes) / 60 / 6
                    return (hours, everyMonth)
                }
            }
        }
    }

    /// Whether `words` holds `length` consecutive set bits.
    static func hasRun(_ words: UnsafeMutableBufferPointer<UInt64>, length: Int) -> Bool {
        // Shrink every run by one bit, length - 1 times (bit i+1 moves to bit i across words);
        // anything left marks the start of a long-enough run. Destroys `words`.
        for _ in 1..<max(length, 1) {
            for w in 0..<words.count {
                let next = w + 1 < words.count ? words[w + 1] << 63 : 0
                words[w] &= (words[w] >> 1) | next
            }
        }
        return words.contains { $0 != 0 }
    }
}
