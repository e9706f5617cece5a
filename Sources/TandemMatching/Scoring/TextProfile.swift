import Foundation
import TandemModel

/// Organisation names as people type them, reduced to one spelling: "Royal Free London NHS FT"
/// and "Royal Free London NHS Foundation Trust" are the same employer.
enum OrganisationName {
    private static let expansions: [String: String] = [
        "ft": "foundation trust", "uhb": "university health board", "nhsft": "nhs foundation trust",
        "univ": "university", "uni": "university", "hosp": "hospital", "&": "and", "st": "saint",
    ]
    private static let dropped: Set<String> = ["the", "of", "ltd", "limited", "plc"]

    static func normalise(_ raw: String) -> String {
        let folded = raw.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var words: [String] = []
        var current = ""
        func flush() {
            guard !current.isEmpty else { return }
            let expanded = expansions[current] ?? current
            for word in expanded.split(separator: " ") where !dropped.contains(String(word)) {
                words.append(String(word))
            }
            current = ""
        }
        for ch in folded {
            if ch.isLetter || ch.isNumber { current.append(ch) } else if ch == "&" { flush(); current = "&"; flush() } else { flush() }
        }
        flush()
        return words.joined(separator: " ")
    }
}

/// Names compared loosely: case, accents and spacing ignored.
enum PersonName {
    static func normalise(_ raw: String) -> String {
        raw.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(whereSeparator: { !$0.isLetter }).joined(separator: " ")
    }
}

/// TF-IDF vectors over the applicants' own words (no network, no model): each person's goals, and
/// their profile (job title, expertise, goals), so "closeness of goals to the partner's profile"
/// is a cosine between sparse vectors.
struct TextProfiles {
    /// Sorted (term, weight) pairs with unit length.
    typealias Vector = [(term: Int32, weight: Float)]
    let goals: [Vector]
    let profiles: [Vector]

    private static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "for", "from", "get", "have", "i",
        "in", "into", "is", "it", "its", "me", "more", "my", "of", "on", "or", "our", "out", "so", "some", "that",
        "the", "their", "them", "this", "to", "up", "want", "was", "we", "what", "which", "who", "will", "with",
        "would", "you", "your", "like", "hope", "also", "how", "about", "others", "other", "being", "am", "do",
    ]

    static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).compactMap { word in
            let w = String(word)
            guard w.count > 2, !stopWords.contains(w) else { return nil }
            // A light stemmer: enough for "teaching"/"teach", "publishing"/"publish".
            for suffix in ["ing", "ers", "er", "es", "s"] where w.count > suffix.count + 3 && w.hasSuffix(suffix) {
                return String(w.dropLast(suffix.count))
            }
            return w
        }
    }

    init(applicants: [Applicant]) {
        var dictionary: [String: Int32] = [:]
        func ids(_ text: String) -> [Int32] {
            Self.words(text).map { word in
                if let id = dictionary[word] { return id }
                let id = Int32(dictionary.count)
                dictionary[word] = id
                return id
            }
        }
        let goalTerms = applicants.map { ids($0.goals) }
        let profileTerms = applicants.map { ids([$0.jobTitle, $0.expertise.joined(separator: " "), $0.goals].joined(separator: " ")) }
        var documentFrequency = [Int](repeating: 0, count: dictionary.count)
        for terms in profileTerms {
            for t in Set(terms) { documentFrequency[Int(t)] += 1 }
        }
        let n = Double(max(applicants.count, 1))
        let idf = documentFrequency.map { Float(log((1 + n) / (1 + Double($0))) + 1) }
        func vector(_ terms: [Int32]) -> Vector {
            var counts: [Int32: Float] = [:]
            for t in terms { counts[t, default: 0] += 1 }
            var v = counts.map { (term: $0.key, weight: $0.value * idf[Int($0.key)]) }.sorted { $0.term < $1.term }
            let norm = sqrt(v.reduce(Float(0)) { $0 + $1.weight * $1.weight })
            if norm > 0 { for i in v.indices { v[i].weight /= norm } }
            return v
        }
        goals = goalTerms.map(vector)
        profiles = profileTerms.map(vector)
    }

    static func cosine(_ a: Vector, _ b: Vector) -> Double {
        var i = 0, j = 0
        var sum: Float = 0
        while i < a.count && j < b.count {
            if a[i].term == b[j].term {
                sum += a[i].weight * b[j].weight
                i += 1; j += 1
            } else if a[i].term < b[j].term {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(sum)
    }

    /// How close each partner's goals are to the other's profile, 0…1.
    func closeness(_ a: Int, _ b: Int) -> Double {
        (Self.cosine(goals[a], profiles[b]) + Self.cosine(goals[b], profiles[a])) / 2
    }
}
