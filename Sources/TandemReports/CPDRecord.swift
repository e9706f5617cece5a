import TandemModel

/// One participant's mentoring as continuing professional development: each pair they were in, as an
/// activity with its sessions, ready for a portfolio (HCPC-style: dated activities, what was learnt,
/// how practice changed, the benefit to service users). Made by the ledger, rendered here as a
/// printable page and as CSV rows for portfolio tools.
public struct CPDRecord: Sendable, Hashable {
    public struct Session: Sendable, Hashable {
        public var number: Int
        public var count: Int
        public var title: String
        public var agenda: String
        /// "Tuesday 5 January 2027, 14:00–15:00" in the participant's own zone.
        public var when: String
        /// YYYY-MM-DD in the participant's zone, for the CSV.
        public var date: String
        public var minutes: Int
        /// held, missed, cancelled, or scheduled (still to come).
        public var state: String
        public var note: String

        public init(number: Int, count: Int, title: String, agenda: String, when: String, date: String, minutes: Int, state: String, note: String) {
            (self.number, self.count, self.title, self.agenda, self.when, self.date, self.minutes, self.state, self.note)
                = (number, count, title, agenda, when, date, minutes, state, note)
        }
    }

    public struct Activity: Sendable, Hashable {
        /// "mentor" or "mentee".
        public var role: String
        public var partnerName: String
        public var partnerEmail: String
        public var monthFormed: String
        /// The pair on the record's day: running, completed, or ended early (with when and why).
        public var status: String
        public var sessions: [Session]
        /// What the pair agreed as objectives, as the coordinator recorded them (empty: not recorded).
        public var objectives = ""

        public init(role: String, partnerName: String, partnerEmail: String, monthFormed: String, status: String, sessions: [Session]) {
            (self.role, self.partnerName, self.partnerEmail, self.monthFormed, self.status, self.sessions)
                = (role, partnerName, partnerEmail, monthFormed, status, sessions)
        }

        public var minutesHeld: Int { sessions.filter { $0.state == "held" }.map(\.minutes).reduce(0, +) }
    }

    public var schemeName: String
    public var coordinatorName: String
    public var name: String
    public var email: String
    public var jobTitle: String
    public var organisation: String
    public var timeZone: String
    /// What they hoped to get out of the mentorship, from their response (empty when not kept).
    public var hopes: String
    public var activities: [Activity]

    public init(schemeName: String, coordinatorName: String, name: String, email: String, jobTitle: String, organisation: String,
                timeZone: String, hopes: String, activities: [Activity]) {
        (self.schemeName, self.coordinatorName, self.name, self.email, self.jobTitle, self.organisation, self.timeZone, self.hopes,
         self.activities) = (schemeName, coordinatorName, name, email, jobTitle, organisation, timeZone, hopes, activities)
    }

    /// "12 h 30 min", "1 h".
    static func hours(_ minutes: Int) -> String {
        minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min"
    }

    /// One row per session, for portfolio tools and spreadsheets: date, hours, type, description, role, partner, state.
    public func csv() -> [UInt8] {
        var csv = CSVWriter(header: ["date", "hours", "type", "description", "role", "partner", "partner_email", "state"])
        for activity in activities {
            for session in activity.sessions {
                let hours = session.state == "held" ? String(format: "%.2f", Double(session.minutes) / 60) : "0"
                csv.append([session.date, hours, "Mentoring (\(schemeName))",
                            "Session \(session.number) of \(session.count): \(session.title)", activity.role,
                            activity.partnerName, activity.partnerEmail, session.state])
            }
        }
        return csv.bytes
    }

    /// A printable A4 page: nothing fetched, no script, every answer escaped.
    public func html() -> String {
        let e = HTMLText.escape
        var page = """
            <!DOCTYPE html>
            <html lang="en-GB"><head><meta charset="utf-8"><title>CPD record: \(e(name))</title>
            <style>
            @page { size: A4; margin: 14mm; }
            body { font: 10pt/1.35 system-ui, sans-serif; color: #222; max-width: 48em; margin: 1em auto; }
            h1 { font-size: 1.4em; margin: 0 0 0.2em; } h2 { font-size: 1.1em; margin: 1em 0 0.3em; border-bottom: 1px solid #888; }
            p { margin: 0.3em 0; }
            table { border-collapse: collapse; width: 100%; margin: 0.4em 0; } th, td { border: 1px solid #aaa; padding: 0.2em 0.4em; text-align: left; vertical-align: top; }
            .field { border: 1px solid #888; min-height: 3.2em; margin: 0.2em 0 0.6em; padding: 0.3em; }
            .agenda { font-size: 0.85em; color: #444; }
            .fields { break-inside: avoid-page; }
            </style></head><body>
            <h1>Continuing professional development: mentoring</h1>
            <p><strong>\(e(name))</strong> &lt;\(e(email))&gt;\(jobTitle.isEmpty ? "" : ", " + e(jobTitle))\(organisation.isEmpty ? "" : ", " + e(organisation))<br>
            Scheme: \(e(schemeName)). Times are in \(e(timeZone)).</p>
            <p>The scheme is reciprocal: each pair has a mentor (senior partner) and a mentee (junior partner), and learning goes
            both ways. Six monthly sessions: getting to know each other, setting objectives, three two-way discussions in which
            the partners take turns to lead, and a reflection.</p>

            """
        if activities.isEmpty { page += "<p>No mentoring pair is recorded for this person in the dates asked for.</p>\n" }
        for activity in activities {
            page += "<section>\n<h2>\(activity.role == "mentor" ? "Mentor" : "Mentee") to \(e(activity.partnerName)), from \(e(activity.monthFormed))</h2>\n"
            page += "<p>Partner: \(e(activity.partnerName)) &lt;\(e(activity.partnerEmail))&gt;. Pair: \(e(activity.status)). "
            page += "Time held: <strong>\(Self.hours(activity.minutesHeld))</strong>.</p>\n"
            page += "<table><thead><tr><th scope=\"col\">session</th><th scope=\"col\">when</th><th scope=\"col\">length</th><th scope=\"col\">held?</th></tr></thead><tbody>\n"
            for session in activity.sessions {
                let state = session.note.isEmpty ? session.state : "\(session.state): \(session.note)"
                page += "<tr><td>\(session.number) of \(session.count): \(e(session.title))"
                page += session.agenda.isEmpty ? "" : "<div class=\"agenda\">\(e(session.agenda))</div>"
                page += "</td><td>\(e(session.when))</td><td>\(session.minutes) min</td><td>\(e(state))</td></tr>\n"
            }
            page += "</tbody></table>\n</section>\n"
        }
        page += "<section class=\"fields\">\n<h2>Objectives</h2>\n"
        page += "<p>What I hoped to get out of the mentorship, when I applied:</p>\n"
        // Line by line: `escape` shows a line break as a visible mark, as it must inside one line of text.
        page += "<div class=\"field\">\(hopes.split(separator: "\n", omittingEmptySubsequences: false).map { e(String($0)) }.joined(separator: "<br>"))</div>\n"
        let agreed = activities.map(\.objectives).filter { !$0.isEmpty }
        page += "<p>The objectives we agreed:</p><div class=\"field\">"
        page += agreed.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map { e(String($0)) }.joined(separator: "<br>") }
            .joined(separator: "<br><br>")
        page += "</div>\n</section>\n"
        page += "<section class=\"fields\">\n<h2>Reflection</h2>\n"
        for prompt in ["What I learnt", "How my practice changed", "The benefit to service users (patients, clients, colleagues)",
                       "Evidence (notes, plans, feedback) and where it is kept"] {
            page += "<p>\(prompt):</p><div class=\"field\"></div>\n"
        }
        page += "</section>\n<section class=\"fields\">\n<h2>Confirmation</h2>\n"
        page += "<p>I confirm that the sessions marked held took place as part of the \(e(schemeName)).</p>\n"
        page += "<p>For the scheme: \(e(coordinatorName)). Signed: ____________________ Date: ____________</p>\n</section>\n"
        return page + "</body></html>\n"
    }
}
