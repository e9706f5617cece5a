import TandemModel

/// What a run's reports say about proposals when `[acceptance]` is on: the run's new proposals and
/// their deadline, the earlier ones still waiting (overdue first), those decided since the previous
/// run, and each earlier month's answers with its acceptance rate.
public struct ProposalSummary: Sendable, Hashable {
    public struct Open: Sendable, Hashable {
        public var senior: String
        public var junior: String
        public var deadline: LocalDate
        /// Whose answer is missing ("Ann Lee", or "Ann Lee (tentative)").
        public var waitingFor: String

        public init(senior: String, junior: String, deadline: LocalDate, waitingFor: String) {
            self.senior = senior; self.junior = junior; self.deadline = deadline; self.waitingFor = waitingFor
        }
    }

    public struct Decided: Sendable, Hashable {
        public var senior: String
        public var junior: String
        /// accepted, declined or expired.
        public var state: String
        public var reason: String
        public var on: String

        public init(senior: String, junior: String, state: String, reason: String, on: String) {
            self.senior = senior; self.junior = junior; self.state = state; self.reason = reason; self.on = on
        }
    }

    /// The proposals one month's run made, and what became of them so far.
    public struct Month: Sendable, Hashable {
        public var month: YearMonth
        public var proposed, accepted, declined, expired: Int

        public init(month: YearMonth, proposed: Int, accepted: Int, declined: Int, expired: Int) {
            self.month = month; self.proposed = proposed; self.accepted = accepted; self.declined = declined; self.expired = expired
        }

        public var waiting: Int { proposed - accepted - declined - expired }

        /// Accepted among those answered or expired; nil while none is.
        public var acceptanceRate: Double? {
            let decided = accepted + declined + expired
            return decided == 0 ? nil : Double(accepted) / Double(decided)
        }
    }

    /// The run's day (`--today`) and the deadline of its own new proposals.
    public var today: LocalDate
    public var deadline: LocalDate
    public var open: [Open]
    public var decided: [Decided]
    public var months: [Month]

    public init(today: LocalDate, deadline: LocalDate, open: [Open] = [], decided: [Decided] = [], months: [Month] = []) {
        self.today = today; self.deadline = deadline; self.open = open; self.decided = decided; self.months = months
    }

    static func rate(_ value: Double?) -> String { value.map { "\(Int(($0 * 100).rounded())) %" } ?? "—" }

    /// The `## Proposals` section of summary.md; `made`: this run's new pairs.
    func markdown(made: Int) -> String {
        var md = "\n## Proposals (the mentor accepts)\n\n"
        md += "- This run proposes **\(made) new pairs**: each partner gets one invitation for the six sessions, to answer by "
        md += "\(deadline); a run after that day dissolves those still unanswered\n"
        let overdue = open.filter { $0.deadline < today }
        md += "- Waiting from earlier runs: \(open.count)" + (overdue.isEmpty ? "\n" : " (\(overdue.count) overdue)\n")
        for proposal in open.sorted(by: { ($0.deadline, $0.senior) < ($1.deadline, $1.senior) }) {
            let days = proposal.deadline.daysSinceEpoch - today.daysSinceEpoch
            md += "  - \(Reports.cell(proposal.senior)) and \(Reports.cell(proposal.junior)): waiting for \(Reports.cell(proposal.waitingFor)), "
            md += days < 0 ? "overdue by \(-days) days\n" : "\(days) days left (by \(proposal.deadline))\n"
        }
        for state in ["accepted", "declined", "expired"] {
            let these = decided.filter { $0.state == state }
            md += "- \(state.prefix(1).uppercased() + state.dropFirst()) since the last run: \(these.count)\n"
            for proposal in these where state != "accepted" {
                md += "  - \(Reports.cell(proposal.senior)) and \(Reports.cell(proposal.junior)), \(proposal.on): \(Reports.cell(proposal.reason))\n"
            }
        }
        if !months.isEmpty {
            md += "\n| month proposed | proposed | accepted | declined | expired | waiting | acceptance rate |\n|---|---|---|---|---|---|---|\n"
            for m in months {
                md += "| \(m.month) | \(m.proposed) | \(m.accepted) | \(m.declined) | \(m.expired) | \(m.waiting) | \(Self.rate(m.acceptanceRate)) |\n"
            }
            md += "\nThe acceptance rate counts the accepted among those accepted, declined or expired.\n"
        }
        return md
    }

    /// The "Proposals" section of report.html.
    func html(made: Int) -> String {
        let e = HTMLText.escape
        var html = "<section id=\"proposals\" aria-labelledby=\"proposals-title\">\n<h2 id=\"proposals-title\">Proposals: the mentor accepts</h2>\n"
        html += "<p>This run proposes \(made) new pairs, to be answered by \(deadline). Waiting from earlier runs: \(open.count); "
        html += "since the last run \(decided.filter { $0.state == "accepted" }.count) accepted, \(decided.filter { $0.state == "declined" }.count) "
        html += "declined, \(decided.filter { $0.state == "expired" }.count) expired.</p>\n"
        if !open.isEmpty {
            html += "<table class=\"numbers\" id=\"proposals-waiting\">\n<thead><tr><th scope=\"col\">pair</th><th scope=\"col\">waiting for</th>"
            html += "<th scope=\"col\">deadline</th><th scope=\"col\">days left</th></tr></thead>\n<tbody>\n"
            for proposal in open.sorted(by: { ($0.deadline, $0.senior) < ($1.deadline, $1.senior) }) {
                let days = proposal.deadline.daysSinceEpoch - today.daysSinceEpoch
                html += "<tr><th scope=\"row\">\(e(proposal.senior)) &amp; \(e(proposal.junior))</th><td>\(e(proposal.waitingFor))</td>"
                html += "<td>\(proposal.deadline)</td><td>\(days < 0 ? "overdue by \(-days)" : "\(days)")</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        let ended = decided.filter { $0.state != "accepted" }
        if !ended.isEmpty {
            html += "<ul id=\"proposals-ended\">\n"
            for proposal in ended {
                html += "<li>\(e(proposal.senior)) &amp; \(e(proposal.junior)): \(proposal.state) on \(e(proposal.on)) — \(e(proposal.reason))</li>\n"
            }
            html += "</ul>\n"
        }
        if !months.isEmpty {
            html += "<table class=\"numbers\" id=\"acceptance-rate\">\n<caption>Proposals by the month of their run, and the acceptance rate "
            html += "(accepted among those accepted, declined or expired)</caption>\n<thead><tr><th scope=\"col\">month</th><th scope=\"col\">proposed</th>"
            html += "<th scope=\"col\">accepted</th><th scope=\"col\">declined</th><th scope=\"col\">expired</th><th scope=\"col\">waiting</th>"
            html += "<th scope=\"col\">acceptance rate</th></tr></thead>\n<tbody>\n"
            for m in months.reversed() {
                html += "<tr data-month=\"\(m.month)\"><th scope=\"row\">\(m.month)</th><td>\(m.proposed)</td><td>\(m.accepted)</td><td>\(m.declined)</td>"
                html += "<td>\(m.expired)</td><td>\(m.waiting)</td><td>\(Self.rate(m.acceptanceRate))</td></tr>\n"
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</section>\n"
    }
}
