import Foundation
import TandemModel
import TandemTestSupport
@testable import TandemScheduling

enum Fixtures {
    static let day = LocalDate(year: 2026, month: 6, day: 1)

    static func window(_ weekday: Int, _ start: String, _ end: String) -> WeeklyWindow {
        func m(_ s: String) -> Int { let p = s.split(separator: ":"); return Int(p[0])! * 60 + Int(p[1])! }
        return WeeklyWindow(weekday: weekday, startMinute: m(start), endMinute: m(end))
    }

    static func person(_ email: String, name: String? = nil, zone: String = "Europe/London", windows: [WeeklyWindow],
                       role: RolePreference = .junior, capacity: Int = 1, meeting: MeetingPreference = .online,
                       region: String = "London") -> Applicant {
        Applicant(email: EmailAddress(email), name: name ?? email.components(separatedBy: "@")[0].capitalized,
                  yearsOfExperience: role == .senior ? 10 : 1, role: role, capacity: capacity, meeting: meeting,
                  region: region, timeZone: zone, availability: windows.sorted(), appliedOn: day)
    }

    /// The form's options (docs/form.md) with weights of their own.
    static let slotOptions: [(WeeklyWindow, Int)] = {
        var out: [(WeeklyWindow, Int)] = []
        for weekday in 1...5 {
            out.append((window(weekday, "09:00", "12:00"), 2))
            out.append((window(weekday, "12:00", "14:00"), 3))
            out.append((window(weekday, "14:00", "17:00"), 2))
            out.append((window(weekday, "18:00", "20:00"), 5))
        }
        out.append((window(6, "09:00", "12:00"), 1))
        return out
    }()

    static let regions: [(String, [String], Int)] = [
        ("London", ["Europe/London"], 14), ("South East", ["Europe/London"], 8), ("South West", ["Europe/London"], 5),
        ("Midlands", ["Europe/London"], 8), ("North West", ["Europe/London"], 7), ("North East", ["Europe/London"], 4),
        ("Yorkshire", ["Europe/London"], 5), ("Scotland", ["Europe/London"], 6), ("Wales", ["Europe/London"], 4),
        ("Northern Ireland", ["Europe/London"], 2), ("Republic of Ireland", ["Europe/Dublin"], 3),
        ("Europe (outside UK and Ireland)", ["Europe/Paris", "Europe/Berlin"], 3),
        ("North America", ["America/New_York", "America/Toronto", "America/Chicago", "America/Los_Angeles"], 2),
        ("Australia and New Zealand", ["Australia/Sydney", "Pacific/Auckland"], 1),
        ("Other", ["Asia/Singapore", "Asia/Kolkata", "Europe/London"], 1),
    ]

    static func weighted<T>(_ items: [(T, Int)], _ rng: inout SeededGenerator) -> T {
        let total = items.reduce(0) { $0 + $1.1 }
        var r = Int.random(in: 0..<total, using: &rng)
        for (item, weight) in items {
            if r < weight { return item }
            r -= weight
        }
        return items[items.count - 1].0
    }

    static let firstNames = ["Aisha", "Ben", "Chloé", "Dafydd", "Eilidh", "Femi", "Grace", "Ioana", "Siobhán", "Zoë", "Björn", "Małgorzata"]

    /// Applicants like the form's, and pairs between them as a matching might choose them: each junior
    /// with a senior who has room and shares at least an hour a week with them (roughly, from the
    /// first month's offsets), seniors taking 1–3 juniors.
    static func pool(applicants: Int, seed: UInt64) -> [PairToSchedule] {
        var rng = SeededGenerator(seed: seed)
        var seniors: [Applicant] = [], juniors: [Applicant] = []
        for i in 0..<applicants {
            let (region, zones) = weighted(regions.map { (($0.0, $0.1), $0.2) }, &rng)
            let zone = zones[Int.random(in: 0..<zones.count, using: &rng)]
            var windows = Set<WeeklyWindow>()
            for _ in 0..<Int.random(in: 1...6, using: &rng) { windows.insert(weighted(slotOptions, &rng)) }
            let isSenior = i % 5 < 2
            let meeting: MeetingPreference = Int.random(in: 0..<11, using: &rng) == 0 ? .inPerson : .online
            let name = firstNames[Int.random(in: 0..<firstNames.count, using: &rng)] + " Person\(i)"
            let person = self.person("p\(i)@example.org", name: name, zone: zone, windows: Array(windows),
                                     role: isSenior ? .senior : .junior,
                                     capacity: isSenior ? weighted([(1, 6), (2, 3), (3, 1)], &rng) : 1,
                                     meeting: meeting, region: region)
            if isSenior { seniors.append(person) } else { juniors.append(person) }
        }
        var room = seniors.map(\.capacity)
        var pairs: [PairToSchedule] = []
        for junior in juniors {
            let offset = Int.random(in: 0..<seniors.count, using: &rng)
            for step in 0..<min(60, seniors.count) {
                let s = (offset + step) % seniors.count
                guard room[s] > 0, roughCommonMinutes(seniors[s], junior) >= 60 else { continue }
                room[s] -= 1
                pairs.append(PairToSchedule(senior: seniors[s], junior: junior))
                break
            }
        }
        return pairs
    }

    nonisolated(unsafe) static var offsetCache: [String: Int] = [:]
    static let cacheLock = NSLock()

    static func roughCommonMinutes(_ a: Applicant, _ b: Applicant) -> Int {
        func offset(_ zone: String) -> Int {
            cacheLock.lock(); defer { cacheLock.unlock() }
            if let o = offsetCache[zone] { return o }
            let o = TimeZone(identifier: zone)!.secondsFromGMT(for: Date(timeIntervalSince1970: 1_780_000_000)) / 60
            offsetCache[zone] = o
            return o
        }
        let oa = offset(a.timeZone), ob = offset(b.timeZone)
        var total = 0
        for x in a.availability {
            for y in b.availability {
                let xs = x.weekday * 1440 + x.startMinute - oa, xe = x.weekday * 1440 + x.endMinute - oa
                let ys = y.weekday * 1440 + y.startMinute - ob, ye = y.weekday * 1440 + y.endMinute - ob
                total += max(0, min(xe, ye) - max(xs, ys))
            }
        }
        return total
    }

    /// Independent of the scheduler: is `[start, end)` inside the person's windows (touching windows
    /// joined) on that date in their zone, by Foundation's offsets?
    static func inside(_ person: Applicant, _ start: Int64, _ end: Int64) -> Bool {
        guard let zone = TimeZone(identifier: person.timeZone) else { return false }
        let ls = start + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(start))))
        let le = end + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(end - 1))))
        let day = Int((ls - (ls % 86_400 + 86_400) % 86_400) / 86_400)
        let weekday = LocalDate(daysSinceEpoch: day).weekday
        let startMinute = Int(ls - Int64(day) * 86_400) / 60, endMinute = Int(le - Int64(day) * 86_400) / 60
        var covered = startMinute
        for w in person.availability.filter({ $0.weekday == weekday }).sorted() where w.startMinute <= covered {
            covered = max(covered, w.endMinute)
        }
        return covered >= endMinute && person.availability.contains { $0.weekday == weekday && $0.startMinute <= startMinute }
    }

    static func localDate(_ t: Int64, _ zoneName: String) -> LocalDate {
        let zone = TimeZone(identifier: zoneName)!
        let l = t + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))))
        return LocalDate(daysSinceEpoch: Int(floor(Double(l) / 86_400)))
    }

    static func temporaryFolder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-sched-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ files: [OutputFile], to folder: URL) throws {
        for file in files {
            let url = folder.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.contents).write(to: url)
        }
    }
}

/// A minimal reader of our own calendars for structural checks (the independent check is Python's).
struct ParsedLine {
    var name: String
    var parameters: String
    var value: String
}

enum ICS {
    /// Physical lines (split on CRLF), for octet and line-end checks.
    static func physicalLines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 13, i + 1 < bytes.count, bytes[i + 1] == 10 {
                lines.append(current)
                current = []
                i += 2
            } else {
                current.append(bytes[i])
                i += 1
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Unfolded content lines.
    static func lines(_ bytes: [UInt8]) -> [ParsedLine] {
        var logical: [[UInt8]] = []
        for line in physicalLines(bytes) {
            if line.first == 32, !logical.isEmpty { logical[logical.count - 1] += line.dropFirst() } else { logical.append(line) }
        }
        return logical.map { raw in
            let text = String(decoding: raw, as: UTF8.self)
            var inQuotes = false
            var colon = text.endIndex
            for index in text.indices {
                if text[index] == "\"" { inQuotes.toggle() }
                if text[index] == ":" && !inQuotes { colon = index; break }
            }
            let head = String(text[..<colon])
            let value = colon < text.endIndex ? String(text[text.index(after: colon)...]) : ""
            let name = String(head.prefix { $0 != ";" })
            return ParsedLine(name: name, parameters: String(head.dropFirst(name.count)), value: value)
        }
    }

    static func unescape(_ value: String) -> String {
        var out = ""
        var escaping = false
        for c in value {
            if escaping {
                out.append(c == "n" || c == "N" ? "\n" : c)
                escaping = false
            } else if c == "\\" {
                escaping = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
