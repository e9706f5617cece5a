import Foundation
import TandemTestSupport
import Testing
@testable import TandemMatching
import TandemModel

/// The closing search's total-score stage on priced-down models (`ClosingSearch.totalScore`)
/// against GLPK's branch-and-bound on the whole model, on generated pools large enough for the
/// ladder of targets to take several steps.
@Suite(.enabled(if: GeneratedPools.available, "needs python3 (for scripts/gen_applications.py)"))
struct PricedSearchTests {
    /// Pools with many "either" applicants and few spare places, whose total score the network leaves open.
    static let knobs = ProcessInfo.processInfo.environment["TANDEM_PRICED_KNOBS"].map { $0.split(separator: " ").map(String.init) }
        ?? ["--either", "0.35", "--senior", "0.45"]
    @Test func pricedSearchMatchesWholeModel() throws {
        var compared = 0, laddersProven = 0
        for seed in [3, 11, 19, 23, 29, 31, 37, 41, 43, 47] where try compare(seed: seed, laddersProven: &laddersProven) { compared += 1 }
        #expect(compared >= 3, "only \(compared) pools had the total score open and the whole model proven")
        #expect(laddersProven >= 1, "no ladder of several targets ended proven")
        print("priced search: \(compared) pools compared with the whole model, \(laddersProven) proven by a ladder of targets")
    }

    /// Whether the searches were compared: the total score was open and the whole model proven.
    func compare(seed: Int, laddersProven: inout Int) throws -> Bool {
        let config = SchemeConfig()
        let pool = Pool(applicants: try GeneratedPools.applicants(n: 300, seed: seed, knobs: Self.knobs), firstMonth: GeneratedPools.firstMonth)
        let scorer = try Scorer(pool: pool, config: config)
        let model = PairingModel(pool: pool, candidates: scorer.candidates().candidates, mustPairs: [],
                                 overdue: Matcher.overdueApplicants(pool, config: config))
        let stages = NetworkStages(model: model, instruments: .system)
        var (final, relaxation, _, _) = stages.solve()
        let bounds = stages.bounds(final: &final, relaxation: &relaxation)
        let open = model.stages.first { stage in bounds[stage].map { final.values[stage]! < $0 } ?? true }
        // Where the network proves every stage there is nothing to search.
        guard open == .totalScore else { return false }
        try #require(final.scoreBound != nil, "seed \(seed): no total-score bound")
        var floors: [PairingModel.Stage: Double] = [:]
        for stage in [PairingModel.Stage.overdue, .coverage, .waiting] where model.stages.contains(stage) {
            floors[stage] = Double(final.values[stage]!)
        }
        func search(priced: Bool, ladder: Bool = false) throws -> (report: StageReport, chosen: [Int]) {
            var search = ClosingSearch(model: model, config: config.matching, keepModels: false, instruments: .system)
            if ladder {
                // Targets from near the bound down, none of whose models may have half the pairs.
                search.firstPricedPairs = 50
                search.pricedPairsLimit = model.candidates.count / 2
            }
            let outcome = try search.run(from: .totalScore, floors: floors, floor: final.floor, start: final.chosen, bounds: bounds,
                                         scoreBound: priced ? final.scoreBound : nil)
            return (outcome.reports.last!, outcome.chosen)
        }
        let whole = try search(priced: false), priced = try search(priced: true), ladder = try search(priced: true, ladder: true)
        // A pool on which GLPK's budget proves neither (seed 19) still gets valid pairings below.
        if whole.report.provenOptimal {
            #expect(priced.report.provenOptimal, "seed \(seed): the priced-down search was not proven (\(priced.report.status))")
            #expect(priced.report.objective == whole.report.objective, "seed \(seed): priced \(priced.report.objective) vs whole \(whole.report.objective)")
            #expect(ladder.report.objective <= whole.report.objective, "seed \(seed): the ladder's \(ladder.report.objective) above the optimum")
            if ladder.report.provenOptimal {
                #expect(ladder.report.objective == whole.report.objective, "seed \(seed): ladder \(ladder.report.objective) vs whole \(whole.report.objective)")
                if ladder.report.solves > 1 { laddersProven += 1 }
            }
        }
        // Its bound is valid: a gap of g below the bound b means b = objective / (1 − g) ≥ the optimum.
        if let gap = ladder.report.gap, gap < 1, whole.report.provenOptimal {
            #expect(ladder.report.objective / (1 - gap) >= whole.report.objective - 0.01, "seed \(seed): the ladder's bound is below the optimum")
        }
        // The role model's LP bound (`ClosingSearch.lpBound`) holds the optimum and is at most the
        // Lagrangian bound, which relaxes the same model.
        if whole.report.provenOptimal {
            let search = ClosingSearch(model: model, config: config.matching, keepModels: false, instruments: .system)
            let lp = try #require(try search.lpBound(floor: final.floor, floors: floors))
            #expect(Double(lp) >= (whole.report.objective * 100).rounded(), "seed \(seed): LP bound \(lp) below the optimum")
            #expect(lp <= bounds[.totalScore]!, "seed \(seed): LP bound \(lp) above the Lagrangian bound \(bounds[.totalScore]!)")
        }
        for pairs in [priced.chosen, ladder.chosen] {
            try Matcher.verify(pairs: pairs, model: model, scorer: scorer)
            for (stage, value) in floors { #expect(model.objectiveValue(stage, chosen: pairs) >= value, "seed \(seed): \(stage.rawValue)") }
            #expect(Int(model.objectiveValue(.minimumScore, chosen: pairs)) >= final.floor ?? 0)
        }
        return whole.report.provenOptimal
    }
}

/// Reading GLPK's bound needs no generated pool.
@Suite struct GLPKBoundTests {
    /// GLPK's bound is read as whole hundredths, and the huge or undefined values GLPK gives when it
    /// has none are ignored, never converted (a conversion out of Int's range traps the process).
    @Test func glpksBoundIsReadSafely() {
        #expect(ClosingSearch.wholeBound(667_920.000_000_1) == 667_920)
        #expect(ClosingSearch.wholeBound(667_919.999_999_9) == 667_920)
        #expect(ClosingSearch.wholeBound(667_919.4) == 667_919)
        for huge in [1.7976931348623157e308, -1e300, Double.infinity, -Double.infinity, Double.nan, 1e16] {
            #expect(ClosingSearch.wholeBound(huge) == nil, "\(huge)")
        }
        #expect(ClosingSearch.wholeBound(nil) == nil)
    }
}
