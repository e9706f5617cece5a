import Foundation
import TandemLedger
import TandemTestSupport
import Testing

/// `tandem replies`: calendar answers as the four common clients write them (fixtures written from
/// RFC 5546 §3.2.3, RFC 6047 and each client's documented form), and hostile ones.
@Suite(.serialized) struct RepliesTests {
    typealias CLI = CommandLineTests

    /// A proposed pair as its REQUEST file names it.
    struct Proposed {
        var uid: String
        var senior: String
        var junior: String
        var seniorName: String
    }

    /// A scheme with acceptance on (the mentor accepts) and mail queued, its January proposed.
    static func scheme() throws -> (folder: URL, pairs: [Proposed]) {
        let folder = try CLI.temporaryFolder()
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("a.csv").path)
        try Data("[acceptance]\nrequired = \"senior\"\nreply_days = 14\n[mail]\nsendmail = \"/bin/cat\"\n".utf8)
            .write(to: folder.appendingPathComponent("s.toml"))
        let run = try CLI.tandem(["run", "a.csv", "--month", "2027-01", "--out", "jan", "--today", "2026-12-15"] + common, in: folder)
        try #require(run.status == 0, "\(run.err)")
        let files = CLI.files(under: folder.appendingPathComponent("jan")).filter { $0.key.hasPrefix("calendars/pairs/") }
        let pairs = files.keys.sorted().map { path -> Proposed in
            let lines = String(decoding: files[path]!, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n")
            let uid = String(lines.first { $0.hasPrefix("UID:") }!.dropFirst(4))
            let attendees = lines.filter { $0.hasPrefix("ATTENDEE") }.prefix(2).map { String($0[$0.range(of: "mailto:")!.upperBound...]) }
            let name = lines.first { $0.hasPrefix("ATTENDEE") }!.components(separatedBy: "CN=")[1].components(separatedBy: ";")[0]
            return Proposed(uid: uid, senior: attendees[0], junior: attendees[1], seniorName: name)
        }
        return (folder, pairs)
    }

    static let common = ["--ledger", "l.sqlite", "--config", "s.toml"]

    /// An iTIP REPLY calendar. `method: false` leaves METHOD out (some clients put it only in the MIME part).
    static func calendar(uid: String, attendee: String, answer: String, stamp: String, sequence: Int = 0, cn: String = "Someone",
                         comment: String? = nil, occurrence: String? = nil, method: Bool = true, extra: [String] = []) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test client//EN"] + (method ? ["METHOD:REPLY"] : [])
        lines += ["BEGIN:VEVENT", "UID:\(uid)", "DTSTAMP:\(stamp)", "SEQUENCE:\(sequence)"]
        if let occurrence { lines.append("RECURRENCE-ID;TZID=Europe/London:\(occurrence)") }
        lines.append("ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=\(answer);CN=\"\(cn)\":\(attendee)")
        if let comment { lines.append("COMMENT:\(comment)") }
        lines += extra + ["ORGANIZER;CN=Scheme coordinator:mailto:coordinator@example.org", "END:VEVENT", "END:VCALENDAR"]
        return fold(lines).joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 5545 folding at 75 octets.
    static func fold(_ lines: [String]) -> [String] {
        lines.flatMap { line -> [String] in
            var bytes = Array(line.utf8), out: [String] = []
            while bytes.count > 75 {
                var cut = 75
                while cut > 0 && bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
                out.append(String(decoding: bytes[..<cut], as: UTF8.self))
                bytes = [0x20] + bytes[cut...]
            }
            return out + [String(decoding: bytes, as: UTF8.self)]
        }
    }

    static func base64(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { k in
            String(encoded.dropFirst(k).prefix(76))
        }.joined(separator: "\r\n")
    }

    /// Quoted-printable as Apple Mail writes it: `=XX` for `=` and non-ASCII, soft breaks at 76.
    static func quotedPrintable(_ text: String) -> String {
        var out = "", line = ""
        for byte in Array(text.utf8) {
            let piece: String
            if byte == 0x0A { out += line + "\n"; line = ""; continue }
            if byte == 0x0D { continue }
            piece = (byte >= 33 && byte <= 126 && byte != 61) || byte == 32 ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
            if line.count + piece.count > 75 { out += line + "=\n"; line = "" }
            line += piece
        }
        return out + line
    }

    /// Outlook (Exchange): multipart/alternative, the calendar base64 with method=REPLY, MAILTO in capitals.
    static func outlook(_ calendar: String, from: String) -> String {
        """
        From: <\(from.uppercased())>\r
        To: Scheme coordinator <coordinator@example.org>\r
        Subject: Accepted: Mentoring\r
        Date: Wed, 16 Dec 2026 10:15:00 +0000\r
        Message-ID: <outlook-\(abs(calendar.hashValue))@exchange.example>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/alternative;\r
        \tboundary="_000_OUTLOOK_"\r
        \r
        --_000_OUTLOOK_\r
        Content-Type: text/plain; charset="us-ascii"\r
        Content-Transfer-Encoding: quoted-printable\r
        \r
        \r
        --_000_OUTLOOK_\r
        Content-Type: text/calendar; charset="utf-8"; method=REPLY\r
        Content-Transfer-Encoding: base64\r
        \r
        \(base64(calendar))\r
        \r
        --_000_OUTLOOK_--\r

        """
    }

    /// Google Calendar: multipart/mixed of (text, html, text/calendar 7bit) and the same calendar attached as invite.ics.
    static func google(_ calendar: String, from: String) -> String {
        """
        From: Someone <\(from)>\r
        To: coordinator@example.org\r
        Subject: Declined: Mentoring\r
        Date: Thu, 17 Dec 2026 09:00:00 +0000\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="000000000000aaaa"\r
        \r
        --000000000000aaaa\r
        Content-Type: multipart/alternative; boundary="000000000000bbbb"\r
        \r
        --000000000000bbbb\r
        Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes\r
        Content-Transfer-Encoding: base64\r
        \r
        \(base64("Someone has declined this invitation."))\r
        --000000000000bbbb\r
        Content-Type: text/html; charset="UTF-8"\r
        \r
        <p>Someone has declined this invitation.</p>\r
        --000000000000bbbb\r
        Content-Type: text/calendar; charset="UTF-8"; method=REPLY\r
        Content-Transfer-Encoding: 7bit\r
        \r
        \(calendar)\r
        --000000000000bbbb--\r
        --000000000000aaaa\r
        Content-Type: application/ics; name="invite.ics"\r
        Content-Disposition: attachment; filename="invite.ics"\r
        Content-Transfer-Encoding: base64\r
        \r
        \(base64(calendar))\r
        --000000000000aaaa--\r

        """
    }

    /// Apple Mail / iCloud: quoted-printable, METHOD only in the MIME part's method=.
    static func apple(_ calendar: String, from: String) -> String {
        """
        From: =?utf-8?Q?J=C3=BCrgen?= <\(from)>\r
        To: coordinator@example.org\r
        Subject: Invitation: Mentoring (Maybe)\r
        Mime-Version: 1.0 (Mac OS X Mail 16.0)\r
        Content-Type: multipart/alternative; boundary=Apple-Mail-1\r
        \r
        --Apple-Mail-1\r
        Content-Transfer-Encoding: quoted-printable\r
        Content-Type: text/plain; charset=utf-8\r
        \r
        Maybe.\r
        --Apple-Mail-1\r
        Content-Transfer-Encoding: quoted-printable\r
        Content-Type: text/calendar; charset=utf-8; method=REPLY; name=iCal-20261216-120000.ics\r
        \r
        \(quotedPrintable(calendar))\r
        --Apple-Mail-1--\r

        """
    }

    /// Thunderbird: saved on Linux (LF line ends), the calendar 8bit UTF-8, attached again as invite.ics.
    static func thunderbird(_ calendar: String, from: String) -> String {
        let lf = calendar.replacingOccurrences(of: "\r\n", with: "\n")
        return """
            From: Someone <\(from)>
            To: coordinator@example.org
            Subject: Accepted: Mentoring
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="------------tb01"

            This is a multi-part message in MIME format.
            --------------tb01
            Content-Type: text/plain; charset=UTF-8; format=flowed
            Content-Transfer-Encoding: 8bit

            Jürgen has answered.

            --------------tb01
            Content-Type: text/calendar; charset=UTF-8; method=REPLY
            Content-Transfer-Encoding: 8bit

            \(lf)
            --------------tb01
            Content-Type: application/ics; name="invite.ics"
            Content-Disposition: attachment; filename="invite.ics"
            Content-Transfer-Encoding: base64

            \(base64(calendar).replacingOccurrences(of: "\r\n", with: "\n"))

            --------------tb01--

            """
    }

    /// An mbox of `messages` (each "From " line as Thunderbird writes it).
    static func mbox(_ messages: [String]) -> String {
        messages.map { "From - Wed Dec 16 10:15:00 2026\n" + $0.replacingOccurrences(of: "\r\n", with: "\n") + "\n" }.joined()
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    static func replies(_ files: [String], in folder: URL, today: String = "2026-12-20") throws -> CLI.Result {
        try CLI.tandem(["replies"] + files + ["--today", today] + common, in: folder)
    }

    /// Each client's reply recorded as it should be: Outlook's accept (capital MAILTO), Google's decline
    /// with a comment and a folded UTF-8 name (dissolves the pair), Apple's tentative (METHOD only in the
    /// MIME part, quoted-printable), Thunderbird's answer to one session (not an answer to the proposal),
    /// a bare .ics; then the same files again change nothing.
    @Test func theFourClientsRepliesAreRecorded() throws {
        let (folder, pairs) = try Self.scheme()
        defer { try? FileManager.default.removeItem(at: folder) }
        try #require(pairs.count >= 5)
        let (p0, p1, p2, p3, p4) = (pairs[0], pairs[1], pairs[2], pairs[3], pairs[4])
        try Self.write(Self.outlook(Self.calendar(uid: p0.uid, attendee: "MAILTO:" + p0.senior.uppercased(), answer: "ACCEPTED",
                                                  stamp: "20261216T101500Z", comment: "\\n"), from: p0.senior), "outlook.eml", in: folder)
        try Self.write(Self.google(Self.calendar(uid: p1.uid, attendee: "mailto:" + p1.senior, answer: "DECLINED", stamp: "20261217T090000Z",
                                                 cn: "Zoë Ó Briain-Ní Dhomhnaill with a long name to fold", comment: "Sorry\\, on leave until March",
                                                 extra: ["X-NUM-GUESTS:0"]), from: p1.senior), "google.eml", in: folder)
        try Self.write(Self.apple(Self.calendar(uid: p2.uid, attendee: "mailto:" + p2.junior, answer: "TENTATIVE", stamp: "20261216T120000Z",
                                                cn: "Jürgen", method: false), from: p2.junior), "apple.eml", in: folder)
        try Self.write(Self.thunderbird(Self.calendar(uid: p3.uid, attendee: "mailto:" + p3.senior, answer: "DECLINED", stamp: "20261216T130000Z",
                                                      occurrence: "20270209T180000"), from: p3.senior), "thunderbird.eml", in: folder)
        try Self.write(Self.calendar(uid: p4.uid, attendee: "Mailto:" + p4.senior, answer: "ACCEPTED", stamp: "20261218T080000Z"), "p4.ics", in: folder)
        let first = try Self.replies(["outlook.eml", "google.eml", "apple.eml", "thunderbird.eml", "p4.ics"], in: folder)
        #expect(first.status == 0, "\(first.out)\n\(first.err)")
        #expect(first.out.contains("Recorded 4: 2 pairs now stand, 1 dissolved by a decline, 1 tentative"), "\(first.out)")
        #expect(first.out.contains("Not recorded, an answer to one session only: 1") && first.out.contains("thunderbird.eml"), "\(first.out)")
        let status = try CLI.tandem(["status", "--today", "2026-12-20"] + Self.common, in: folder).out
        #expect(status.contains("declined by \(pairs[1].seniorName) in their calendar: Sorry, on leave until March"), "\(status)")
        #expect(status.contains("(tentative)") || status.contains(p2.senior), "\(status)")
        let changes = CLI.files(under: folder.appendingPathComponent("reports/changes"))
        #expect(changes.keys.filter { $0.contains("/calendars/confirmations/pairs/") }.count == 2, "\(changes.keys.sorted())")
        #expect(changes.keys.filter { $0.contains("/calendars/cancellations/pairs/") }.count == 1, "\(changes.keys.sorted())")
        #expect(changes.keys.filter { $0.contains("/outbox/") }.count == 6, "two confirmations and one cancellation, to both partners")

        let again = try Self.replies(["outlook.eml", "google.eml", "apple.eml", "thunderbird.eml", "p4.ics"], in: folder)
        #expect(again.status == 0 && again.out.contains("Recorded 0") && again.out.contains("Not recorded, the same reply again: 5"), "\(again.out)")
        // Later: Outlook's accepting mentor declines the first version (SEQUENCE 0, now 1), and a stranger answers.
        try Self.write(Self.mbox([
            Self.outlook(Self.calendar(uid: p0.uid, attendee: "mailto:" + p0.senior, answer: "DECLINED", stamp: "20261219T101500Z"), from: p0.senior),
            Self.outlook(Self.calendar(uid: p2.uid, attendee: "mailto:intruder@example.com", answer: "ACCEPTED", stamp: "20261219T101500Z"),
                         from: "intruder@example.com"),
            Self.outlook(Self.calendar(uid: "tandem-other-scheme-series@elsewhere.org", attendee: "mailto:" + p2.senior, answer: "ACCEPTED",
                                       stamp: "20261219T101500Z"), from: p2.senior),
            "Subject: broken\nContent-Type: multipart/mixed\n\nno boundary at all\n",
            Self.outlook("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nDTSTAMP:20261219T101500Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", from: p2.senior),
        ]), "later.mbox", in: folder)
        // Data rights: the person's proposals and replies are in their export, and forgetting them leaves no trace in the replies.
        let export = try CLI.tandem(["export-person", p0.senior, "--ledger", "l.sqlite"], in: folder)
        #expect(export.out.contains("\"calendar_replies\"") && export.out.contains("\"outcome\" : \"recorded\"")
                && export.out.contains("\"your_answer\" : \"accepted\""), "\(export.out)")

        let later = try Self.replies(["later.mbox", "reply.msg"], in: folder)
        #expect(later.status == 1 && later.err.contains("reply.msg: Outlook's .msg is Microsoft's own format"), "\(later.err)")
        #expect(later.out.contains("Recorded 0"), "\(later.out)")
        for expected in ["an answer to an earlier version of the invitation: 1", "not from a partner of the pair: 1",
                         "not an invitation of this scheme: 1", "later.mbox, message 4: a multipart message without its boundary",
                         "later.mbox, message 5: a VEVENT without UID"] {
            #expect(later.out.contains(expected), "\(expected)\n\(later.out)")
        }
        let forget = try CLI.tandem(["forget", p1.senior, "--reason", "asked", "--today", "2026-12-21", "--ledger", "l.sqlite"], in: folder)
        #expect(forget.status == 0, "\(forget.err)")
        let dump = try Ledger(existing: folder.appendingPathComponent("l.sqlite").path).dump().lowercased()
        #expect(!dump.contains(p1.senior.lowercased()), "the forgotten person's address is left in the ledger")
    }

    /// 10,000 copies of one reply record it once; a 50 MB mailbox with one reply at its end is read; a
    /// kill inside the transaction leaves the ledger as it was, and the same command again gives the
    /// same result as if it had never been killed.
    @Test func manyCopiesLargeMailboxesAndAKill() throws {
        let (folder, pairs) = try Self.scheme()
        defer { try? FileManager.default.removeItem(at: folder) }
        let accept = Self.outlook(Self.calendar(uid: pairs[0].uid, attendee: "mailto:" + pairs[0].senior, answer: "ACCEPTED",
                                                stamp: "20261216T101500Z"), from: pairs[0].senior)
        try Self.write(Self.mbox(Array(repeating: accept, count: 10_000)), "copies.mbox", in: folder)
        let filler = "From: a@example.org\nSubject: minutes\nContent-Type: text/plain\n\n" + String(repeating: "Lorem ipsum dolor sit amet.\n", count: 380)
        let decline = Self.google(Self.calendar(uid: pairs[1].uid, attendee: "mailto:" + pairs[1].senior, answer: "DECLINED",
                                                stamp: "20261217T090000Z"), from: pairs[1].senior)
        try Self.write(Self.mbox(Array(repeating: filler, count: 5_000) + [decline]), "big.mbox", in: folder)
        let size = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("big.mbox").path)[.size] as! Int
        #expect(size > 50 << 20, "\(size)")

        let ledger = folder.appendingPathComponent("l.sqlite").path
        let before = try Ledger(existing: ledger).dump()
        let paused = try PausedCommand.start(CLI.binary, ["replies", "copies.mbox", "big.mbox", "--today", "2026-12-20"] + Self.common,
                                             in: folder, at: "replies-inside-transaction")
        #expect(paused.reached)
        PausedCommand.kill(paused.process)
        #expect(try Ledger(existing: ledger).integrityCheck() == "ok")
        #expect(try Ledger(existing: ledger).dump() == before)

        let run = try Self.replies(["copies.mbox", "big.mbox"], in: folder)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("Read 2 files, 15,001 messages") || run.out.contains("Read 2 files, 15001 messages"), "\(run.out)")
        #expect(run.out.contains("Recorded 2: 1 pair now stands, 1 dissolved by a decline") && run.out.contains("the same reply again: 9999"),
                "\(run.out)")
    }
}
