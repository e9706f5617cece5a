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
/// is a cosine between sparse vectors. The vectors are kept in flat arrays (terms sorted, unit
/// length) so that a cosine walks two short contiguous runs.
struct TextProfiles: Sendable {
    /// Sorted (term, weight) pairs with unit length.
    typealias Vector = [(term: Int32, weight: Float)]

    /// All vectors of one kind, person after person: person i's terms are `terms[start[i] ..< start[i + 1]]`.
    struct Vectors: Sendable {
        var terms: [Int32] = []
        var weights: [Float] = []
        var start: [Int] = [0]

        init(_ vectors: [Vector]) {
            for v in vectors {
                for entry in v {
                    terms.append(entry.term)
                    weights.append(entry.weight)
                }
                start.append(terms.count)
            }
        }

        func count(_ i: Int) -> Int { start[i + 1] - start[i] }
    }

    let goals: Vectors
    let profiles: Vectors
    let termCount: Int
    /// Per person: the first person with exactly the same goals vector, and the same profile vector.
    let sameGoals: [Int]
    let sameProfile: [Int]

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
        // Many people write the same text (and every profile repeats the goals): split each distinct text once.
        var split: [String: [String]] = [:]
        func ids(_ text: String) -> [Int32] {
            let words: [String]
            if let known = split[text] {
                words = known
            } else {
                words = Self.words(text)
                split[text] = words
            }
            return words.map { word in
                if let id = dictionary[word] { return id }
                let id = Int32(dictionary.count)
                dictionary[word] = id
                return id
            }
        }
        let goalTerms = applicants.map { ids($0.goals) }
        // A profile's words are those of "title expertise goals". When the three parts are ASCII,
        // that is exactly the parts' words one after the other (the spaces split, and ASCII letters
        // lower-case one by one), and the parts repeat across people: their words are cached.
        func profileIDs(_ a: Applicant) -> [Int32] {
            let expertise = a.expertise.joined(separator: " ")
            let parts = [a.jobTitle, expertise, a.goals]
            guard parts.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) else { return ids(parts.joined(separator: " ")) }
            return parts.flatMap(ids)
        }
        let profileTerms = applicants.map(profileIDs)
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
        let goalVectors = goalTerms.map(vector), profileVectors = profileTerms.map(vector)
        goals = Vectors(goalVectors)
        profiles = Vectors(profileVectors)
        termCount = dictionary.count
        func firstSame(_ vectors: [Vector]) -> [Int] {
            var first: [[UInt64]: Int] = [:]
            return vectors.enumerated().map { i, v in
                let key = v.map { UInt64(UInt32(bitPattern: $0.term)) << 32 | UInt64($0.weight.bitPattern) }
                if let known = first[key] { return known }
                first[key] = i
                return i
            }
        }
        sameGoals = firstSame(goalVectors)
        sameProfile = firstSame(profileVectors)
    }

    /// The cosine of person `a`'s goals with person `b`'s profile: the products of the common
    /// terms, added in term order in `Float`.
    func cosine(goalsOf a: Int, profileOf b: Int) -> Double {
        goals.terms.withUnsafeBufferPointer { gt in
            goals.weights.withUnsafeBufferPointer { gw in
                profiles.terms.withUnsafeBufferPointer { pt in
                    profiles.weights.withUnsafeBufferPointer { pw in
                        var i = goals.start[a], j = profiles.start[b]
                        let iEnd = goals.start[a + 1], jEnd = profiles.start[b + 1]
                        var sum: Float = 0
                        while i < iEnd && j < jEnd {
                            let x = gt[i], y = pt[j]
                            if x == y {
                                sum += gw[i] * pw[j]
                                i += 1; j += 1
                            } else if x < y {
                                i += 1
                            } else {
                                j += 1
                            }
                        }
                        return Double(sum)
                    }
                }
            }
        }
    }

    /// How close each partner's goals are to the other's profile, 0…1.
    func closeness(_ a: Int, _ b: Int) -> Double {
        (cosine(goalsOf: a, profileOf: b) + cosine(goalsOf: b, profileOf: a)) / 2
    }

    /// For each person in `of`: a number at least `cosine(goalsOf: person, profileOf: other)` for
    /// every `other` in `against`, allowing for the rounding of the `Float` sums.
    func goalBounds(of people: [Int], against others: [Int]) -> [Double] {
        var largest = [Float](repeating: 0, count: termCount)
        var largestNorm = 0.0, longest = 0
        for other in others {
            var squares = 0.0
            for k in profiles.start[other]..<profiles.start[other + 1] {
                let t = Int(profiles.terms[k]), w = profiles.weights[k]
                if w > largest[t] { largest[t] = w }
                squares += Double(w) * Double(w)
            }
            largestNorm = max(largestNorm, squares.squareRoot())
            longest = max(longest, profiles.count(other))
        }
        return people.map { person in
            var dot = 0.0, squares = 0.0
            for k in goals.start[person]..<goals.start[person + 1] {
                let w = Double(goals.weights[k])
                dot += w * Double(largest[Int(goals.terms[k])])
                squares += w * w
            }
            // Each Float product and sum rounds by at most 2^-24 relative; terms are never negative.
            let m = Double(min(goals.count(person), longest) + 2) * 0x1p-24
            let exact = min(dot, squares.squareRoot() * largestNorm)
            return exact * (1 + 2 * m / (1 - m)) * (1 + 1e-9) + 1e-9
        }
    }
}
