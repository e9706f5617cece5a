import Foundation
import TandemModel
import TandemScheduling

/// Where each calendar goes, relative to the run folder. Every name made from an e-mail passes through
/// `SafeFileName`, so nothing typed in a form can write outside the folder; two e-mails that would make
/// the same name (`a+b@x.org`, `a_b@x.org`) are told apart by a short hash of the e-mail.
public struct CalendarLayout: Sendable {
    /// E-mail key → file stem (the `.ics` and `.eml` names without extension).
    public private(set) var stems: [String: String] = [:]

    public init(people: [SessionPartner]) {
        let keys = Set(people.map(\.key)).sorted()
        var count: [String: Int] = [:]
        for key in keys { count[SafeFileName.make(key), default: 0] += 1 }
        for key in keys {
            let base = SafeFileName.make(key)
            stems[key] = count[base]! > 1 || base == "coordinator" || base == "pairs"
                ? String(base.prefix(100)) + "-" + String(StableHash.hex(key).prefix(8)) : base
        }
    }

    public init(sessions: [ScheduledSession]) {
        self.init(people: sessions.flatMap { [$0.senior, $0.junior] })
    }

    /// `calendars/<safe e-mail>.ics` (under `folder` for update and cancellation files).
    public func participantPath(_ key: String, folder: String = "calendars") -> String {
        "\(folder)/\(stems[key] ?? SafeFileName.make(key)).ics"
    }

    /// A person's file stem.
    public func stem(_ key: String) -> String { stems[key] ?? SafeFileName.make(key) }

    /// `calendars/pairs/<senior>--<junior>.ics`.
    public func pairPath(senior: String, junior: String, folder: String = "calendars") -> String {
        "\(folder)/pairs/\(stems[senior] ?? SafeFileName.make(senior))--\(stems[junior] ?? SafeFileName.make(junior)).ics"
    }

    /// `calendars/coordinator.ics`.
    public func coordinatorPath(folder: String = "calendars") -> String { "\(folder)/coordinator.ics" }
}

/// Writes RFC 5545 calendars: one per participant (all their sessions with every partner), one per
/// pair and one for the coordinator (every event), all `METHOD:PUBLISH`.
///
/// Participants' files carry no `ORGANIZER` or `ATTENDEE`: with them, Outlook treats an imported file
/// as a meeting invitation. Names and e-mails are in each event's `DESCRIPTION` instead.
/// `DTSTAMP` is the `stamp` passed in, never the clock, so equal inputs give byte-identical files.
public enum CalendarWriter {
    /// The DTSTAMP the pipeline uses: 00:00:00 UTC on the first day of the run month.
    public static func stamp(for runMonth: YearMonth) -> Int64 {
        Int64(runMonth.firstDay.daysSinceEpoch) * 86_400
    }

    /// All calendar files of a schedule, sorted by path.
    public static func files(for schedule: ScheduleResult, config: SchemeConfig, stamp: Int64) -> [OutputFile] {
        lazyFiles(for: schedule, config: config, stamp: stamp).map(\.file)
    }

    /// All calendar files of a schedule, sorted by path, each made only when it is read (see `OutputFiles`).
    public static func lazyFiles(for schedule: ScheduleResult, config: SchemeConfig, stamp: Int64) -> [OutputFiles.Entry] {
        lazyFiles(for: schedule.allSessions, config: config, stamp: stamp, kind: .publish)
    }

    /// The calendar files of stored sessions (for instance re-made from a ledger), sorted by path.
    public static func files(for sessions: [ScheduledSession], config: SchemeConfig, stamp: Int64) -> [OutputFile] {
        files(for: sessions, config: config, stamp: stamp, kind: .publish)
    }

    /// What a file is for: first publication, an update of moved sessions, or cancellations.
    enum Kind: Sendable {
        case publish, update, cancel
        /// An iTIP invitation to answer (a proposed pair's series, `SeriesWriter`).
        case request

        var folder: String {
            switch self {
            case .publish, .request: return "calendars"
            case .update: return "calendars/updates"
            case .cancel: return "calendars/cancellations"
            }
        }

        var method: String {
            switch self {
            case .publish, .update: return "PUBLISH"
            case .cancel: return "CANCEL"
            case .request: return "REQUEST"
            }
        }
    }

    static func files(for sessions: [ScheduledSession], config: SchemeConfig, stamp: Int64, kind: Kind) -> [OutputFile] {
        lazyFiles(for: sessions, config: config, stamp: stamp, kind: kind).map(\.file)
    }

    static func lazyFiles(for sessions: [ScheduledSession], config: SchemeConfig, stamp: Int64, kind: Kind) -> [OutputFiles.Entry] {
        let source = CalendarSource(sessions, config: config, stamp: stamp, kind: kind)
        let ordered = source.sessions
        let layout = CalendarLayout(sessions: ordered)
        var byPerson: [String: [Int]] = [:]
        var names: [String: String] = [:]
        var byPair: [String: [Int]] = [:]
        for (position, session) in ordered.enumerated() {
            byPerson[session.senior.key, default: []].append(position)
            byPerson[session.junior.key, default: []].append(position)
            names[session.senior.key] = session.senior.name
            names[session.junior.key] = session.junior.name
            byPair[layout.pairPath(senior: session.senior.key, junior: session.junior.key, folder: kind.folder), default: []]
                .append(position)
        }
        var out: [OutputFiles.Entry] = []
        for (key, positions) in byPerson {
            let name = "Mentoring sessions — \(names[key] ?? key)"
            source.willUse(positions)
            out.append(OutputFiles.Entry(path: layout.participantPath(key, folder: kind.folder)) { source.document(positions, name: name) })
        }
        for (path, positions) in byPair {
            let first = ordered[positions[0]]
            let name = "Mentoring sessions — \(first.senior.name) & \(first.junior.name)"
            source.willUse(positions)
            out.append(OutputFiles.Entry(path: path) { source.document(positions, name: name) })
        }
        out += coordinatorFile(source, path: layout.coordinatorPath(folder: kind.folder))
        return out.sorted { $0.path < $1.path }
    }

    /// The coordinator's calendar of every session in `source` (none when it has none).
    static func coordinatorFile(_ source: CalendarSource, path: String) -> [OutputFiles.Entry] {
        guard !source.sessions.isEmpty else { return [] }
        let name = "\(source.config.scheme.name) — all sessions"
        source.willUse(Array(source.sessions.indices))
        return [OutputFiles.Entry(path: path) { source.document(Array(source.sessions.indices), name: name) }]
    }

    /// A whole `VCALENDAR`: header, one `VTIMEZONE` per `TZID` used, the events in order (`event(k)`
    /// gives the `k`th session's `VEVENT`).
    /// `events`: how many events to ask `event` for when `sessions` holds more than the events (a
    /// series' moved sessions also at their original times, whose zones' rules must be included too).
    static func document(_ sessions: [ScheduledSession], name: String, kind: Kind, zones: ZoneTables, events: Int? = nil,
                         event: (Int) -> [UInt8]) -> [UInt8] {
        var doc = ICalDocument()
        doc.line("BEGIN", "VCALENDAR")
        doc.line("VERSION", "2.0")
        doc.line("PRODID", "-//Tandem//Mentoring scheduler 1.0//EN")
        doc.line("CALSCALE", "GREGORIAN")
        doc.line("METHOD", kind.method)
        doc.text("X-WR-CALNAME", name)
        var spans: [String: (from: Int64, to: Int64)] = [:]
        for session in sessions {
            let span = spans[session.timeZone] ?? (session.start, session.end)
            spans[session.timeZone] = (min(span.from, session.start), max(span.to, session.end))
        }
        for zone in spans.keys.sorted() {
            if let list = zones.observances(zone, from: spans[zone]!.from, to: spans[zone]!.to) {
                TimeZoneComponent.write(zone, list, into: &doc)
            }
        }
        for k in 0..<(events ?? sessions.count) { doc.append(event(k)) }
        doc.line("END", "VCALENDAR")
        return doc.bytes
    }

    static func event(_ session: ScheduledSession, config: SchemeConfig, stamp: Int64, kind: Kind, zones: ZoneTables?,
                      into doc: inout ICalDocument) {
        doc.line("BEGIN", "VEVENT")
        doc.text("UID", session.uid)
        doc.line("DTSTAMP", ICalTime.utc(stamp))
        doc.line("SEQUENCE", String(session.sequence))
        if let zones, let startOffset = zones.offset(session.timeZone, at: session.start),
           let endOffset = zones.offset(session.timeZone, at: session.end) {
            // Local times from the same observances the VTIMEZONE lists, so the two always agree.
            let tzid = ICalText.parameter(session.timeZone)
            doc.line("DTSTART;TZID=\(tzid)", ICalTime.stamp(session.start + Int64(startOffset)))
            doc.line("DTEND;TZID=\(tzid)", ICalTime.stamp(session.end + Int64(endOffset)))
        } else {
            doc.line("DTSTART", ICalTime.utc(session.start))
            doc.line("DTEND", ICalTime.utc(session.end))
        }
        doc.text("SUMMARY", summary(session))
        doc.text("DESCRIPTION", description(session, config: config, zones: zones))
        doc.text("LOCATION", session.location)
        doc.line("STATUS", kind == .cancel ? "CANCELLED" : "CONFIRMED")
        doc.line("TRANSP", "OPAQUE")
        if kind == .cancel {
            let cn = ICalText.parameter(config.scheme.coordinatorName)
            doc.line("ORGANIZER;CN=\(cn)", "mailto:" + ICalText.bare(config.scheme.coordinatorEmail))
        } else {
            for minutes in config.sessions.alarmMinutes {
                doc.line("BEGIN", "VALARM")
                doc.line("ACTION", "DISPLAY")
                doc.text("DESCRIPTION", "Reminder: " + summary(session))
                doc.line("TRIGGER", "-PT\(minutes)M")
                doc.line("END", "VALARM")
            }
        }
        doc.line("END", "VEVENT")
    }

    /// "Mentoring 3/6: Two-way discussion, led by Ann Example — Ben Example & Ann Example".
    /// "Tuesday 9 March 2027, 18:00–19:00 for Ann Lee (Europe/London), 13:00–14:00 for Sam Roe
    /// (America/New_York)": the session in each partner's own zone, when they live in different
    /// ones. The event is the same in both partners' files, so it names both; a calendar client
    /// shows it in its own zone anyway, and this line is what a reader of the text sees.
    static func localTimes(_ session: ScheduledSession, zones: ZoneTables) -> String? {
        let partners = [session.senior, session.junior]
        guard partners.contains(where: { $0.timeZone != session.timeZone }) else { return nil }
        var parts: [String] = []
        for partner in partners {
            guard let start = zones.offset(partner.timeZone, at: session.start), let end = zones.offset(partner.timeZone, at: session.end)
            else { return nil }
            parts.append("\(DateText.span(from: session.start + Int64(start), to: session.end + Int64(end))) for \(partner.name) (\(partner.timeZone))")
        }
        return "In each partner's time: " + parts.joined(separator: "; ") + "."
    }

    static func summary(_ session: ScheduledSession) -> String {
        var text = "Mentoring \(session.number)/\(session.count): \(session.title)"
        if let leader = session.leader { text += ", led by \(leader.name)" }
        return text + " — \(session.senior.name) & \(session.junior.name)"
    }

    static func description(_ session: ScheduledSession, config: SchemeConfig, zones: ZoneTables? = nil) -> String {
        var lines: [String] = []
        lines.append("\(session.schemeName): session \(session.number) of \(session.count) — \(session.title).")
        if let zones, let times = localTimes(session, zones: zones) { lines.append(times) }
        if let lead = session.lead, let leader = session.leader {
            lines.append("Led by \(leader.name) (\(lead == .junior ? "junior" : "senior") partner).")
        }
        lines.append("")
        if !session.agenda.isEmpty { lines += ["Agenda: \(session.agenda)", ""] }
        if !session.prepare.isEmpty { lines += ["To prepare: \(session.prepare)", ""] }
        lines.append("Senior partner: \(session.senior.name) <\(session.senior.email)>")
        lines.append("Junior partner: \(session.junior.name) <\(session.junior.email)>")
        lines.append("")
        lines.append("Your sessions repeat monthly: \(session.pattern).")
        lines.append("To change a date, agree it with your partner and tell the coordinator, "
            + "\(config.scheme.coordinatorName) <\(config.scheme.coordinatorEmail)>.")
        return lines.joined(separator: "\n")
    }
}

/// The sessions and settings that every calendar file of one set shares. Each file's closure holds this one
/// object and its sessions' positions, not its own copy of the sessions and the configuration.
///
/// A session's `VEVENT` is the same in every file that holds it (both partners' calendars, the pair's,
/// the coordinator's), so each is made once, kept until the files announced with `willUse` have all
/// taken it, then dropped: the text of the many events is not made four times, nor kept all at once.
final class CalendarSource: @unchecked Sendable {
    /// In (start, UID) order, the order of the events in every file.
    let sessions: [ScheduledSession]
    let config: SchemeConfig
    let stamp: Int64
    let kind: CalendarWriter.Kind
    let zones: ZoneTables
    /// Made events, and how many announced uses each has left; guarded by `lock`.
    private var events: [[UInt8]?]
    private var usesLeft: [Int32]
    private let lock = NSLock()

    init(_ sessions: [ScheduledSession], config: SchemeConfig, stamp: Int64, kind: CalendarWriter.Kind) {
        self.sessions = sessions.sorted { ($0.start, $0.uid) < ($1.start, $1.uid) }
        self.config = config
        self.stamp = stamp
        self.kind = kind
        zones = ZoneTables(self.sessions)
        events = Array(repeating: nil, count: sessions.count)
        usesLeft = Array(repeating: 0, count: sessions.count)
    }

    /// Announces a file that will hold the sessions at `positions` (an unannounced use still works:
    /// its events are made again).
    func willUse(_ positions: [Int]) {
        lock.lock()
        for p in positions { usesLeft[p] += 1 }
        lock.unlock()
    }

    /// The `VEVENT` of the session at `position`.
    func event(_ position: Int) -> [UInt8] {
        lock.lock()
        if let made = events[position] {
            usesLeft[position] -= 1
            if usesLeft[position] <= 0 { events[position] = nil }
            lock.unlock()
            return made
        }
        lock.unlock()
        let session = sessions[position]
        var doc = ICalDocument()
        CalendarWriter.event(session, config: config, stamp: stamp, kind: kind,
                             zones: zones.knows(session.timeZone) ? zones : nil, into: &doc)
        lock.lock()
        usesLeft[position] -= 1
        if usesLeft[position] > 0 { events[position] = doc.bytes }
        lock.unlock()
        return doc.bytes
    }

    /// The calendar of the sessions at `positions` (ascending, so the events stay in order).
    func document(_ positions: [Int], name: String) -> [UInt8] {
        CalendarWriter.document(positions.map { sessions[$0] }, name: name, kind: kind, zones: zones) { event(positions[$0]) }
    }

    /// One participant's calendar (`calendars/<e-mail>.ics`) from the positions of their sessions, as
    /// attached to their e-mail.
    func participantDocument(_ key: String, positions: [Int]) -> [UInt8] {
        let first = positions.first.map { sessions[$0] }
        let name = first.map { $0.senior.key == key ? $0.senior.name : $0.junior.name } ?? key
        return document(positions, name: "Mentoring sessions — \(name)")
    }
}

/// Files for sessions that change after they were sent.
///
/// Updates use `METHOD:PUBLISH`, not `REQUEST`: these files are imported (or opened from an e-mail),
/// not sent by a calendar server, and RFC 5546 requires `ORGANIZER` and `ATTENDEE` in a `REQUEST` —
/// with them Outlook shows an invitation to answer instead of updating the copy the participant
/// already has. A `PUBLISH` with the same `UID` and a higher `SEQUENCE` replaces the earlier event in
/// Outlook, Apple Calendar and Google Calendar's import.
///
/// Cancellations use `METHOD:CANCEL` with `STATUS:CANCELLED`, the same `UID`, `SEQUENCE` + 1 and the
/// coordinator as `ORGANIZER` (RFC 5546 requires an organizer on a cancel). Attendees are left out on
/// purpose, as in the original events; strict RFC 5546 readers may want them.
public enum CalendarChanges {
    /// A stored session and the instant (Unix seconds, UTC) it moves to.
    public struct Move: Sendable, Hashable {
        public var session: ScheduledSession
        public var newStart: Int64

        public init(session: ScheduledSession, newStart: Int64) {
            self.session = session
            self.newStart = newStart
        }
    }

    /// The sessions as they are now (to store) and the files that tell everyone.
    public struct ChangeSet: Sendable {
        public var sessions: [ScheduledSession]
        public var files: [OutputFile]
    }

    /// Moved sessions: same `UID`, `SEQUENCE` + 1, new times, exactly those events, under
    /// `calendars/updates/` (participants, pairs, coordinator).
    public static func reschedule(_ moves: [Move], config: SchemeConfig, stamp: Int64) -> ChangeSet {
        let updated = moves.map { $0.session.moved(toStart: $0.newStart) }
        return ChangeSet(sessions: updated, files: CalendarWriter.files(for: updated, config: config, stamp: stamp, kind: .update))
    }

    /// The update files of sessions already moved (their new times and SEQUENCE), under `calendars/updates/`.
    public static func updateFiles(_ moved: [ScheduledSession], config: SchemeConfig, stamp: Int64) -> [OutputFile] {
        CalendarWriter.files(for: moved, config: config, stamp: stamp, kind: .update)
    }

    /// The cancellation files of sessions already cancelled (SEQUENCE raised), under `calendars/cancellations/`.
    public static func cancellationFiles(_ cancelled: [ScheduledSession], config: SchemeConfig, stamp: Int64) -> [OutputFile] {
        CalendarWriter.files(for: cancelled, config: config, stamp: stamp, kind: .cancel)
    }

    /// Cancelled sessions (a pair that ended early): exactly those events, under `calendars/cancellations/`.
    public static func cancel(_ sessions: [ScheduledSession], config: SchemeConfig, stamp: Int64) -> ChangeSet {
        let cancelled = sessions.map { session -> ScheduledSession in
            var copy = session
            copy.sequence += 1
            return copy
        }
        return ChangeSet(sessions: cancelled, files: CalendarWriter.files(for: cancelled, config: config, stamp: stamp, kind: .cancel))
    }
}
