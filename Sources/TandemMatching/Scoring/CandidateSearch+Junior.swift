import TandemModel

extension CandidateSearch {
    /// One junior's facts, as the bounds and the score need them, and the ceilings of the parts
    /// the first bound does not look up (`rest`: their best case, plus 2 — see `ceilingHundredths`).
    struct JuniorFacts {
        let j: Int
        /// `(region + 1)` of a senior in the junior's region (`-7`, matching none, without one).
        let regionKey: Int32
        /// Position of the senior the junior named as preferred partner, or -1.
        let preferredPosition: Int
        let namedAcross: Bool
        /// Weighted free slots.
        let total: Int
        let total32: Int32
        let goalsOn: Bool
        let goalBound: Double
        let penalise: Bool
        let organisation: Int32
        /// The junior's rows in the goal tables, and the tables (empty without them).
        let tableRow1: Int
        let tableRow2: Int
        let table1: [Float]
        let table2: [Float]
        /// The meeting part, and its ceiling, by `meetingIndex`.
        let meetingByKey: [Double]
        let meetingCeiling: [Int]
        let rest: Int

        /// Also fills `goalsCeiling` (by the senior's goals) when pruning with goal tables.
        init(_ search: CandidateSearch, junior j: Int, goalsCeiling: UnsafeMutableBufferPointer<Int>) {
            let scorer = search.scorer, config = scorer.config
            self.j = j
            let juniorRegion = scorer.regionID[j]
            regionKey = juniorRegion >= 0 ? juniorRegion + 1 : -7
            preferredPosition = scorer.preferred[j].map { Int(search.seniorPosition[$0]) } ?? -1
            namedAcross = search.namedAcross[j]
            total = scorer.grid.weightedTotal[j]
            total32 = Int32(clamping: total)
            goalsOn = config.goalsWeight > 0
            goalBound = search.juniorGoalBound[j]
            penalise = scorer.penalisesSameOrganisation
            organisation = scorer.organisationID[j]
            let tables = search.goalTables
            tableRow1 = tables.map { Int($0.juniorProfiles[j]) * $0.seniorGoalCount } ?? 0
            tableRow2 = tables.map { Int($0.juniorGoals[j]) * $0.seniorProfileCount } ?? 0
            table1 = tables?.seniorGoalsToJuniorProfiles ?? []
            table2 = tables?.juniorGoalsToSeniorProfiles ?? []
            let juniorInPerson = scorer.inPerson[j]
            // Meeting part by (senior meets in person) * 2 + (same region), for this junior.
            func meeting(seniorInPerson: Bool, sameRegion: Bool) -> Double {
                let inPerson = (seniorInPerson ? 1 : 0) + (juniorInPerson ? 1 : 0)
                let part = search.meetingPart
                return inPerson == 0 || sameRegion ? part.full : inPerson == 1 ? part.half : part.none
            }
            meetingByKey = [meeting(seniorInPerson: false, sameRegion: false), meeting(seniorInPerson: false, sameRegion: true),
                            meeting(seniorInPerson: true, sameRegion: false), meeting(seniorInPerson: true, sameRegion: true)]
            meetingCeiling = meetingByKey.map { search.pruning ? CandidateSearch.ceilingHundredths($0) : 0 }
            rest = search.pruning ? Self.restCeiling(search, junior: j, namedAcross: namedAcross, goalsCeiling: goalsCeiling) : 2
        }

        /// `rest` when pruning: 2, plus the ceilings of the preferred-partner, organisation and goals parts.
        private static func restCeiling(_ search: CandidateSearch, junior j: Int, namedAcross: Bool,
                                        goalsCeiling: UnsafeMutableBufferPointer<Int>) -> Int {
            let config = search.scorer.config, goalsWeight = config.goalsWeight
            var rest = 2
            rest += CandidateSearch.ceilingHundredths(namedAcross ? search.preferredPart.max()! : search.preferredPart[0])
            rest += CandidateSearch.ceilingHundredths(search.scorer.penalisesSameOrganisation ? max(0, search.organisationPart) : 0)
            guard goalsWeight > 0 else { return rest }
            if let tables = search.goalTables {
                // The goals part is at most goalsWeight * (c1 + c2) / 2 + 0.0051: c1 (the senior's
                // goals with the junior's profile) by the senior's goals, c2 at its largest.
                let row1 = Int(tables.juniorProfiles[j]) * tables.seniorGoalCount
                for g in 0..<tables.seniorGoalCount {
                    let c1 = Double(tables.seniorGoalsToJuniorProfiles[row1 + g])
                    let x = goalsWeight * c1 / 2
                    goalsCeiling[g] = CandidateSearch.ceilingHundredths(x + abs(x) * 1e-12)
                }
                let x = goalsWeight * Double(tables.rowMaximum2[Int(tables.juniorGoals[j])]) / 2
                rest += CandidateSearch.ceilingHundredths(x + 0.0051 + abs(x) * 1e-12)
            } else {
                let x = goalsWeight * ((search.largestSeniorGoalBound + search.juniorGoalBound[j]) / 2)
                rest += CandidateSearch.ceilingHundredths(x + 0.0051 + abs(x) * 1e-12)
            }
            return rest
        }

        /// The meeting part's index: (senior meets in person) * 2 + (same region).
        @inline(__always) func meetingIndex(_ key: SeniorKey) -> Int {
            Int(key.meeting & 1) << 1 | ((key.meeting >> 1) == regionKey ? 1 : 0)
        }
    }

    /// What the three stages share while one junior is searched: the junior's facts, the seniors'
    /// tables (valid only inside `scoreAllowedSeniors`), and the junior's list with its threshold.
    struct JuniorPass {
        let junior: JuniorFacts
        let worker: Worker
        let keys: UnsafeBufferPointer<SeniorKey>
        let seniorPreferred: UnsafeBufferPointer<Int32>
        let seniors: UnsafeBufferPointer<Int>
        let seniorSlots: UnsafeBufferPointer<UInt64>
        let juniorBits: UnsafePointer<UInt64>
        let list: UnsafeMutablePointer<Entry>
        let room: Int
        var listCount = 0
        var juniorThreshold: Int

        /// The threshold a pair must beat to enter the junior's or the senior's list. Neither the
        /// seniors (by zone class) nor the juniors (see `juniorOrder`) come in index order, so a tie
        /// may still enter a full list (ties go to the lower index). `Int.min`: no pruning.
        @inline(__always) func threshold(_ p: Int) -> Int {
            @inline(__always) func lowered(_ t: Int) -> Int { t == Int.max || t == Int.min ? t : t - 1 }
            return min(lowered(juniorThreshold), lowered(worker.seniorThreshold[p]))
        }
    }
}
