import Foundation
import TandemMatching
import TandemModel

/// One month of the scheme as the ledger recorded it, for the report's trend.
public struct SchemeMonth: Sendable, Hashable {
    /// The month of the first sessions.
    public var month: YearMonth
    /// Pairs made (given their sessions) that month.
    public var pairs: Int
    /// The wait in days, to the month's first day, of each person waiting after that month's pairing
    /// (usable, in no running pair, not paired), sorted.
    public var waitingDays: [Int]

    public init(month: YearMonth, pairs: Int, waitingDays: [Int]) {
        self.month = month
        self.pairs = pairs
        self.waitingDays = waitingDays.sorted()
    }

    public var waiting: Int { waitingDays.count }

    /// Those waiting past the target (`WaitingTarget`): their first response is `waitingDays` before the month's first day.
    public func pastTarget(targetMonths: Int) -> Int {
        let firstDay = month.firstDay
        return waitingDays.filter { WaitingTarget.isPast(appliedOn: firstDay.adding(days: -$0), on: firstDay, targetMonths: targetMonths) }.count
    }

    /// The median wait: the middle one, or the mean of the middle two; nil when nobody was waiting.
    public var medianWaitDays: Double? {
        guard !waitingDays.isEmpty else { return nil }
        let middle = waitingDays.count / 2
        return waitingDays.count % 2 == 1 ? Double(waitingDays[middle]) : Double(waitingDays[middle - 1] + waitingDays[middle]) / 2
    }
}

/// What `report.html` is drawn from: the summary's facts, the pool (who could take which role, places
/// in use), the rejected rows and the ledger's earlier months. Read only; the report is a pure function of it.
public struct ReportFacts: Sendable {
    public var summary: SummaryFacts
    public var pool: Pool
    public var rejected: [RejectedRow]
    /// The form's areas, in the configuration's order.
    public var areas: [String]
    public var minimumSeniorYears: Double
    /// Months recorded before this one, oldest first.
    public var earlierMonths: [SchemeMonth]

    public init(summary: SummaryFacts, pool: Pool, rejected: [RejectedRow], areas: [String], minimumSeniorYears: Double,
                earlierMonths: [SchemeMonth]) {
        self.summary = summary; self.pool = pool; self.rejected = rejected; self.areas = areas
        self.minimumSeniorYears = minimumSeniorYears; self.earlierMonths = earlierMonths
    }
}

/// Text from the form, made safe for HTML: controls shown as visible marks (`VisibleText.clean`), then
/// the five characters that mean something in HTML escaped, in text and in attribute values alike.
enum HTMLText {
    static func escape(_ text: String) -> String {
        let visible = VisibleText.clean(text)
        let special = visible.utf8.contains { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">")
            || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
        guard special else { return visible }
        var out = ""
        out.reserveCapacity(visible.utf8.count + 16)
        for character in visible.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}

/// `report.html`: the month at a glance for the coordinator, one self-contained page (inline CSS and
/// SVG, no scripts, nothing loaded from anywhere) that reads offline and prints on A4. Every chart has
/// its numbers in a table beside it. The same facts always give the same bytes.
public enum HTMLReport {
    public static func render(_ facts: ReportFacts) -> OutputFile {
        let model = Model(facts)
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        page += "<title>\(e(facts.summary.schemeName)): sessions from \(Reports.monthName(facts.summary.firstMonth))</title>\n"
        page += "<style>\n\(style)</style>\n</head>\n<body>\n"
        page += header(facts, model)
        page += headline(facts, model)
        page += waiting(facts, model)
        page += trend(facts, model)
        if let proposals = facts.summary.proposals {
            page += proposals.html(made: model.made.count)
        }
        page += areas(facts, model)
        page += scores(facts, model)
        page += unpaired(facts, model)
        page += solver(facts, model)
        page += "<footer><p>Written by Tandem from the export and the ledger; the same inputs give the same file. "
        page += "The lists behind every figure are in <code>pairs.csv</code> and <code>unmatched.csv</code>, beside this file.</p></footer>\n"
        page += "</body>\n</html>\n"
        return OutputFile(path: "report.html", text: page)
    }

    static func e(_ text: String) -> String { HTMLText.escape(text) }

    /// The figures every section shares, worked out once.
    struct Model {
        var made: [Pairing]
        var counts: UnpairedCounts
        /// The waits in days of the people waiting, and who they are (e-mail keys).
        var waitingDays: [Int]
        var waitingKeys: Set<String>
        var placesFree: Int
        var seniorsWithPlaces: Int
        var months: [SchemeMonth]

        init(_ facts: ReportFacts) {
            let summary = facts.summary
            made = summary.matching.pairs.filter { summary.slots[$0.senior.email.key + "|" + $0.junior.email.key] != nil }
            counts = UnpairedCounts(summary.matching.unmatched)
            let waiting = summary.matching.unmatched.filter { $0.standing == .waiting }
            waitingDays = waiting.map(\.waitingDays)
            waitingKeys = Set(waiting.map(\.applicant.email.key))
            // Places free after this month's pairs: everyone who could be a senior this month, less the
            // places running pairs and new pairs take; a person paired now as a junior has none.
            var newJuniors: [String: Int] = [:]
            var pairedAsJunior = Set<String>()
            for pair in made {
                newJuniors[pair.senior.email.key, default: 0] += 1
                pairedAsJunior.insert(pair.junior.email.key)
            }
            var free = 0, seniors = 0
            let pool = facts.pool
            for (i, a) in pool.applicants.enumerated() where !pairedAsJunior.contains(a.email.key) {
                guard pool.roleBlocks(i, minimumSeniorYears: facts.minimumSeniorYears).senior == nil else { continue }
                let places = a.capacity - (pool.capacityInUse[a.email.key] ?? 0) - (newJuniors[a.email.key] ?? 0)
                if places > 0 { free += places; seniors += 1 }
            }
            placesFree = free
            seniorsWithPlaces = seniors
            let now = SchemeMonth(month: summary.firstMonth, pairs: made.count, waitingDays: waitingDays)
            months = facts.earlierMonths.filter { $0.month < summary.firstMonth }.sorted { $0.month < $1.month } + [now]
        }
    }

    // MARK: - Sections

    static func header(_ facts: ReportFacts, _ model: Model) -> String {
        let s = facts.summary
        var html = "<header>\n<h1>\(e(s.schemeName)): pairs for sessions from \(Reports.monthName(s.firstMonth))</h1>\n"
        html += "<p class=\"source\">From <code>\(e(s.inputFile))</code>: \(s.ingestCounts.records) responses, "
        html += "\(s.ingestCounts.applicants) applicants, <span id=\"figure-rejected\">\(s.ingestCounts.rejected)</span> "
        html += "\(s.ingestCounts.rejected == 1 ? "row" : "rows") that could not be used.</p>\n</header>\n"
        return html
    }

    static func headline(_ facts: ReportFacts, _ model: Model) -> String {
        let s = facts.summary, c = model.counts
        var html = "<section id=\"headline\" aria-labelledby=\"headline-title\">\n<h2 id=\"headline-title\">This month at a glance</h2>\n<dl class=\"tiles\">\n"
        func tile(_ id: String, _ value: Int, _ label: String, _ note: String, warn: Bool = false) {
            html += "<div class=\"tile\(warn ? " warn" : "")\"><dt>\(label)</dt><dd><span class=\"value\" id=\"figure-\(id)\">\(value)</span>"
            html += "<span class=\"note\">\(note)</span></dd></div>\n"
        }
        let seniors = Set(model.made.map(\.senior.email.key)).count
        tile("new-pairs", model.made.count, "New pairs", "with \(seniors) senior \(seniors == 1 ? "partner" : "partners"), six sessions each")
        tile("waiting", c.waiting, "People waiting", "usable, in no running pair, not paired this month")
        tile("past-target", c.pastTarget, "Past the \(s.waitingTargetMonths)-month target", c.pastTarget == 0 ? "nobody waiting that long" : "waiting, first applied \(s.waitingTargetMonths) months or more ago", warn: c.pastTarget > 0)
        tile("places-free", model.placesFree, "Places free", "with \(model.seniorsWithPlaces) \(model.seniorsWithPlaces == 1 ? "senior" : "seniors") who could take a junior now")
        html += "</dl>\n<p>"
        if s.activePairs > 0 { html += "\(s.activePairs) pairs from earlier months are still running. " }
        if c.inRunningPairs > 0 { html += "\(c.inRunningPairs) applicants are in running pairs and not looking this month. " }
        if c.finished > 0 { html += "\(c.finished) \(c.finished == 1 ? "junior's pair has" : "juniors' pairs have") completed. " }
        if s.unscheduledPairs > 0 {
            html += "\(s.unscheduledPairs) more \(s.unscheduledPairs == 1 ? "pair was" : "pairs were") chosen but could not be given a slot, so \(s.unscheduledPairs == 1 ? "it is" : "they are") not made. "
        }
        html += "</p>\n</section>\n"
        return html
    }

    /// Whole months waited: the largest k with the k-month due day on or before the first session's day.
    static func monthsWaited(appliedOn applied: LocalDate, firstDay: LocalDate) -> Int {
        var k = max(0, applied.yearMonth.months(until: firstDay.yearMonth))
        while k > 0 && WaitingTarget.dueDay(appliedOn: applied, targetMonths: k) > firstDay { k -= 1 }
        return k
    }

    static func waiting(_ facts: ReportFacts, _ model: Model) -> String {
        let s = facts.summary, target = s.waitingTargetMonths
        let firstDay = s.firstMonth.firstDay
        let last = max(12, target + 1)
        var bins = Array(repeating: 0, count: last + 1)
        for wait in model.waitingDays {
            let applied = firstDay.adding(days: -wait)
            bins[min(monthsWaited(appliedOn: applied, firstDay: firstDay), last)] += 1
        }
        let labels = (0...last).map { $0 == last ? "\($0)+" : "\($0)" }
        var html = "<section id=\"waiting-times\" aria-labelledby=\"waiting-title\">\n<h2 id=\"waiting-title\">How long the people waiting have waited</h2>\n"
        guard !model.waitingDays.isEmpty else {
            return html + "<p>Nobody is waiting: everyone usable and looking was paired this month.</p>\n</section>\n"
        }
        html += "<figure>\n"
        let chart = SVGChart.columns(
            id: "chart-waiting", title: "People waiting by whole months waited, against the \(target)-month target",
            categories: labels, series: [SVGChart.Series(name: "people", values: bins.map(Double.init), colour: SVGChart.Colour.blue)],
            yLabel: "people waiting", threshold: SVGChart.Threshold(beforeIndex: target, label: "\(target)-month target"),
            styleOf: { c, _ in c >= target ? (SVGChart.Colour.vermillion, .hatch) : (SVGChart.Colour.blue, .solid) },
            legend: [("within the target", SVGChart.Colour.blue, .solid), ("past the target", SVGChart.Colour.vermillion, .hatch)])
        html += chart + "\n"
        let median = model.months.last?.medianWaitDays.map(days) ?? "—"
        html += "<figcaption>People waiting by whole months since they first applied, counted to the first session (\(firstDay)). "
        html += "Columns right of the dashed line (hatched) are past the \(target)-month target: \(model.counts.pastTarget) of \(model.counts.waiting). "
        html += "Median wait: \(median) days; longest: \(model.waitingDays.max() ?? 0) days.</figcaption>\n"
        html += "<table class=\"numbers\">\n<thead><tr><th scope=\"col\">months waited</th>"
        for label in labels { html += "<th scope=\"col\">\(label)</th>" }
        html += "</tr></thead>\n<tbody><tr><th scope=\"row\">people</th>"
        for (i, n) in bins.enumerated() { html += "<td\(i >= target ? " class=\"past\"" : "")>\(n)</td>" }
        html += "</tr></tbody>\n</table>\n</figure>\n</section>\n"
        return html
    }

    static func trend(_ facts: ReportFacts, _ model: Model) -> String {
        let months = model.months, target = facts.summary.waitingTargetMonths
        var html = "<section id=\"trend\" aria-labelledby=\"trend-title\">\n<h2 id=\"trend-title\">The scheme month by month</h2>\n"
        if months.count == 1 {
            html += "<p>This is the first month the ledger holds, so the trend is a single point; each run adds one.</p>\n"
        }
        let labels = months.map { "\($0.month)" }
        html += "<figure>\n"
        html += SVGChart.lines(id: "chart-trend", title: "Pairs made, people waiting and past the target, per month", categories: labels, series: [
            .init(name: "pairs made", values: months.map { Double($0.pairs) }, colour: SVGChart.Colour.blue, marker: .circle),
            .init(name: "waiting", values: months.map { Double($0.waiting) }, colour: SVGChart.Colour.orange, marker: .square, dash: "8 4"),
            .init(name: "past the target", values: months.map { Double($0.pastTarget(targetMonths: target)) }, colour: SVGChart.Colour.vermillion,
                  marker: .triangle, dash: "2 3"),
        ], yLabel: "people or pairs") + "\n"
        html += SVGChart.lines(id: "chart-median", title: "Median wait of the people waiting, in days, per month", categories: labels, series: [
            .init(name: "median wait (days)", values: months.map { $0.medianWaitDays ?? 0 }, colour: SVGChart.Colour.bluishGreen, marker: .diamond),
        ], yLabel: "days") + "\n"
        html += "<figcaption>One point per month recorded in the ledger, and this month's. Past the target counts with this "
        html += "scheme's \(facts.summary.waitingTargetMonths)-month target; the median wait is over the people still waiting after each month's pairing.</figcaption>\n"
        html += "<table class=\"numbers\">\n<thead><tr><th scope=\"col\">month</th><th scope=\"col\">pairs made</th><th scope=\"col\">waiting</th>"
        html += "<th scope=\"col\">past the target</th><th scope=\"col\">median wait (days)</th></tr></thead>\n<tbody>\n"
        for m in months.reversed() {
            html += "<tr data-month=\"\(m.month)\"><th scope=\"row\">\(m.month)</th><td>\(m.pairs)</td><td>\(m.waiting)</td><td>\(m.pastTarget(targetMonths: target))</td>"
            html += "<td>\(m.medianWaitDays.map(days) ?? "—")</td></tr>\n"
        }
        html += "</tbody>\n</table>\n</figure>\n</section>\n"
        return html
    }

    struct AreaBalance {
        var area: String
        var juniors = 0, seniors = 0, pairs = 0, stillWaiting = 0
    }

    static func areaBalances(_ facts: ReportFacts, _ model: Model) -> [AreaBalance] {
        let pool = facts.pool
        var index: [String: Int] = [:]
        var balances: [AreaBalance] = []
        for area in facts.areas where index[area] == nil {
            index[area] = balances.count
            balances.append(AreaBalance(area: area))
        }
        let waiting = model.waitingKeys
        for (i, a) in pool.applicants.enumerated() {
            let blocks = pool.roleBlocks(i, minimumSeniorYears: facts.minimumSeniorYears)
            if blocks.junior == nil {
                let stillWaiting = waiting.contains(a.email.key)
                for area in a.development {
                    guard let k = index[area] else { continue }
                    balances[k].juniors += 1
                    if stillWaiting { balances[k].stillWaiting += 1 }
                }
            }
            if blocks.senior == nil {
                for area in a.expertise { if let k = index[area] { balances[k].seniors += 1 } }
            }
        }
        for pair in model.made {
            for area in Set(pair.score.areasForJunior) { if let k = index[area] { balances[k].pairs += 1 } }
        }
        // Shortest supply first: most juniors per senior offering it, then most juniors, then the form's order.
        return balances.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            let lhs = x.juniors * max(y.seniors, 1), rhs = y.juniors * max(x.seniors, 1)
            if (x.seniors == 0) != (y.seniors == 0) { return x.seniors == 0 && x.juniors > 0 }
            if lhs != rhs { return lhs > rhs }
            if x.juniors != y.juniors { return x.juniors > y.juniors }
            return a.offset < b.offset
        }.map(\.element)
    }

    static func areas(_ facts: ReportFacts, _ model: Model) -> String {
        let balances = areaBalances(facts, model)
        var html = "<section id=\"areas\" aria-labelledby=\"areas-title\">\n<h2 id=\"areas-title\">Demand and supply by area of expertise</h2>\n"
        guard !balances.isEmpty else { return html + "<p>The form lists no areas.</p>\n</section>\n" }
        html += "<figure>\n"
        html += SVGChart.bars(id: "chart-areas", title: "Juniors wanting each area, seniors offering it, and this month's pairs covering it",
                              categories: balances.map(\.area), series: [
            .init(name: "juniors wanting it", values: balances.map { Double($0.juniors) }, colour: SVGChart.Colour.orange),
            .init(name: "seniors offering it", values: balances.map { Double($0.seniors) }, colour: SVGChart.Colour.blue, texture: .hatch),
            .init(name: "pairs covering it", values: balances.map { Double($0.pairs) }, colour: SVGChart.Colour.bluishGreen, texture: .dots),
        ], xLabel: "people or pairs") + "\n"
        html += "<figcaption>Juniors are the applicants who could take the junior role this month and want to develop the area; "
        html += "seniors, those who could take the senior role and list it as expertise (an \"either\" applicant counts on both sides). "
        html += "A pair covers an area when the senior's expertise meets the junior's wish. Shortest supply first.</figcaption>\n"
        html += "<table class=\"numbers\">\n<thead><tr><th scope=\"col\">area</th><th scope=\"col\">juniors wanting it</th>"
        html += "<th scope=\"col\">seniors offering it</th><th scope=\"col\">juniors per senior</th><th scope=\"col\">pairs covering it</th>"
        html += "<th scope=\"col\">juniors still waiting who want it</th></tr></thead>\n<tbody>\n"
        for b in balances {
            let ratio = b.juniors == 0 ? "0" : b.seniors == 0 ? "no senior" : Reports.number(Double(b.juniors) / Double(b.seniors))
            html += "<tr><th scope=\"row\">\(e(b.area))</th><td>\(b.juniors)</td><td>\(b.seniors)</td><td>\(ratio)</td>"
            html += "<td>\(b.pairs)</td><td>\(b.stillWaiting)</td></tr>\n"
        }
        html += "</tbody>\n</table>\n</figure>\n</section>\n"
        return html
    }

    static func scores(_ facts: ReportFacts, _ model: Model) -> String {
        var html = "<section id=\"scores\" aria-labelledby=\"scores-title\">\n<h2 id=\"scores-title\">Pair scores and what makes them up</h2>\n"
        guard !model.made.isEmpty else { return html + "<p>No pairs were made this month.</p>\n</section>\n" }
        let totals = model.made.map(\.score.total)
        var bins = Array(repeating: 0, count: 10)
        for total in totals { bins[min(max(Int((total / 10).rounded(.down)), 0), 9)] += 1 }
        let labels = (0..<10).map { $0 == 9 ? "90+" : "\($0 * 10)–\($0 * 10 + 10)" }
        let sorted = totals.sorted()
        let middle = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        html += "<figure>\n"
        html += SVGChart.columns(id: "chart-scores", title: "This month's pairs by score, in bands of ten points", categories: labels,
                                 series: [.init(name: "pairs", values: bins.map(Double.init), colour: SVGChart.Colour.blue)],
                                 yLabel: "pairs") + "\n"
        html += "<figcaption>\(model.made.count) pairs by score (out of about 100; each band includes its lower bound). "
        html += "Lowest \(Reports.number(sorted.first!)), median \(Reports.number(middle)), highest \(Reports.number(sorted.last!)).</figcaption>\n"
        html += "<table class=\"numbers\">\n<thead><tr><th scope=\"col\">score</th>"
        for label in labels { html += "<th scope=\"col\">\(label)</th>" }
        html += "</tr></thead>\n<tbody><tr><th scope=\"row\">pairs</th>"
        for n in bins { html += "<td>\(n)</td>" }
        html += "</tr></tbody>\n</table>\n</figure>\n"

        let names = ScoreBreakdown.partNames
        var sums = Array(repeating: 0.0, count: names.count)
        var lows = Array(repeating: Double.infinity, count: names.count)
        var highs = Array(repeating: -Double.infinity, count: names.count)
        var scoring = Array(repeating: 0, count: names.count)
        for pair in model.made {
            for (k, part) in pair.score.parts.enumerated() {
                sums[k] += part.points
                lows[k] = min(lows[k], part.points)
                highs[k] = max(highs[k], part.points)
                if part.points != 0 { scoring[k] += 1 }
            }
        }
        let means = sums.map { $0 / Double(model.made.count) }
        html += "<figure>\n"
        html += SVGChart.bars(id: "chart-parts", title: "The average points of each part of the score", categories: names,
                              series: [.init(name: "average points", values: means, colour: SVGChart.Colour.reddishPurple)],
                              xLabel: "average points per pair") + "\n"
        html += "<figcaption>Each pair's score is the sum of these parts (the same parts as in <code>pairs.csv</code> and "
        html += "<code>tandem explain</code>); the bars are the average over this month's pairs. The same-organisation part is a penalty, "
        html += "zero or below, and is drawn at zero.</figcaption>\n"
        html += "<table class=\"numbers\">\n<thead><tr><th scope=\"col\">part</th><th scope=\"col\">average</th><th scope=\"col\">lowest</th>"
        html += "<th scope=\"col\">highest</th><th scope=\"col\">pairs with any points</th></tr></thead>\n<tbody>\n"
        for k in names.indices {
            html += "<tr><th scope=\"row\">\(names[k])</th><td>\(Reports.number(means[k]))</td><td>\(Reports.number(lows[k]))</td>"
            html += "<td>\(Reports.number(highs[k]))</td><td>\(scoring[k])</td></tr>\n"
        }
        html += "</tbody>\n</table>\n</figure>\n</section>\n"
        return html
    }

    /// One reason, as unmatched.csv gives it, split into its kind (up to the first ": " or "; ") and
    /// the detail after it, with "(N of M)" tallies dropped so that alike details group together.
    static func kind(of reason: String) -> (kind: String, detail: String) {
        // Over the UTF-8 bytes: Foundation's `range(of:)` took a third of a second on 10,000 reasons.
        let bytes = Array(reason.utf8)
        var i = 0
        while i + 1 < bytes.count, !((bytes[i] == UInt8(ascii: ":") || bytes[i] == UInt8(ascii: ";")) && bytes[i + 1] == UInt8(ascii: " ")) {
            i += 1
        }
        guard i + 1 < bytes.count else { return (reason, "") }
        return (String(decoding: bytes[..<i], as: UTF8.self), withoutTallies(bytes[(i + 2)...]))
    }

    /// The text without its " (N of M)" parts.
    static func withoutTallies(_ bytes: ArraySlice<UInt8>) -> String {
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            // " (" digits " of " digits ")"
            if bytes[i] == UInt8(ascii: " "), i + 1 < bytes.endIndex, bytes[i + 1] == UInt8(ascii: "(") {
                var j = i + 2
                let firstDigits = j
                while j < bytes.endIndex, isDigit(bytes[j]) { j += 1 }
                if j > firstDigits, Array(bytes[j..<min(j + 4, bytes.endIndex)]) == Array(" of ".utf8) {
                    j += 4
                    let secondDigits = j
                    while j < bytes.endIndex, isDigit(bytes[j]) { j += 1 }
                    if j > secondDigits, j < bytes.endIndex, bytes[j] == UInt8(ascii: ")") {
                        i = j + 1
                        continue
                    }
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What the coordinator can do about each kind of reason, where there is something to do.
    static let fixes: [String: String] = [
        rejectedKind: "Correct the row in the form's sheet (the detail says how; <code>tandem check</code> lists each problem) and run the month again.",
        "allowed partners were all needed for pairs that cover more people, longer waits or better scores":
            "They stay in the queue and rank higher as they wait. More seniors in the areas short of supply (above) would pair them sooner.",
        "no allowed partner": "See the rule that ruled out most partners; where it is the monthly slot, wider available hours help. "
            + "<code>tandem explain EXPORT EMAIL</code> names every partner ruled out and why.",
        "cannot be paired": "Check the answer named (role, experience or consent); a corrected response applies again.",
        "chosen for a pair the scheduler could not fit": "Nothing: the pair lost its slot to another new pair; they are considered again next month.",
        "their pair as a junior partner has completed": "Nothing: a new response from them applies again.",
        "in a running pair as a junior partner": "Nothing: not looking this month.",
        "in a running pair as a senior partner, every place taken": "Nothing: not looking this month.",
        "in a running pair as a senior partner": "Nothing needed: their free places count among the places free.",
    ]

    static let rejectedKind = "the row could not be used"

    struct ReasonGroup {
        var kind: String
        var people = 0, waiting = 0, pastTarget = 0
        var details: [String: Int] = [:]
        var names: [String] = []
    }

    static func unpaired(_ facts: ReportFacts, _ model: Model) -> String {
        var groups: [String: ReasonGroup] = [:]
        let shown = 12
        for row in facts.rejected {
            groups[rejectedKind, default: ReasonGroup(kind: rejectedKind)].people += 1
            for reason in row.reasons { groups[rejectedKind]!.details[reason, default: 0] += 1 }
            if groups[rejectedKind]!.names.count < shown {
                groups[rejectedKind]!.names.append((row.name.isEmpty ? "(no name)" : row.name) + " (line \(row.line))")
            }
        }
        let unmatched = facts.summary.matching.unmatched
        for u in Reports.unmatchedOrder(unmatched).lazy.map({ unmatched[$0] }) {
            let (kind, detail) = kind(of: u.reason)
            // Changed in place: a copy taken out of the dictionary would copy its details at every person.
            groups[kind, default: ReasonGroup(kind: kind)].people += 1
            if u.standing == .waiting { groups[kind]!.waiting += 1 }
            if u.overdue { groups[kind]!.pastTarget += 1 }
            if !detail.isEmpty { groups[kind]!.details[detail, default: 0] += 1 }
            if groups[kind]!.names.count < shown { groups[kind]!.names.append(u.applicant.name) }
        }
        let ordered = groups.values.sorted { ($1.waiting, $1.people, $0.kind) < ($0.waiting, $0.people, $1.kind) }
        var html = "<section id=\"unpaired\" aria-labelledby=\"unpaired-title\">\n<h2 id=\"unpaired-title\">Who is not paired, and why</h2>\n"
        guard !ordered.isEmpty else { return html + "<p>Everyone in the export is in a pair.</p>\n</section>\n" }
        html += "<p>Every row of <code>unmatched.csv</code>, grouped by its reason: people waiting, people in running pairs "
        html += "(not looking this month), juniors whose pair completed, and rows of the export that could not be used.</p>\n"
        html += "<table class=\"reasons\">\n<thead><tr><th scope=\"col\">reason</th><th scope=\"col\">people</th><th scope=\"col\">waiting</th>"
        html += "<th scope=\"col\">past the target</th><th scope=\"col\">what can be done</th></tr></thead>\n<tbody>\n"
        for group in ordered {
            html += "<tr><th scope=\"row\">\(e(group.kind))</th><td>\(group.people)</td><td>\(group.waiting)</td><td>\(group.pastTarget)</td>"
            html += "<td>\(fixes[group.kind] ?? "—")</td></tr>\n"
        }
        let total = ordered.map(\.people).reduce(0, +)
        html += "</tbody>\n<tfoot><tr><th scope=\"row\">all</th><td id=\"figure-unmatched-rows\">\(total)</td>"
        html += "<td>\(ordered.map(\.waiting).reduce(0, +))</td><td>\(ordered.map(\.pastTarget).reduce(0, +))</td><td></td></tr></tfoot>\n</table>\n"
        for group in ordered {
            html += "<h3>\(e(group.kind)): \(group.people) \(group.people == 1 ? "person" : "people")</h3>\n"
            let details = group.details.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            if !details.isEmpty {
                html += "<ul>\n"
                for (detail, n) in details.prefix(8) { html += "<li>\(e(detail)) — \(n)</li>\n" }
                if details.count > 8 { html += "<li>and \(details.count - 8) other details (see <code>unmatched.csv</code>)</li>\n" }
                html += "</ul>\n"
            }
            html += "<p class=\"names\">" + group.names.map(e).joined(separator: "; ")
            html += group.people > group.names.count ? "; and \(group.people - group.names.count) more in <code>unmatched.csv</code>" : ""
            html += "</p>\n"
        }
        html += "</section>\n"
        return html
    }

    static let stageMeaning = [
        "overdue": "pair as many people as possible who have waited past the target",
        "coverage": "then pair as many waiting people as possible",
        "waiting": "then pair those who have waited longest",
        "minimum-score": "then raise the lowest pair score",
        "total-score": "then make the scores' sum as large as possible",
    ]

    static func solver(_ facts: ReportFacts, _ model: Model) -> String {
        let matching = facts.summary.matching
        var html = "<section id=\"solver\" aria-labelledby=\"solver-title\">\n<h2 id=\"solver-title\">How good the pairing is</h2>\n"
        if matching.stages.isEmpty {
            html += "<p id=\"solver-verdict\" class=\"verdict ok\"><strong>Proven optimal.</strong> No pair was allowed by the rules this month, "
            html += "so there was nothing to choose.</p>\n"
        } else if matching.allProvenOptimal {
            html += "<p id=\"solver-verdict\" class=\"verdict ok\"><strong>Proven optimal.</strong> No other choice of pairs, under the same "
            html += "rules, pairs more of the people past the target, more people, or those who waited longer, or gives a better lowest "
            html += "or total score, in that order of priority.</p>\n"
        } else {
            html += "<p id=\"solver-verdict\" class=\"verdict gap\"><strong>Not proven optimal.</strong> The pairs are good but a better choice "
            html += "may exist: "
            let open = matching.stages.filter { !$0.provenOptimal }.map { stage in
                "for the aim to \(stageMeaning[stage.name] ?? stage.name), the pairing is "
                    + (stage.gap.map { "within \(percent($0)) of the best possible" } ?? "not compared with a bound")
            }
            html += open.joined(separator: "; ") + ".</p>\n"
        }
        html += "<p>\(matching.allowedPairs) pairs were allowed by the rules and \(matching.candidatePairs) kept for the solver "
        html += "(each person's best \(facts.summary.candidatesPerPerson)). "
        if facts.summary.rounds > 1 {
            html += "The pairing was solved \(facts.summary.rounds) times: pairs the scheduler could not fit were ruled out and the rest solved again. "
        }
        html += "The stages run in order, each keeping the ones before it at their best.</p>\n"
        if !matching.stages.isEmpty {
            html += "<table>\n<thead><tr><th scope=\"col\">stage</th><th scope=\"col\">aim</th><th scope=\"col\">result</th>"
            html += "<th scope=\"col\">value</th><th scope=\"col\">gap</th></tr></thead>\n<tbody>\n"
            for stage in matching.stages {
                html += "<tr><th scope=\"row\">\(e(stage.name))</th><td>\(stageMeaning[stage.name] ?? "")</td>"
                html += "<td>\(stage.provenOptimal ? "proven optimal" : "not proven") (\(e(stage.status)))</td>"
                html += "<td>\(Reports.trim(stage.objective))</td><td>\(stage.gap.map(percent) ?? "—")</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        html += "</section>\n"
        return html
    }

    // MARK: - Formatting

    static func days(_ value: Double) -> String { SVGChart.count(value) }

    /// A gap as a percentage with two significant digits, as summary.md prints it.
    static func percent(_ gap: Double) -> String { String(format: "%.2g%%", gap * 100) }

    static let style = """
    :root { color: #222222; background: #FFFFFF; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    body { max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; font-size: 15px; }
    h1 { font-size: 1.6rem; margin: 0 0 0.3rem; }
    h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 2px solid #0072B2; }
    code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
    .source { color: #444444; margin-top: 0; }
    .tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 0.75rem; margin: 0; }
    .tile { border: 1px solid #BBBBBB; border-left: 6px solid #0072B2; border-radius: 4px; padding: 0.5rem 0.75rem; }
    .tile.warn { border-left: 6px dashed #D55E00; }
    .tile dt { font-weight: 600; }
    .tile dd { margin: 0; }
    .tile .value { display: block; font-size: 2.1rem; font-weight: 700; line-height: 1.2; }
    .tile .note { display: block; font-size: 0.8rem; color: #444444; }
    figure { margin: 0.8rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
    figcaption { font-size: 0.9rem; color: #333333; margin: 0.3rem 0 0.5rem; }
    svg.chart { width: 100%; height: auto; display: block; font-family: inherit; }
    table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0; }
    th, td { border: 1px solid #CCCCCC; padding: 0.2rem 0.45rem; text-align: left; vertical-align: top; }
    thead th { background: #F0F0F0; }
    table.numbers td { text-align: right; font-variant-numeric: tabular-nums; }
    td.past { font-weight: 700; text-decoration: underline; }
    table.reasons td:nth-child(2), table.reasons td:nth-child(3), table.reasons td:nth-child(4) { text-align: right; }
    h3 { font-size: 0.95rem; margin: 0.9rem 0 0.2rem; }
    #unpaired ul { margin: 0.2rem 0; font-size: 0.85rem; }
    .names { font-size: 0.85rem; color: #333333; }
    .verdict { padding: 0.5rem 0.75rem; border-left: 6px solid #009E73; background: #F3F9F6; }
    .verdict.gap { border-left: 6px dashed #D55E00; background: #FCF3EE; }
    footer { margin-top: 2rem; font-size: 0.8rem; color: #444444; border-top: 1px solid #CCCCCC; }
    @page { size: A4; margin: 14mm; }
    @media print {
      body { max-width: none; margin: 0; font-size: 11pt; }
      .tiles { grid-template-columns: repeat(4, 1fr); }
      section { break-inside: auto; }
      h2 { break-after: avoid; page-break-after: avoid; }
    }
    @media (max-width: 40rem) { .tiles { grid-template-columns: repeat(2, 1fr); } }

    """
}
