import TandemTestSupport
import Foundation
import Testing
import TandemIngest
import TandemModel
@testable import TandemMatching

/// Pools read from `scripts/gen_applications.py` through the real
/// form reader, so the matching is tested on applications shaped like the scheme's exports.
enum GeneratedPools {
    static var available: Bool { ApplicationGenerator.available }

    static let firstMonth = YearMonth(year: 2026, month: 12)

    /// The generator's applicants for a seed, read as a Google Forms export; cached per seed and size.
    static func applicants(n: Int = 200, seed: Int, knobs: [String] = []) throws -> [Applicant] {
        let key = "\(n)-\(seed)-\(knobs)"
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let data = try ApplicationGenerator.export(n: n, seed: seed, knobs: knobs)
        let result = FormReader.read(data, file: "applications.csv", config: FormConfig())
        cache.withLock { $0[key] = result.applicants }
        return result.applicants
    }

    private static let cache = Mutex<[String: [Applicant]]>([:])
}

/// A tiny lock-protected box (the tests run in parallel).
final class Mutex<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}

/// A generated pool, its baseline matching, and helpers to change applicants and match again.
/// Settings keep each solve near a second in debug builds: the first session month is September
/// 2026 (few applicants overdue, so pruning applies) and 5 candidates are kept per person.
struct Fixture: Sendable {
    static let seed = 11
    static let firstMonth = YearMonth(year: 2026, month: 9)
    static var config: SchemeConfig {
        var config = SchemeConfig()
        config.matching.candidatesPerPerson = 5
        return config
    }

    let applicants: [Applicant]
    let pool: Pool
    let result: MatchingResult

    static func baseline() throws -> Fixture {
        if let cached = baselineCache.withLock({ $0 }) { return cached }
        let applicants = try GeneratedPools.applicants(seed: seed)
        let (pool, result) = try match(applicants)
        let fixture = Fixture(applicants: applicants, pool: pool, result: result)
        baselineCache.withLock { $0 = fixture }
        return fixture
    }

    private static let baselineCache = Mutex<Fixture?>(nil)

    static func match(_ applicants: [Applicant], config: SchemeConfig = Fixture.config,
                      _ adjust: (inout Pool) -> Void = { _ in }) throws -> (Pool, MatchingResult) {
        var pool = Pool(applicants: applicants, firstMonth: firstMonth)
        adjust(&pool)
        return (pool, try Matcher.match(pool, config: config, models: .never))
    }

    /// The first baseline pair whose partners asked for exactly those roles.
    func plainPair(skip: Int = 0) throws -> Pairing {
        let pairs = result.pairs.filter { $0.senior.role == .senior && $0.junior.role == .junior }
        return try #require(pairs.dropFirst(skip).first)
    }
}

extension MatchingResult {
    func contains(senior: Applicant, junior: Applicant) -> Bool {
        pairs.contains { $0.senior.email == senior.email && $0.junior.email == junior.email }
    }

    func involves(_ person: Applicant) -> Bool {
        pairs.contains { $0.senior.email == person.email || $0.junior.email == person.email }
    }
}

extension Array where Element == Applicant {
    mutating func modify(_ person: Applicant, _ change: (inout Applicant) -> Void) {
        let i = firstIndex { $0.email.key == person.email.key }!
        change(&self[i])
    }
}

extension Pool {
    func index(_ person: Applicant) -> Int { applicants.firstIndex { $0.email.key == person.email.key }! }
}
