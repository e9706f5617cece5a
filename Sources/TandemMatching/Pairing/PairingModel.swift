import GLPK
import TandemModel

/// The pairing integer program.
///
/// Sets: people P; candidate pairs E ⊆ P×P (senior s, junior j), each with points c_e;
/// R ⊆ P, the "either" applicants who have candidate pairs in both roles.
///
/// Variables:
/// - x_e ∈ {0,1}: pair e is made;
/// - r_p ∈ {0,1}, p ∈ R: p takes the senior role (0: junior);
/// - y_p ∈ [0,1]: p is in at least one new pair (continuous: at most Σ x, so it counts people).
///
/// Constraints:
/// - junior:   Σ_{e=(·,j)} x_e ≤ 1, or ≤ 1 − r_j for j ∈ R;
/// - capacity: Σ_{e=(s,·)} x_e ≤ cap_s, or ≤ cap_s·r_s for s ∈ R;
/// - role, one bound per candidate pair (stronger than one per person): x_e ≤ r_s, x_e ≤ 1 − r_j;
/// - paired:   y_p ≤ Σ_{e∋p} x_e;
/// - must-pairs from the coordinator: x_e = 1; pairs under the stage's score floor: x_e = 0;
/// - one role at a time across months: E holds no pair making a junior of a running pair a senior,
///   or a senior of a running pair a junior (`Pool.roleBlocks`), so a person's role this month is
///   the one their running pairs already give them;
/// - each earlier stage's objective ≥ its proven optimum.
///
/// Objectives, one stage at a time (lexicographic), over W ⊆ P, the people *waiting* (in no running
/// pair, `Pool.Standing`); O ⊆ W, those past the waiting target (`WaitingTarget`):
/// 1. overdue:       max Σ_{p ∈ O} y_p;
/// 2. coverage:      max Σ_{p ∈ W} y_p;
/// 3. waiting:       max Σ_{p ∈ W} waitDays_p · y_p;
/// 4. minimum-score: the highest floor τ such that stages 1–3 stay optimal with only pairs c_e ≥ τ
///                   (found by bisection over the distinct scores, each probe a GLPK solve);
/// 5. total-score:   max Σ_e c_e x_e with the floor τ.
struct PairingModel {
    enum Stage: String, CaseIterable, Sendable {
        case overdue, coverage, waiting, minimumScore = "minimum-score", totalScore = "total-score"

        /// The priority stages count the people paired, each with a weight (`PairingModel.weight`);
        /// the score stages look at the pairs: the weakest one's score, and their sum.
        var isPriority: Bool { self == .overdue || self == .coverage || self == .waiting }
    }

    /// What pairing `p` adds to a priority stage's objective: 1 for someone overdue (overdue) or
    /// waiting (coverage), their days waited (waiting); 0 in a score stage. The one definition the
    /// network's gains, the role model's objective, the stage's value and its count bound share.
    func weight(_ stage: Stage, of p: Int) -> Int {
        switch stage {
        case .overdue: isOverdue[p] ? 1 : 0
        case .coverage: isWaiting[p] ? 1 : 0
        case .waiting: waitingOf[p]
        case .minimumScore, .totalScore: 0
        }
    }

    let pool: Pool
    let candidates: [Candidate]
    let mustPairs: Set<Int>
    /// People with candidate pairs (pool indices), sorted.
    let people: [Int]
    let overdue: Set<Int>
    let eitherRole: Set<Int>
    /// The candidates' fields and per-person facts as flat arrays, for the networks built from them
    /// many times over (indexing a `Candidate` would copy its area-name lists).
    let seniorOf: [Int]
    let juniorOf: [Int]
    let pointsOf: [Int]
    let isMust: [Bool]
    let isOverdue: [Bool]
    /// Whether pairing the person counts in the coverage and waiting stages: they are waiting (`Pool.Standing`).
    /// A senior already in a running pair who takes another junior is a place, not a person newly paired.
    let isWaiting: [Bool]
    let waitingOf: [Int]

    init(pool: Pool, candidates: [Candidate], mustPairs: Set<Int>, overdue: Set<Int>) {
        self.pool = pool
        self.candidates = candidates
        self.mustPairs = mustPairs
        var asSenior = Set<Int>(), asJunior = Set<Int>()
        for c in candidates {
            asSenior.insert(c.senior)
            asJunior.insert(c.junior)
        }
        people = asSenior.union(asJunior).sorted()
        eitherRole = asSenior.intersection(asJunior)
        self.overdue = overdue.intersection(people)
        seniorOf = candidates.map(\.senior)
        juniorOf = candidates.map(\.junior)
        pointsOf = candidates.map(\.score.points)
        isMust = candidates.indices.map { mustPairs.contains($0) }
        var flags = [Bool](repeating: false, count: pool.applicants.count)
        for p in self.overdue { flags[p] = true }
        isOverdue = flags
        var waits = [Int](repeating: 0, count: pool.applicants.count)
        var waiting = [Bool](repeating: false, count: pool.applicants.count)
        for p in people where pool.standing(p) == .waiting {
            waiting[p] = true
            waits[p] = max(0, pool.waitingDays(p))
        }
        isWaiting = waiting
        waitingOf = waits
    }

    struct Built {
        var model: Model
        var pairVariables: [Model.Variable]
        var pairedVariables: [Int: Model.Variable]
        /// r_p of each "either" applicant (1: senior).
        var roleVariables: [Int: Model.Variable]
    }

    /// The model for one stage: `floors` holds the optimum of each earlier stage (1–3),
    /// `minimumPoints` the score floor (stage 4 onward).
    func build(stage: Stage, floors: [Stage: Double], minimumPoints: Int?) -> Built {
        var model = Model(name: "tandem-\(stage.rawValue)", sense: .maximize)
        let key = { (i: Int) in pool.applicants[i].email.key }
        var x: [Model.Variable] = []
        x.reserveCapacity(candidates.count)
        for (e, c) in candidates.enumerated() {
            // A must-pair is made whatever the floor (the matcher never sets one above it; a what-if may).
            let forced = mustPairs.contains(e)
            let belowFloor = minimumPoints.map { c.score.points < $0 } ?? false
            x.append(model.addVariable("x(\(key(c.senior)),\(key(c.junior)))", kind: .binary,
                                       lower: forced ? 1 : 0, upper: forced || !belowFloor ? 1 : 0))
        }
        var role: [Int: Model.Variable] = [:]
        for p in eitherRole.sorted() {
            role[p] = model.addVariable("senior_role(\(key(p)))", kind: .binary)
        }
        var y: [Int: Model.Variable] = [:]
        for p in people {
            y[p] = model.addVariable("paired(\(key(p)))", lower: 0, upper: 1)
        }

        var juniorTerms: [Int: [(Model.Variable, Double)]] = [:]
        var seniorTerms: [Int: [(Model.Variable, Double)]] = [:]
        for (e, c) in candidates.enumerated() {
            juniorTerms[c.junior, default: []].append((x[e], 1))
            seniorTerms[c.senior, default: []].append((x[e], 1))
            if let r = role[c.senior] {
                model.addConstraint("role_senior(\(key(c.senior)),\(key(c.junior)))", [(x[e], 1), (r, -1)], upper: 0)
            }
            if let r = role[c.junior] {
                model.addConstraint("role_junior(\(key(c.senior)),\(key(c.junior)))", [(x[e], 1), (r, 1)], upper: 1)
            }
        }
        for j in juniorTerms.keys.sorted() {
            var terms = juniorTerms[j]!
            if let r = role[j] { terms.append((r, 1)) }
            model.addConstraint("junior(\(key(j)))", terms, upper: 1)
        }
        for s in seniorTerms.keys.sorted() {
            var terms = seniorTerms[s]!
            let capacity = Double(remainingCapacity(s))
            if let r = role[s] {
                terms.append((r, -capacity))
                model.addConstraint("capacity(\(key(s)))", terms, upper: 0)
            } else {
                model.addConstraint("capacity(\(key(s)))", terms, upper: capacity)
            }
        }
        for p in people {
            var terms: [(Model.Variable, Double)] = [(y[p]!, 1)]
            for t in juniorTerms[p] ?? [] { terms.append((t.0, -1)) }
            for t in seniorTerms[p] ?? [] { terms.append((t.0, -1)) }
            model.addConstraint("paired(\(key(p)))", terms, upper: 0)
        }

        for earlier in [Stage.overdue, .coverage, .waiting] {
            guard let floor = floors[earlier] else { continue }
            // Integer objectives: ≥ optimum − ½ is exactly ≥ optimum for integral pairs.
            model.addConstraint("keep_\(earlier.rawValue)", objectiveTerms(earlier, y: y, x: x), lower: floor - 0.5)
        }
        // The minimum-score stage's model is the total score's at its floor (`minimumPoints`).
        for (variable, coefficient) in objectiveTerms(stage.isPriority ? stage : .totalScore, y: y, x: x) {
            model.setObjective(variable, coefficient)
        }
        return Built(model: model, pairVariables: x, pairedVariables: y, roleVariables: role)
    }

    func objectiveTerms(_ stage: Stage, y: [Int: Model.Variable], x: [Model.Variable]) -> [(Model.Variable, Double)] {
        guard stage.isPriority else { return candidates.enumerated().map { (x[$0.offset], Double($0.element.score.points)) } }
        return people.compactMap { p in weight(stage, of: p) > 0 ? (y[p]!, Double(weight(stage, of: p))) : nil }
    }

    /// The stages this model has, in order: the overdue stage only when someone is overdue.
    var stages: [Stage] { Stage.allCases.filter { $0 != .overdue || !overdue.isEmpty } }

    /// The floors the minimum-score stage can have: the distinct pair scores, ascending, up to the
    /// lowest must-pair's (a floor above it would leave that pair out).
    var floorThresholds: [Int] {
        let mustFloor = mustPairs.map { pointsOf[$0] }.min() ?? Int.max
        return Array(Set(pointsOf)).filter { $0 <= mustFloor }.sorted()
    }

    /// Per pool index, whether the person is in one of the `chosen` pairs.
    func pairedFlags(_ chosen: [Int]) -> [Bool] {
        var paired = [Bool](repeating: false, count: pool.applicants.count)
        for e in chosen {
            paired[seniorOf[e]] = true
            paired[juniorOf[e]] = true
        }
        return paired
    }

    func remainingCapacity(_ s: Int) -> Int {
        max(0, pool.applicants[s].capacity - (pool.capacityInUse[pool.applicants[s].email.key] ?? 0))
    }

    /// The value of a stage's objective for a set of chosen pairs (integers, computed in Swift).
    func objectiveValue(_ stage: Stage, chosen: [Int]) -> Double {
        var paired = Set<Int>()
        for e in chosen {
            paired.insert(candidates[e].senior)
            paired.insert(candidates[e].junior)
        }
        switch stage {
        case .overdue, .coverage, .waiting: return Double(paired.reduce(0) { $0 + weight(stage, of: $1) })
        case .minimumScore: return Double(chosen.map { candidates[$0].score.points }.min() ?? 0)
        case .totalScore: return Double(chosen.reduce(0) { $0 + candidates[$1].score.points })
        }
    }
}
