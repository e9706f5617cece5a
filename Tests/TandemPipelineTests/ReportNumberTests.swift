import Foundation
import Testing
import TandemTestSupport
@testable import TandemReports
import TandemModel

/// `Reports.number` skips Foundation's formatter for speed; it must print exactly what
/// `String(format: "%.2f")` prints, for every value.
@Suite struct ReportNumberTests {
    @Test func sameDigitsAsPrintf() {
        var values: [Double] = [0, -0.0, 0.005, 0.015, 0.125, -0.125, 2.675, 1.005, 99.995, -0.001, -0.004, 0.004,
                                41.67, 33.3333333, 1e14, -1e14, 1e16, 123_456_789.987, .nan, .infinity, -.infinity,
                                .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        var rng = SeededGenerator(seed: 42)
        for _ in 0..<20_000 {
            values.append(Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 100) // scores as stored
            values.append(Double.random(in: -1000...1000, using: &rng))
            values.append(Double(Int.random(in: -100_000...100_000, using: &rng)) / 1000 + 0.0005)
        }
        for value in values {
            #expect(Reports.number(value) == String(format: "%.2f", value), "\(value)")
        }
    }

    @Test func zeroPaddingAsPrintf() {
        for n in [0, 1, 9, 10, 99, 100, 999, 1000, 2026, 12345, -1, -5, -12, -123] {
            for width in [2, 4] {
                #expect(n.zeroPadded(width) == String(format: "%0\(width)d", n), "\(n) width \(width)")
            }
        }
    }
}
