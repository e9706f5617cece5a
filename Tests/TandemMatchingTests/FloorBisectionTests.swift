import TandemTestSupport
import Testing
@testable import TandemMatching

/// The one bisection over score floors (`FloorBisection`) against the answer read off directly:
/// for random monotone probes (every floor up to some index keeps, none above it), with and
/// without jumps (a probe that keeps may report a pairing whose weakest pair is higher than asked,
/// never higher than what keeps), first guesses, probe limits and stops.
struct FloorBisectionTests {
    @Test func findsTheHighestFloorThatKeeps() {
        var rng = SeededGenerator(seed: 39)
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...14, using: &rng)
            let top = Int.random(in: -1...(count - 1), using: &rng) // the highest index that keeps
            let low = Int.random(in: 0...max(0, top + 1), using: &rng) // everything below keeps, as the callers know
            let first = (0..<Int.random(in: 0...2, using: &rng)).map { _ in Int.random(in: -1...count, using: &rng) }
            var probed: [Int] = []
            let range = FloorBisection.search(low: low, high: count - 1, first: first) { mid in
                probed.append(mid)
                guard mid <= top else { return .ruledOut }
                return .keeps(from: Int.random(in: (mid + 1)...(top + 1), using: &rng))
            }
            #expect(range.high == top && range.low == top + 1, "\(count) floors, top \(top), low \(low): \(range)")
            #expect(!range.stopped && range.probes == probed.count)
            #expect(Set(probed).count == probed.count, "a floor probed twice: \(probed)")
            #expect(probed.allSatisfy { $0 >= low && $0 < count })
            // Bisection: at most ⌈log₂(n + 1)⌉ probes besides the guesses.
            let n = count - low
            #expect(probed.count <= first.count + (n > 0 ? Int.bitWidth - n.leadingZeroBitCount : 0))
            if let guess = first.first, guess >= low && guess < count { #expect(probed.first == guess) }
        }
    }

    @Test func aLimitOrAStopLeavesTheAnswerInTheOpenRange() {
        var rng = SeededGenerator(seed: 40)
        for _ in 0..<2_000 {
            let count = Int.random(in: 1...14, using: &rng)
            let top = Int.random(in: -1...(count - 1), using: &rng)
            let limit = Int.random(in: 0...3, using: &rng)
            let stopAt = Int.random(in: 0...4, using: &rng) // the probe (counting from 0) that stops, if reached
            var probes = 0
            let range = FloorBisection.search(low: 0, high: count - 1, limit: limit) { mid in
                defer { probes += 1 }
                if probes == stopAt { return .stop }
                return mid <= top ? .keeps(from: mid + 1) : .ruledOut
            }
            #expect(range.probes <= limit && range.probes == probes)
            #expect(range.stopped == (stopAt < range.probes))
            #expect(range.low <= top + 1 && range.high >= top, "top \(top) outside \(range)")
        }
    }
}
