import Foundation
import TandemTestSupport
import Testing

/// Whether msmtp and the test server's Python packages are here.
enum MailSetup {
    static let ready: Bool = {
        let msmtp = ["/usr/bin/msmtp", "/usr/local/bin/msmtp"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        return msmtp && (try? HostileInputTests.python("import aiosmtpd, icalendar", []))??.status == 0
    }()
}

/// `tandem send` through Debian's msmtp to a real SMTP server on 127.0.0.1 (scripts/smtp_test_server.py,
/// aiosmtpd): every message received once, faults reported and retried without duplicates, and each
/// message as RFC 6047 wants it, read by Python's `email` and `icalendar`.
@Suite(.serialized, .enabled(if: MailSetup.ready, "needs msmtp (apt-get install msmtp) and python3 with aiosmtpd and icalendar; .ci/run installs them"))
struct SendTests {
    typealias CLI = CommandLineTests

    /// A test server: started on a free port, stopped by `stop()`.
    final class Server {
        let process = Process()
        let spool: URL
        let port: Int

        init(in folder: URL, name: String, reject: [String] = [], drop: [String] = [], stall: [String] = []) throws {
            spool = folder.appendingPathComponent(name)
            let portFile = folder.appendingPathComponent(name + ".port")
            var arguments = ["python3", CLI.repoRoot.appendingPathComponent("scripts/smtp_test_server.py").path,
                             "--spool", spool.path, "--port-file", portFile.path, "--stall-seconds", "8"]
            for (flag, list) in [("--reject", reject), ("--drop", drop), ("--stall", stall)] { for a in list { arguments += [flag, a] } }
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var waited = 0
            while !FileManager.default.fileExists(atPath: portFile.path) && waited < 100 {
                Thread.sleep(forTimeInterval: 0.1)
                waited += 1
            }
            port = Int((try? String(contentsOf: portFile, encoding: .utf8)) ?? "") ?? 0
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
        }

        /// The messages received, by Message-ID: how many times each.
        var received: [String: Int] {
            var counts: [String: Int] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? [] where name.hasSuffix(".eml") {
                let text = (try? String(contentsOf: spool.appendingPathComponent(name), encoding: .utf8)) ?? ""
                let id = text.split(separator: "\r\n").first { $0.hasPrefix("Message-ID: ") }.map { String($0.dropFirst(12)) } ?? name
                counts[id, default: 0] += 1
            }
            return counts
        }
    }

    /// A scheme folder whose configuration sends through msmtp to `port`.
    static func scheme(port: Int) throws -> URL {
        let folder = try CLI.temporaryFolder()
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("apps.csv").path)
        try pointMsmtp(folder, at: port)
        try Data("[mail]\nsendmail = \"msmtp -C '\(folder.path)/msmtprc' -t -i\"\ntimeout_seconds = 5\n".utf8)
            .write(to: folder.appendingPathComponent("scheme.toml"))
        return folder
    }

    static func pointMsmtp(_ folder: URL, at port: Int) throws {
        let path = folder.appendingPathComponent("msmtprc")
        try Data("defaults\nauth off\ntls off\naccount test\nhost 127.0.0.1\nport \(port)\nfrom coordinator@mentoring.example.org\naccount default : test\n".utf8)
            .write(to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path)
    }

    static let ledger = ["--ledger", "ledger.sqlite", "--config", "scheme.toml"]

    @Test func everyMessageArrivesOnceThroughFaultsAndRetries() throws {
        let down = try Server(in: CLI.temporaryFolder(), name: "probe")
        let downPort = down.port
        down.stop() // a port nobody listens on now
        let folder = try Self.scheme(port: downPort)
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try CLI.tandem(["run", "apps.csv", "--month", "2027-01", "--out", "jan"] + Self.ledger, in: folder)
        try #require(run.status == 0, "\(run.err)")
        let outbox = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("jan/outbox").path)
        let pairs = try String(contentsOf: folder.appendingPathComponent("jan/pairs.csv"), encoding: .utf8)
            .replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        let people = Set(pairs.flatMap { [$0[0], $0[2]] })
        #expect(outbox.count == people.count, "one message per participant")

        // The server is down: the first three fail, nothing is lost, the coordinator is told.
        let failed = try CLI.tandem(["send", "--limit", "3", "--today", "2026-12-20"] + Self.ledger, in: folder)
        #expect(failed.status == 1 && failed.out.contains("Sent 0, failed 3, unknown 0; \(people.count) left to send"), "\(failed.out)\(failed.err)")
        #expect(failed.out.contains("msmtp refused it"))

        // Up, refusing one recipient, dropping the connection for another once, stalling past the timeout for a third.
        let juniors = pairs.map { $0[2] }
        let (rejected, dropped, stalled) = (juniors[0], juniors[1], juniors[2])
        let server = try Server(in: folder, name: "spool", reject: [rejected], drop: [dropped], stall: [stalled])
        defer { server.stop() }
        try Self.pointMsmtp(folder, at: server.port)
        let first = try CLI.tandem(["send", "--today", "2026-12-20"] + Self.ledger, in: folder)
        #expect(first.status == 1)
        #expect(first.out.contains("failed: \(rejected) — msmtp refused it") && first.out.contains("550 5.1.1"), "\(first.out)")
        #expect(first.out.contains("failed: \(dropped) — msmtp refused it"), "\(first.out)")
        #expect(first.out.contains("unknown: \(stalled) — msmtp did not finish within 5 s"), "\(first.out)")
        #expect(first.out.contains("Sent \(people.count - 3), failed 2, unknown 1; 2 left to send"), "\(first.out)")
        let status = try CLI.tandem(["status", "--today", "2026-12-20"] + Self.ledger, in: folder)
        #expect(status.out.contains("E-mail not yet sent: 2 failed, 1 unknown"), "\(status.out)")

        // Again: the dropped one goes now, the refused one fails again, the unknown one is left alone.
        let second = try CLI.tandem(["send", "--today", "2026-12-20"] + Self.ledger, in: folder)
        #expect(second.out.contains("Sent 1, failed 1, unknown 1; 1 left to send"), "\(second.out)")
        Thread.sleep(forTimeInterval: 8) // the stalled delivery completes on the server
        let received = server.received
        #expect(received.values.allSatisfy { $0 == 1 }, "duplicates: \(received.filter { $0.value > 1 })")
        // Everyone but the refused recipient; the stalled one only if the server kept what it had (its fate is "unknown").
        #expect((people.count - 2 ... people.count - 1).contains(received.count), "\(received.count) of \(people.count)")

        // Killed while the mail program has a message: that one is unknown (listed, not re-sent), the others go.
        let move = try CLI.tandem(["move", pairs[5][0], pairs[5][2], "--session", "3", "--next-free", "--today", "2027-02-10"] + Self.ledger, in: folder)
        let to = try #require(move.out.split(separator: "\n").first { $0.hasPrefix("  --to \"") }.map { String($0.dropFirst(8).prefix(16)) })
        let moved = try CLI.tandem(["move", pairs[5][0], pairs[5][2], "--session", "3", "--to", to, "--today", "2027-02-10"] + Self.ledger, in: folder)
        #expect(moved.out.contains("2 messages queued: tandem send delivers them"), "\(moved.out)\(moved.err)")
        let paused = try PausedCommand.start(CLI.binary, ["send", "--month", "2027-02", "--today", "2027-02-10"] + Self.ledger, in: folder,
                                             at: "message-sending")
        #expect(paused.reached)
        PausedCommand.kill(paused.process)
        let after = try CLI.tandem(["send", "--month", "2027-02", "--today", "2027-02-10"] + Self.ledger, in: folder)
        #expect(after.out.contains("tandem stopped while it was being sent; ask whether it arrived"), "\(after.out)")
        #expect(after.out.contains("Sent 1, failed 0, unknown 1; 0 left to send"), "\(after.out)")
        #expect(server.received.values.allSatisfy { $0 == 1 })
        #expect(server.received.count == received.count + 1, "the update to one partner arrived; the other was stopped before it went")
        try Self.checkStructure(server.spool)
    }

    /// Each received message parsed by Python's `email`: From, To, Date, Message-ID; a text part; an inline
    /// `text/calendar` whose `method=` equals the calendar's METHOD, read by `icalendar`; the same calendar attached.
    static func checkStructure(_ spool: URL) throws {
        let script = """
            import sys, glob, email, icalendar
            from email import policy
            n = 0
            for path in sorted(glob.glob(sys.argv[1] + '/*.eml')):
                m = email.message_from_bytes(open(path, 'rb').read(), policy=policy.default)
                for h in ('From', 'To', 'Date', 'Message-ID', 'Subject'):
                    assert m[h], (path, h)
                assert m['From'].addresses[0].addr_spec == 'coordinator@mentoring.example.org', m['From']
                parts = [p for p in m.walk() if not p.is_multipart()]
                types = [p.get_content_type() for p in parts]
                assert types == ['text/plain', 'text/calendar', 'application/ics'], (path, types)
                assert 'Dear ' in parts[0].get_content(), path
                inline = parts[1].get_payload(decode=True)
                assert inline == parts[2].get_payload(decode=True), path
                cal = icalendar.Calendar.from_ical(inline)
                assert str(cal['METHOD']) == parts[1].get_param('method'), (path, cal['METHOD'], parts[1].get_param('method'))
                assert parts[2].get_filename() == 'mentoring-sessions.ics'
                n += 1
            print(n)
            """
        let result = try #require(try HostileInputTests.python(script, [spool.path]))
        #expect(result.status == 0, "\(result.out)")
        #expect((Int(result.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 0, "\(result.out)")
    }

    @Test func badMailSettingsSendNothingAndSayWhy() throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: CLI.sample, toPath: folder.appendingPathComponent("apps.csv").path)
        try Data("[mail]\nsendmail = \"/nonexistent/sendmail -t -i\"\n".utf8).write(to: folder.appendingPathComponent("scheme.toml"))
        #expect(try CLI.tandem(["run", "apps.csv", "--month", "2027-01", "--out", "jan"] + Self.ledger, in: folder).status == 0)
        let missing = try CLI.tandem(["send"] + Self.ledger, in: folder)
        #expect(missing.status == 1 && missing.err.contains("no mail program '/nonexistent/sendmail'") && missing.err.contains("nothing was sent"),
                "\(missing.err)")
        try Data("[mail]\ntimeout_seconds = 1\n".utf8).write(to: folder.appendingPathComponent("scheme.toml"))
        let timeout = try CLI.tandem(["send"] + Self.ledger, in: folder)
        #expect(timeout.status == 1 && timeout.err.contains("mail.timeout_seconds: must be 5 to 600"), "\(timeout.err)")
        try Data("[scheme]\nname = \"x\"\n".utf8).write(to: folder.appendingPathComponent("scheme.toml"))
        let none = try CLI.tandem(["send"] + Self.ledger, in: folder)
        #expect(none.status == 1 && none.err.contains("has no [mail] table"), "\(none.err)")
        // Without [mail] a run queues nothing and writes no outbox (the outputs are as before).
        #expect(try CLI.tandem(["run", "apps.csv", "--month", "2027-01", "--out", "jan2", "--ledger", "other.sqlite"], in: folder).status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("jan2/outbox").path))
    }
}
