/// "1 row", "3 rows": counts a coordinator reads, in every report and message.
public func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

extension Int {
    /// "52,428,800": thousands grouped with commas, as in every message of Tandem's.
    public var grouped: String {
        let digits = String(magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (self < 0 ? "-" : "") + out
    }
}
