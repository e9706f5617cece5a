/// "1 row", "3 rows": counts a coordinator reads, in every report and message.
public func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
