import TandemModel

/// Who can be paired this month and how: the applicants (sorted by e-mail), their possible roles,
/// their remaining capacity and waiting time, and what earlier months or the coordinator ruled out.
public struct Pool: Sendable {
    public var applicants: [Applicant]
    /// The month of the first session of the pairs made now.
    public var firstMonth: YearMonth
    /// Juniors still in an active pair: not paired again as juniors.
    public var activeJuniors: Set<String> = []
    /// Seniors' capacity already used by active pairs, by e-mail key.
    public var capacityInUse: [String: Int] = [:]
    /// Pairs never to propose again (declined, ended early, or already made), as "senior|junior" keys.
    public var pairsMadeBefore: Set<String> = []
    public var overrides = Overrides()
    /// Pairs the scheduler could not fit this month, by "senior|junior" key, with its reason.
    public var unschedulable: [String: String] = [:]
    /// Days with no sessions (bank holidays, the configuration's closure days): a pair needs a
    /// monthly slot whose dates avoid them in both partners' zones.
    public var blackoutDays: Set<LocalDate> = []

    public init(applicants: [Applicant], firstMonth: YearMonth) {
        self.applicants = applicants.sorted { $0.email.key < $1.email.key }
        self.firstMonth = firstMonth
    }

    public static func pairKey(senior: String, junior: String) -> String { "\(senior)|\(junior)" }

    /// Whole days from the first response to the first session.
    public func waitingDays(_ index: Int) -> Int {
        applicants[index].appliedOn.days(until: firstMonth.firstDay)
    }

    /// Whether the applicant will have waited the target or longer when this month's pairs start.
    public func isOverdue(_ index: Int, targetMonths: Int) -> Bool {
        let applied = applicants[index].appliedOn
        let due = applied.yearMonth.adding(months: targetMonths)
        let dueDay = LocalDate(year: due.year, month: due.month, day: min(applied.day, due.dayCount))
        return dueDay <= firstMonth.firstDay
    }
}

/// The coordinator's word on particular pairs, which outranks the scores.
public struct Overrides: Sendable, Hashable {
    /// Pairs that must be made (senior key, junior key).
    public var mustPair: [(senior: String, junior: String)] = []
    /// Pairs that must never be made, in either role.
    public var neverPair: Set<Set<String>> = []

    public init() {}

    public static func == (a: Overrides, b: Overrides) -> Bool {
        a.mustPair.map { "\($0.senior)|\($0.junior)" } == b.mustPair.map { "\($0.senior)|\($0.junior)" } && a.neverPair == b.neverPair
    }

    public func hash(into hasher: inout Hasher) {
        for pair in mustPair { hasher.combine(pair.senior); hasher.combine(pair.junior) }
        hasher.combine(neverPair)
    }
}
