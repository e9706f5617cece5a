import Foundation
import TandemModel

/// Gives each new pair one monthly pattern and dates its sessions.
///
/// ## Rules
/// - Every date lies inside both partners' marked hours, each in the partner's own zone, checked date
///   by date (offsets change on different days in different zones).
/// - No date is a blackout date (bank holiday, configured closure day) for either partner's local date.
/// - Nobody has two sessions at the same time: not with an existing commitment, not with another new pair.
/// - A pair that cannot be placed is listed with the reason, never given a bad date.
///
/// ## Candidates and preferences
/// A pattern is a week of the month (`SessionConfig.weeks`) × weekday × start time on the
/// `start_step_minutes` grid inside the senior partner's windows, in the senior partner's zone.
/// Its score: 1,000 for being scheduled; up to 30 for the length of the stretch of time both partners
/// marked around it (the pair's most common window, so a late start or an overrun still fits);
/// 3 for starting on the hour; −10 for each date in a week where either partner already has a session;
/// and a tie-break under 0.5 preferring earlier weeks, days and times. Two of a person's new pairs in the
/// same week of the month cost `spreadPenalty` (50).
///
/// ## Optimisation
/// Pairs that share nobody are independent, so the run splits into groups connected by shared people and
/// solves each on its own (`GroupProblem`): a lone pair takes its best pattern directly, which is exactly
/// the optimum of its one-pair model; a group whose best patterns fit together takes them (also optimal);
/// other groups are solved with GLPK. No clock or randomness: equal inputs give equal schedules.
public enum Scheduler {
    static let baseScore = 1000.0
    static let spreadPenalty = 50.0

    /// Schedules `pairs` from `firstMonth` (sessions in the plan's months). `blackouts` are the bank
    /// holidays to avoid; the configuration's `blackout_dates` are added here. `commitments` are the
    /// sessions people already have (from pairs still running).
    ///
    /// `memo` carries what one call worked out to the next call of the same run (same month,
    /// configuration, blackouts and commitments): each pair's patterns and each group's choice.
    /// A later scheduling round changes only a few pairs, so the rest are not worked out again.
    public static func schedule(
        _ pairs: [PairToSchedule], firstMonth: YearMonth, config: SchemeConfig,
        blackouts: Set<LocalDate>, commitments: [Commitment], memo: SchedulerMemo? = nil
    ) -> ScheduleResult {
        let sessions = config.sessions
        let monthCount = sessions.plan.count
        let lastMonth = firstMonth.adding(months: monthCount - 1)
        let spanFrom = Int64(firstMonth.firstDay.daysSinceEpoch - 3) * 86_400
        let spanTo = Int64(lastMonth.lastDay.daysSinceEpoch + 3) * 86_400
        let blackoutDays = Set(sessions.blackoutDays(besides: blackouts).map(\.daysSinceEpoch))

        var commitmentsByPerson: [String: [(start: Int64, end: Int64)]] = [:]
        for c in commitments where c.end > c.start {
            commitmentsByPerson[c.person, default: []].append((c.start, c.end))
        }
        for key in commitmentsByPerson.keys { commitmentsByPerson[key]!.sort { $0.start < $1.start } }

        let ordered = pairs.sorted { $0.key < $1.key }
        var unscheduled: [UnscheduledPair] = []
        var candidatesOf: [[Candidate]] = []
        var usable: [Int] = [] // indices into `ordered` with at least one candidate
        let builder = CandidateBuilder(
            firstMonth: firstMonth, monthCount: monthCount, duration: sessions.durationMinutes,
            step: sessions.startStepMinutes, weeks: Array(Set(sessions.weeks)).sorted(),
            blackoutDays: blackoutDays, commitments: commitmentsByPerson)
        // Each pair's patterns, on all cores (each worker with its own zone cache); pairs listed
        // twice and pairs the memo knows are not worked out.
        var seenPairs = Set<String>()
        let repeated = ordered.map { !seenPairs.insert($0.key).inserted }
        let toBuild = ordered.indices.filter { !repeated[$0] && memo?.candidates[ordered[$0].key] == nil }
        let workers = workerCount(for: toBuild.count / 64)
        let built = ResultSlots<[CandidateBuilder.Outcome]>(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var cache = ZoneCache(from: spanFrom, to: spanTo)
            let share = toBuild[(toBuild.count * w / workers)..<(toBuild.count * (w + 1) / workers)]
            built.set(w, share.map { builder.candidates(for: ordered[$0], zones: &cache) })
        }
        var outcomes = Dictionary(uniqueKeysWithValues: zip(toBuild, built.values().flatMap { $0 }))
        for (index, outcome) in outcomes { memo?.candidates[ordered[index].key] = outcome }
        for (index, pair) in ordered.enumerated() {
            guard !repeated[index] else {
                // The same pair twice would get two patterns and clashing UIDs.
                candidatesOf.append([])
                unscheduled.append(UnscheduledPair(pair: pair, reason: .invalidInput,
                                                   explanation: "the pair is listed twice; it is scheduled once"))
                continue
            }
            let outcome = outcomes.removeValue(forKey: index) ?? memo!.candidates[pair.key]!
            switch outcome {
            case let .found(list):
                candidatesOf.append(list)
                usable.append(index)
            case let .none(problem):
                candidatesOf.append([])
                unscheduled.append(problem)
            }
        }

        // Groups: pairs connected through shared people (union-find over e-mail keys).
        var parent: [String: String] = [:]
        func root(_ key: String) -> String {
            var k = key
            while let p = parent[k], p != k { k = p }
            var c = key
            while let p = parent[c], p != k { parent[c] = k; c = p }
            return k
        }
        for index in usable {
            let a = root(ordered[index].senior.email.key), b = root(ordered[index].junior.email.key)
            parent[a] = parent[a] ?? a
            parent[b] = parent[b] ?? b
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        var groupIndex: [String: Int] = [:]
        var groups: [[Int]] = []
        for index in usable {
            let r = root(ordered[index].senior.email.key)
            if let g = groupIndex[r] {
                groups[g].append(index)
            } else {
                groupIndex[r] = groups.count
                groups.append([index])
            }
        }

        var chosen: [Int: Int] = [:] // pair index → candidate index
        var solved = 0, shortcut = 0, seconds = 0.0, proven = true
        var notes: [String] = []
        var problems: [(group: [Int], problem: GroupProblem)] = []
        var choiceOf: [[Int]: GroupProblem.Choice] = [:] // by the group's pair indices
        for group in groups {
            if group.count > 1, let choice = memo?.choices[group.map { ordered[$0].key }] {
                choiceOf[group] = choice
                continue
            }
            if group.count == 1 {
                // A lone pair shares nobody: its model has one pair and no overlap or spread rows, so
                // its best pattern (highest score, first on ties) is exactly that model's optimum.
                chosen[group[0]] = bestIndex(candidatesOf[group[0]])
                continue
            }
            var people: [String: Int] = [:]
            var problemPairs: [GroupProblem.Pair] = []
            for index in group {
                let keys = [ordered[index].senior.email.key, ordered[index].junior.email.key]
                let ids = keys.map { key -> Int in
                    if let id = people[key] { return id }
                    people[key] = people.count
                    return people.count - 1
                }
                problemPairs.append(GroupProblem.Pair(people: Array(Set(ids)).sorted(), options: candidatesOf[index].map {
                    GroupProblem.Option(score: $0.score, ordinal: $0.pattern.ordinal, starts: $0.starts, ends: $0.ends)
                }))
            }
            problems.append((group, GroupProblem(pairs: problemPairs, personCount: people.count, spreadPenalty: spreadPenalty)))
        }
        for ((group, _), choice) in zip(problems, solveAll(problems.map(\.problem))) {
            choiceOf[group] = choice
            memo?.choices[group.map { ordered[$0].key }] = choice
            seconds += choice.solverSeconds
        }
        for group in groups where group.count > 1 {
            let choice = choiceOf[group]!
            switch choice.method {
            case .shortcut: shortcut += 1
            case .glpk, .greedyFallback: solved += 1
            }
            proven = proven && choice.provenOptimal
            if let note = choice.note { notes.append(note) }
            for (position, index) in group.enumerated() {
                if let k = choice.options[position] { chosen[index] = k }
            }
        }

        var scheduled: [PairSchedule] = []
        for index in usable {
            let pair = ordered[index]
            guard let k = chosen[index] else {
                unscheduled.append(UnscheduledPair(
                    pair: pair, reason: .clashesWithOtherPairs,
                    explanation: "every slot both partners marked is taken by another new pair of "
                        + "\(pair.senior.name) or \(pair.junior.name) at the same time; more hours in common would help"))
                continue
            }
            let candidate = candidatesOf[index][k]
            scheduled.append(makeSchedule(pair, candidate, firstMonth: firstMonth, config: config))
        }
        unscheduled.sort { $0.pair.key < $1.pair.key }
        return ScheduleResult(
            scheduled: scheduled, unscheduled: unscheduled, firstMonth: firstMonth, groupsSolved: solved,
            groupsShortcut: shortcut, solverSeconds: seconds, allProvenOptimal: proven, solverNotes: notes)
    }

    /// Solves the groups on two threads (GLPK keeps its state per thread, and each solve is built,
    /// run and freed on one thread). Results are kept by index, so the order of completion is irrelevant.
    static func solveAll(_ problems: [GroupProblem]) -> [GroupProblem.Choice] {
        let results = ResultSlots<GroupProblem.Choice>(count: problems.count)
        let workers = min(2, max(1, problems.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < problems.count {
                results.set(i, problems[i].solve())
                i += workers
            }
        }
        return results.values()
    }

    static func bestIndex(_ candidates: [Candidate]) -> Int? {
        guard !candidates.isEmpty else { return nil }
        var best = 0
        for k in candidates.indices where candidates[k].score > candidates[best].score { best = k }
        return best
    }

    static func makeSchedule(_ pair: PairToSchedule, _ candidate: Candidate, firstMonth: YearMonth,
                             config: SchemeConfig) -> PairSchedule {
        let plan = config.sessions.plan
        let senior = SessionPartner(pair.senior), junior = SessionPartner(pair.junior)
        let location = Self.location(pair, config: config.sessions)
        let pairID = StableHash.hex(pair.senior.email.key) + "-" + StableHash.hex(pair.junior.email.key)
        let month = String(format: "%04d%02d", firstMonth.year, firstMonth.month)
        let domain = uidDomain(config.scheme.domain)
        var sessions: [ScheduledSession] = []
        for (i, entry) in plan.enumerated() {
            sessions.append(ScheduledSession(
                uid: "tandem-\(pairID)-\(month)-s\(i + 1)@\(domain)", sequence: 0, number: i + 1, count: plan.count,
                title: entry.title, agenda: entry.agenda, prepare: entry.prepare, lead: entry.lead,
                start: candidate.starts[i], end: candidate.ends[i], timeZone: candidate.pattern.timeZone,
                senior: senior, junior: junior, location: location, pattern: candidate.pattern.description,
                schemeName: config.scheme.name))
        }
        return PairSchedule(pair: pair, pattern: candidate.pattern, sessions: sessions,
                            sharedMinutes: candidate.sharedMinutes, score: candidate.score)
    }

    /// The configured video link, or the region for pairs who both prefer to meet in person there.
    static func location(_ pair: PairToSchedule, config: SessionConfig) -> String {
        let a = pair.senior.region.trimmingWhitespace(), b = pair.junior.region.trimmingWhitespace()
        if pair.senior.meeting == .inPerson, pair.junior.meeting == .inPerson, !a.isEmpty,
           a.lowercased() == b.lowercased() {
            return config.inPersonLocation.replacingOccurrences(of: "{region}", with: a)
        }
        return config.videoLink
    }

    /// The domain part of UIDs: the configured domain, reduced to letters, digits, dots and hyphens.
    static func uidDomain(_ raw: String) -> String {
        let kept = String(raw.lowercased().unicodeScalars.filter {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "." || $0 == "-"
        }.map(Character.init))
        return kept.isEmpty ? "tandem.invalid" : kept
    }
}

/// What `Scheduler.schedule` worked out, for the next call within the same run (see `schedule`).
/// Used from one thread at a time.
public final class SchedulerMemo: @unchecked Sendable {
    /// Each pair's patterns (or why it has none), by pair key.
    var candidates: [String: CandidateBuilder.Outcome] = [:]
    /// Each group's choice, by its pairs' keys in order.
    var choices: [[String]: GroupProblem.Choice] = [:]

    public init() {}
}

/// A pattern that fits a pair, with its six UTC intervals.
struct Candidate: Sendable {
    var pattern: MonthlyPattern
    var starts: [Int64]
    var ends: [Int64]
    var score: Double
    var sharedMinutes: Int
}

/// Enumerates and checks a pair's patterns.
struct CandidateBuilder {
    let firstMonth: YearMonth
    let monthCount: Int
    let duration: Int
    let step: Int
    let weeks: [Int]
    let blackoutDays: Set<Int>
    let commitments: [String: [(start: Int64, end: Int64)]]

    enum Outcome {
        case found([Candidate])
        case none(UnscheduledPair)
    }

    func candidates(for pair: PairToSchedule, zones: inout ZoneCache) -> Outcome {
        func fail(_ reason: UnscheduledPair.Reason, _ text: String) -> Outcome {
            .none(UnscheduledPair(pair: pair, reason: reason, explanation: text))
        }
        let senior = pair.senior, junior = pair.junior
        guard senior.email.key != junior.email.key else { return fail(.invalidInput, "the senior and junior partner are the same person") }
        guard let seniorZone = zones.zone(senior.timeZone) else {
            return fail(.invalidInput, "the time zone '\(senior.timeZone)' of \(senior.name) is not known")
        }
        guard let juniorZone = zones.zone(junior.timeZone) else {
            return fail(.invalidInput, "the time zone '\(junior.timeZone)' of \(junior.name) is not known")
        }
        let seniorWindows = MergedWindows(senior.availability), juniorWindows = MergedWindows(junior.availability)
        if seniorWindows.isEmpty || juniorWindows.isEmpty {
            return fail(.noCommonHours, "\(seniorWindows.isEmpty ? senior.name : junior.name) marked no hours")
        }
        let seniorBusy = commitments[senior.email.key] ?? [], juniorBusy = commitments[junior.email.key] ?? []
        let busyWeeks = Set((seniorBusy + juniorBusy).map { weekIndex(daysSinceEpoch: Int(floorDivide($0.start, 86_400))) })

        var fitting = 0, clearOfBlackouts = 0
        var result: [Candidate] = []
        var tried = Set<MonthlyPattern>()
        let months = (0..<monthCount).map { firstMonth.adding(months: $0) }
        let seconds = Int64(duration) * 60
        for ordinal in weeks {
            for weekday in 1...7 {
                for window in seniorWindows.byWeekday[weekday] {
                    var start = (window.start + step - 1) / step * step
                    while start + duration <= window.end {
                        defer { start += step }
                        let pattern = MonthlyPattern(ordinal: ordinal, weekday: weekday, startMinute: start,
                                                     durationMinutes: duration, timeZone: senior.timeZone)
                        guard tried.insert(pattern).inserted else { continue }
                        var starts: [Int64] = [], ends: [Int64] = []
                        starts.reserveCapacity(monthCount)
                        ends.reserveCapacity(monthCount)
                        var shared = Int64.max
                        var fits = true, blackout = false, clash = false, nearBusy = 0
                        for month in months {
                            let date = pattern.date(in: month)
                            let day = date.daysSinceEpoch
                            guard let utc = seniorZone.utc(fromLocal: Int64(day) * 86_400 + Int64(start) * 60),
                                  seniorZone.local(utc) == Int64(day) * 86_400 + Int64(start) * 60,
                                  let a = seniorWindows.containing(utc, utc + seconds, zone: seniorZone),
                                  let b = juniorWindows.containing(utc, utc + seconds, zone: juniorZone)
                            else { fits = false; break }
                            shared = min(shared, min(a.end, b.end) - max(a.start, b.start))
                            if blackoutDays.contains(a.day) || blackoutDays.contains(b.day) { blackout = true }
                            if overlaps(seniorBusy, utc, utc + seconds) || overlaps(juniorBusy, utc, utc + seconds) { clash = true }
                            if busyWeeks.contains(weekIndex(daysSinceEpoch: a.day)) { nearBusy += 1 }
                            starts.append(utc)
                            ends.append(utc + seconds)
                        }
                        guard fits else { continue }
                        fitting += 1
                        guard !blackout else { continue }
                        clearOfBlackouts += 1
                        guard !clash else { continue }
                        let sharedMinutes = Int(shared / 60)
                        var score = Scheduler.baseScore
                        score += Double(min(sharedMinutes, 240) - duration) / Double(max(1, 240 - duration)) * 30
                        if start % 60 == 0 { score += 3 }
                        score -= 10 * Double(nearBusy)
                        result.append(Candidate(pattern: pattern, starts: starts, ends: ends, score: score, sharedMinutes: sharedMinutes))
                    }
                }
            }
        }
        guard !result.isEmpty else {
            if fitting == 0 {
                return fail(.noCommonHours, "no \(duration)-minute slot lies inside both partners' hours on all \(monthCount) dates: "
                    + "\(senior.name) (\(senior.timeZone)) marked \(describe(senior.availability)); "
                    + "\(junior.name) (\(junior.timeZone)) marked \(describe(junior.availability))")
            }
            if clearOfBlackouts == 0 {
                return fail(.blackoutDates, "each of the \(fitting) slots both partners marked falls on a blackout date "
                    + "(bank holiday or closure day) in at least one of the \(monthCount) months")
            }
            return fail(.existingCommitments, "each of the \(clearOfBlackouts) slots both partners marked clashes with a "
                + "session \(senior.name) or \(junior.name) already has")
        }
        // Tie-break: earlier weeks, days and times first, by less than any real difference in score.
        result.sort { $0.pattern < $1.pattern }
        for k in result.indices { result[k].score -= 0.4 * Double(k) / Double(result.count) }
        return .found(result)
    }

    private func describe(_ windows: [WeeklyWindow]) -> String {
        windows.sorted().map(\.description).joined(separator: ", ")
    }

    /// Whether `[start, end)` overlaps any interval of a list sorted by start.
    private func overlaps(_ busy: [(start: Int64, end: Int64)], _ start: Int64, _ end: Int64) -> Bool {
        guard !busy.isEmpty else { return false }
        var low = 0, high = busy.count // first index with busy.start >= end
        while low < high {
            let mid = (low + high) / 2
            if busy[mid].start < end { low = mid + 1 } else { high = mid }
        }
        for i in stride(from: low - 1, through: 0, by: -1) {
            if busy[i].end > start { return true }
            if busy[i].start + 7 * 86_400 < start { break } // sessions are far shorter than a week
        }
        return false
    }
}
