import TandemModel

/// Who can be paired this month and how: the applicants (sorted by e-mail), their possible roles,
/// their remaining capacity and waiting time, and what earlier months or the coordinator ruled out.
public struct Pool: Sendable {
    public var applicants: [Applicant]
    /// The month of the first session of the pairs made now.
    public var firstMonth: YearMonth
    /// Juniors in a pair that is still running, by e-mail key: not paired again in either role until
    /// it ends (one role at a time).
    public var runningJuniors: Set<String> = []
    /// Juniors whose pair, made from the response they still have, has completed: not paired as
    /// juniors again unless they apply anew.
    public var finishedJuniors: Set<String> = []
    /// Places taken in running pairs, by senior e-mail key: a senior in a running pair may take more
    /// juniors up to their capacity, but is not a junior meanwhile (one role at a time).
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

    /// Where an applicant stands before this month's pairing.
    public func standing(_ index: Int) -> Standing {
        let key = applicants[index].email.key
        if runningJuniors.contains(key) || (capacityInUse[key] ?? 0) > 0 { return .inRunningPair }
        if finishedJuniors.contains(key) { return .finished }
        return .waiting
    }

    /// Whether the applicant is waiting and will have waited the target or longer when this month's
    /// pairs start (`WaitingTarget`): the people the first stage pairs first, and the ones every
    /// report counts as past the target.
    public func isOverdue(_ index: Int, targetMonths: Int) -> Bool {
        standing(index) == .waiting
            && WaitingTarget.isPast(appliedOn: applicants[index].appliedOn, on: firstMonth.firstDay, targetMonths: targetMonths)
    }

    /// Why an applicant cannot take each role at all this month, or nil where they can: the role they
    /// asked for, consent, experience, places left, and one role at a time across running pairs.
    public func roleBlocks(_ index: Int, minimumSeniorYears: Double) -> (senior: String?, junior: String?) {
        let a = applicants[index]
        var senior: String?
        var junior: String?
        if !a.consent { senior = "did not consent to share their details"; junior = senior }
        if a.role == .junior { senior = senior ?? "applied as a junior partner" }
        if a.role == .senior { junior = junior ?? "applied as a senior partner" }
        if senior == nil && a.yearsOfExperience < minimumSeniorYears {
            senior = "has \(Scorer.years(a.yearsOfExperience)) of experience, fewer than \(Scorer.years(minimumSeniorYears))"
        }
        let inUse = capacityInUse[a.email.key] ?? 0
        if senior == nil && inUse >= a.capacity {
            senior = "all \(a.capacity) of their places are taken by running pairs"
        }
        if runningJuniors.contains(a.email.key) {
            senior = senior ?? "in a running pair as a junior partner (one role at a time)"
            junior = junior ?? "already in a running pair as a junior partner"
        }
        if junior == nil && inUse > 0 { junior = "in a running pair as a senior partner (one role at a time)" }
        if junior == nil && finishedJuniors.contains(a.email.key) {
            junior = "their pair as a junior partner has completed; a new response applies again"
        }
        return (senior, junior)
    }

    /// Where an applicant stands before the pairing: waiting to be paired; in a pair that is still
    /// running (not looking for a partner this month, though a senior with places free may take
    /// another junior); or a junior whose pair from this response has completed.
    public enum Standing: String, Sendable { case waiting, inRunningPair = "in-pair", finished }
}

/// The coordinator's word on particular pairs, which outranks the scores.
public struct Overrides: Sendable, Hashable {
    /// Pairs that must be made (senior key, junior key).
    public var mustPair: [(senior: String, junior: String)] = []
    /// Pairs that must never be made, in either role.
    public var neverPair: Set<Set<String>> = []
    /// Where each never-pair was written, and its two addresses as typed (key, text, column), so a
    /// run can warn about an address that is in nobody's response (a typo disables the protection).
    /// Not part of the overrides' identity.
    public var neverPairSources: [NeverPairSource] = []

    public struct NeverPairSource: Sendable {
        public var file: String
        public var line: Int
        public var people: [(key: String, text: String, column: String)]

        public init(file: String, line: Int, people: [(key: String, text: String, column: String)]) {
            self.file = file
            self.line = line
            self.people = people
        }
    }

    public init() {}

    public static func == (a: Overrides, b: Overrides) -> Bool {
        a.mustPair.map { "\($0.senior)|\($0.junior)" } == b.mustPair.map { "\($0.senior)|\($0.junior)" } && a.neverPair == b.neverPair
    }

    public func hash(into hasher: inout Hasher) {
        for pair in mustPair { hasher.combine(pair.senior); hasher.combine(pair.junior) }
        hasher.combine(neverPair)
    }
}
