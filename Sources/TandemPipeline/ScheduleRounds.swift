import TandemMatching
import TandemModel
import TandemScheduling

/// The scheduling rounds: pairs the scheduler cannot fit are ruled out and the pairing solved
/// again (`MatchingLimits.scheduleRounds`, more while someone past the waiting target would be
/// left without a slot); then the closing search and GLPK's check on the pairing the scheduler
/// accepted. Matching and scheduling agree by solving again: docs/method.md.
extension MonthlyRun {
    /// Pairs and schedules in rounds: pairs the scheduler cannot fit are ruled out and the pairing solved
    /// again (`MatchingLimits.scheduleRounds` times at most, or `overdueScheduleRounds` while someone past the
    /// waiting target would be left unpaired by it); then the closing search and GLPK's check run on the pairing it accepted.
    static func pairAndSchedule(_ start: Pool, input: RunInput) throws(PipelineError)
        -> (pool: Pool, matching: MatchingResult, schedule: ScheduleResult, rounds: Int, timings: [(name: String, seconds: Double)]) {
        let config = input.config
        let instruments = input.instruments
        var pool = start
        let memo = SchedulerMemo()
        func sessions(for pairs: [Pairing]) -> ScheduleResult {
            Scheduler.schedule(pairs.map { PairToSchedule(senior: $0.senior, junior: $0.junior) }, firstMonth: input.firstMonth,
                               config: config, blackouts: Set(input.holidays.keys), commitments: input.history.commitments, memo: memo)
        }
        var matching: MatchingResult
        var previous: MatchingResult? = nil
        var schedule: ScheduleResult
        var rounds = 0
        var scoreSeconds = 0.0, solveSeconds = 0.0, scheduleSeconds = 0.0
        while true {
            rounds += 1
            let began = instruments.now()
            do {
                matching = try Matcher.match(pool, config: config, models: input.models, confirm: false, previous: previous,
                                             search: false, instruments: instruments)
            } catch {
                throw .matching(error)
            }
            previous = nil
            let matched = instruments.now()
            schedule = sessions(for: matching.pairs)
            let scheduled = instruments.now()
            scoreSeconds += matching.scoringSeconds
            solveSeconds += (matched - began) - matching.scoringSeconds
            scheduleSeconds += scheduled - matched
            let forced = Set(matching.pairs.filter(\.forcedByOverride).map { $0.senior.email.key + "|" + $0.junior.email.key })
            let ruledOut = schedule.unscheduled.filter { !forced.contains($0.pair.key) }
            instruments.debug("round \(rounds): \(schedule.unscheduled.count) pairs without a slot: "
                + Dictionary(grouping: schedule.unscheduled, by: \.reason.rawValue).map { "\($0.key) \($0.value.count)" }.sorted()
                .joined(separator: ", "))
            if ruledOut.isEmpty || rounds >= MatchingLimits.overdueScheduleRounds { break }
            if rounds >= MatchingLimits.scheduleRounds {
                var unforced = schedule
                unforced.unscheduled = ruledOut
                let left = leftUnscheduled(unforced, pool: pool, targetMonths: config.matching.waitingTargetMonths)
                guard left.contains(where: \.overdue) else { break }
                instruments.debug("round \(rounds): \(left.count { $0.overdue }) past the target without a slot: one more round")
            }
            for problem in ruledOut { pool.unschedulable[problem.pair.key] = problem.explanation }
            previous = matching
        }
        let checking = instruments.now()
        let rescheduling = try searchAndConfirm(&matching, schedule: &schedule, config: config, models: input.models,
                                                instruments: instruments, sessions: sessions)
        scheduleSeconds += rescheduling
        solveSeconds += instruments.seconds(since: checking) - rescheduling
        matching.unmatched += leftUnscheduled(schedule, pool: pool, targetMonths: config.matching.waitingTargetMonths)
        return (pool, matching, schedule, rounds, [("score and prune", scoreSeconds), ("solve", solveSeconds), ("schedule", scheduleSeconds)])
    }

    /// The closing search (stages the network left open) and GLPK's check, once the scheduler has
    /// accepted the pairing, not in rounds it discards. The searched pairs are kept only if no more
    /// of them lack a slot. Returns the seconds spent scheduling them again.
    static func searchAndConfirm(_ matching: inout MatchingResult, schedule: inout ScheduleResult, config: SchemeConfig,
                                 models: ModelFiles, instruments: Instruments,
                                 sessions: ([Pairing]) -> ScheduleResult) throws(PipelineError) -> Double {
        var rescheduling = 0.0
        do {
            var searched = matching
            if try Matcher.search(&searched, config: config, models: models) {
                let searchedAt = instruments.now()
                let again = sessions(searched.pairs)
                rescheduling = instruments.seconds(since: searchedAt)
                if again.unscheduled.count <= schedule.unscheduled.count {
                    matching = searched
                    schedule = again
                }
            } else {
                matching = searched
            }
            try Matcher.confirm(&matching, config: config, models: models)
        } catch {
            throw .matching(error)
        }
        return rescheduling
    }

    /// The people of pairs the scheduler could not fit who have no other new pair: not paired this month.
    static func leftUnscheduled(_ schedule: ScheduleResult, pool: Pool, targetMonths: Int) -> [UnmatchedApplicant] {
        let made = Set(schedule.scheduled.flatMap { [$0.pair.senior.email.key, $0.pair.junior.email.key] })
        let index = Dictionary(pool.applicants.enumerated().map { ($0.element.email.key, $0.offset) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        var left: [UnmatchedApplicant] = []
        for problem in schedule.unscheduled {
            for person in [problem.pair.senior, problem.pair.junior] where !made.contains(person.email.key) {
                guard seen.insert(person.email.key).inserted, let i = index[person.email.key] else { continue }
                let inUse = pool.capacityInUse[person.email.key] ?? 0
                left.append(UnmatchedApplicant(applicant: person, waitingDays: pool.waitingDays(i),
                                               overdue: pool.isOverdue(i, targetMonths: targetMonths),
                                               reason: "chosen for a pair the scheduler could not fit: \(problem.explanation)",
                                               standing: pool.standing(i), full: inUse > 0 && inUse >= person.capacity))
            }
        }
        return left
    }
}
