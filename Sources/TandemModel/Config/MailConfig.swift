/// `[mail]`: how `tandem send` hands messages over. With the table present, runs and change commands
/// also write each participant's message to their folder's `outbox/` and queue it in the ledger;
/// without it, nothing is queued and the outputs are as before.
public struct MailConfig: Sendable, Hashable, Decodable {
    /// The sendmail-compatible program and its arguments: the message on standard input, the
    /// recipients read from its headers (`-t`). msmtp relays through the organisation's server with its
    /// own login, so Tandem never holds a password.
    public var sendmail = "/usr/sbin/sendmail -t -i"
    /// How long one message may take (seconds, 5–600). A program still running then is stopped, and
    /// the message is marked "unknown": it may have gone, so it is never re-sent without being asked.
    public var timeoutSeconds = 60

    public init() {}

    enum CodingKeys: String, CodingKey, CaseIterable {
        case sendmail
        case timeoutSeconds = "timeout_seconds"
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sendmail = try c.decodeIfPresent(String.self, forKey: .sendmail) ?? sendmail
        timeoutSeconds = try c.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? timeoutSeconds
        if command.isEmpty {
            throw ConfigError(file: "", line: nil, message: "mail.sendmail: give the program, such as \"/usr/sbin/sendmail -t -i\" "
                + "or \"msmtp -C /home/coordinator/.msmtprc -t -i\"")
        }
        guard (5...600).contains(timeoutSeconds) else {
            throw ConfigError(file: "", line: nil, message: "mail.timeout_seconds: must be 5 to 600, not \(timeoutSeconds)")
        }
    }

    /// The program and its arguments: split at spaces, a "…" or '…' part kept whole.
    public var command: [String] {
        var parts: [String] = [], current = "", quote: Character? = nil, started = false
        for ch in sendmail {
            if let q = quote {
                if ch == q { quote = nil } else { current.append(ch) }
            } else if ch == "\"" || ch == "'" {
                quote = ch
                started = true
            } else if ch == " " || ch == "\t" {
                if started || !current.isEmpty { parts.append(current) }
                current = ""
                started = false
            } else {
                current.append(ch)
            }
        }
        if started || !current.isEmpty { parts.append(current) }
        return parts
    }
}
