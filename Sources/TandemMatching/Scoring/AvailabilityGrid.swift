import Foundation
import TandemModel

/// Each person's free time as bits of a UTC week (15-minute slots), once per distinct
/// "offset situation" over the six session months, for the availability part of the score (common
/// hours a week). Two people are compared with a few word-wise ANDs, so a whole pool can be scored;
/// offsets change with daylight saving on different dates in different zones, which is why each
/// sample week is computed in every partner's own zone. (Whether a pair has a monthly slot is
/// `MonthlyPatterns`' question.)
struct AvailabilityGrid: Sendable {
    static let slotMinutes = 15
    static let slotsPerWeek = 7 * 24 * 60 / slotMinutes // 672
    static let wordsPerWeek = (slotsPerWeek + 63) / 64 // 11

    /// How many sample weeks (months) each distinct offset situation stands for.
    let classWeights: [Int]
    /// Words per person: `classWeights.count` weeks of `wordsPerWeek` words.
    let stride: Int
    /// Every person's weeks, person after person (`stride` words each).
    let bits: [UInt64]
    /// Per person: their free slots, weighted by how many sample weeks each class stands for (an
    /// upper bound of any pair's `weightedSlots`).
    let weightedTotal: [Int]
    /// Per person and class: which of the week's words hold a free slot.
    let usedWords: [UInt16]

    /// - Parameters:
    ///   - firstMonth: the month of the first session; the sample is the second week of each of six months.
    init(applicants: [Applicant], firstMonth: YearMonth) {
        // One sample week per session month: the Monday on or before the month's second Wednesday.
        let mondays = (0..<6).map { k -> LocalDate in
            let wednesday = firstMonth.adding(months: k).day(ordinal: 2, weekday: 3)
            return wednesday.adding(days: -2)
        }
        var zones: [String: TimeZone] = [:]
        for zone in Set(applicants.map(\.timeZone)).sorted() {
            zones[zone] = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
        }
        let (classOfWeek, classCount) = Self.weekClasses(mondays, zones: zones)
        var weights = [Int](repeating: 0, count: classCount)
        for c in classOfWeek { weights[c] += 1 }
        classWeights = weights
        let representative = (0..<classCount).map { c in mondays[classOfWeek.firstIndex(of: c)!] }
        let words = Self.wordsPerWeek
        let stride = representative.count * words
        self.stride = stride
        let bits = Self.freeSlots(applicants, zones: zones, weeks: representative, stride: stride)
        self.bits = bits
        var usedWords = [UInt16](repeating: 0, count: applicants.count * classCount)
        for person in 0..<applicants.count {
            for c in 0..<classCount {
                for w in 0..<words where bits[person * stride + c * words + w] != 0 {
                    usedWords[person * classCount + c] |= 1 << UInt16(w)
                }
            }
        }
        self.usedWords = usedWords
        self.weightedTotal = (0..<applicants.count).map { person in
            (0..<classCount).reduce(0) { total, c in
                let from = person * stride + c * words
                return total + bits[from..<(from + words)].reduce(0) { $0 + $1.nonzeroBitCount } * weights[c]
            }
        }
    }

    /// The sample weeks grouped by the offsets every zone in use has on each day of the week: each
    /// week's class, and how many classes.
    static func weekClasses(_ mondays: [LocalDate], zones: [String: TimeZone]) -> (classOfWeek: [Int], count: Int) {
        var classOfWeek: [Int] = []
        var keys: [[Int]] = []
        for monday in mondays {
            var key: [Int] = []
            for name in zones.keys.sorted() {
                for d in 0..<7 { key.append(offsetMinutes(zones[name]!, on: monday.adding(days: d), minute: 12 * 60)) }
            }
            if let index = keys.firstIndex(of: key) {
                classOfWeek.append(index)
            } else {
                keys.append(key)
                classOfWeek.append(keys.count - 1)
            }
        }
        return (classOfWeek, keys.count)
    }

    /// Each person's free slots in each representative week, as bits (`stride` words per person).
    static func freeSlots(_ applicants: [Applicant], zones: [String: TimeZone], weeks: [LocalDate], stride: Int) -> [UInt64] {
        let words = wordsPerWeek
        // Offsets repeat (few zones, few dates, few window starts): ask Foundation once for each.
        struct OffsetKey: Hashable { var zone: String; var day: Int; var minute: Int }
        var offsets: [OffsetKey: Int] = [:]
        var bits = [UInt64](repeating: 0, count: applicants.count * stride)
        for (person, applicant) in applicants.enumerated() {
            let zone = zones[applicant.timeZone]!
            let base = person * stride
            for (c, monday) in weeks.enumerated() {
                for window in applicant.availability {
                    let date = monday.adding(days: window.weekday - 1)
                    let key = OffsetKey(zone: applicant.timeZone, day: date.daysSinceEpoch, minute: window.startMinute)
                    let offset: Int
                    if let known = offsets[key] {
                        offset = known
                    } else {
                        offset = offsetMinutes(zone, on: date, minute: window.startMinute)
                        offsets[key] = offset
                    }
                    // UTC minute of the week (Monday 00:00 UTC = 0), wrapping around the week.
                    let start = (window.weekday - 1) * 1440 + window.startMinute - offset
                    let firstSlot = Int((Double(start) / Double(slotMinutes)).rounded(.up))
                    let lastSlot = Int((Double(start + window.minutes) / Double(slotMinutes)).rounded(.down))
                    guard lastSlot > firstSlot else { continue }
                    for slot in firstSlot..<lastSlot {
                        let s = ((slot % slotsPerWeek) + slotsPerWeek) % slotsPerWeek
                        bits[base + c * words + s / 64] |= 1 << UInt64(s % 64)
                    }
                }
            }
        }
        return bits
    }

    /// Offset from UTC in minutes in `zone` at local `minute` of `date`.
    static func offsetMinutes(_ zone: TimeZone, on date: LocalDate, minute: Int) -> Int {
        let localSeconds = Double(date.daysSinceEpoch * 86_400 + minute * 60)
        let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds))
        let exact = zone.secondsFromGMT(for: Date(timeIntervalSince1970: localSeconds - Double(guess)))
        return exact / 60
    }

    /// Average hours a week over the six months, from the common slots weighted by their class.
    static func hours(weightedSlots: Int) -> Double {
        Double(weightedSlots) * Double(Self.slotMinutes) / 60 / 6
    }

    /// Common free slots of `a` and `b`, each class counted as often as the sample weeks it stands for.
    func weightedSlots(_ a: Int, _ b: Int) -> Int {
        bits.withUnsafeBufferPointer { all in
            usedWords.withUnsafeBufferPointer { used in
                classWeights.withUnsafeBufferPointer { weights in
                    let x = all.baseAddress! + a * stride, y = all.baseAddress! + b * stride
                    let classes = weights.count
                    var weighted = 0
                    for c in 0..<classes {
                        // Only words where both have free time can hold common slots.
                        var both = used[a * classes + c] & used[b * classes + c]
                        var count = 0
                        while both != 0 {
                            let w = c * Self.wordsPerWeek + both.trailingZeroBitCount
                            both &= both - 1
                            count += (x[w] & y[w]).nonzeroBitCount
                        }
                        weighted += count * weights[c]
                    }
                    return weighted
                }
            }
        }
    }
}
