/// Text from a form export is untrusted: an answer can hold terminal escape codes (`ESC [31m`), a
/// bell, a NUL, C1 controls or a bidi override that reverses what a reader sees. None of them may
/// reach a report, a calendar, the ledger's printed history or the coordinator's terminal, so every
/// writer passes text through `VisibleText.clean`, which replaces each such character by a visible
/// stand-in: the Unicode "control picture" for C0 controls and DEL (`␛`, `␇`, `␀`), and `�` for
/// C1 controls and the invisible direction marks and overrides. A tab becomes a space.
public enum VisibleText {
    /// Whether `text` holds anything `clean` would replace (line feeds count only when `keepingLineBreaks` is false).
    public static func needsCleaning(_ text: String, keepingLineBreaks: Bool = false) -> Bool {
        // Fast path over the UTF-8 bytes: every character `clean` replaces starts with a byte below
        // 0x20, 0x7F, 0xC2 (C1 controls), 0xD8 (the Arabic letter mark) or 0xE2 (the marks and overrides).
        let quick = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.allSatisfy { byte in byte >= 0x20 && byte != 0x7F && byte != 0xC2 && byte != 0xD8 && byte != 0xE2 || (keepingLineBreaks && byte == 0x0A) }
        }
        if quick == true { return false }
        return text.unicodeScalars.contains { replacement(for: $0, keepingLineBreaks: keepingLineBreaks) != nil }
    }

    /// `text` with every control character and invisible direction override replaced by a visible
    /// stand-in. With `keepingLineBreaks`, every kind of line break (CR LF, CR, VT, FF, NEL, U+2028,
    /// U+2029) becomes one line feed; otherwise they are replaced too, so the text stays on one line.
    public static func clean(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard needsCleaning(text, keepingLineBreaks: keepingLineBreaks) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (i, scalar) in scalars.enumerated() {
            if keepingLineBreaks && scalar == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { continue }
            if let stand = replacement(for: scalar, keepingLineBreaks: keepingLineBreaks) {
                out.append(stand)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The stand-in for one scalar, or nil when it is shown as it is.
    static func replacement(for scalar: Unicode.Scalar, keepingLineBreaks: Bool) -> Unicode.Scalar? {
        if keepingLineBreaks {
            switch scalar.value {
            case 0x0A: return nil
            case 0x0B...0x0D, 0x85, 0x2028, 0x2029: return "\n"
            default: break
            }
        }
        switch scalar.value {
        case 0x09: return " "                                            // a tab is only white space
        case 0x00...0x1F: return Unicode.Scalar(0x2400 + scalar.value)   // ␀ … ␟ (␊ for a line feed)
        case 0x7F: return "\u{2421}"                                     // ␡
        case 0x80...0x9F: return "\u{FFFD}"                              // C1 controls
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:   // direction marks, embeddings, overrides, isolates
            return "\u{FFFD}"
        case 0x2028, 0x2029: return "\u{2424}"                           // line and paragraph separators, on one line
        default: return nil
        }
    }
}

/// Text from the form shown in a Markdown file (summary.md): whatever Markdown would interpret — an
/// HTML tag (`<script>`), a link or image (`[x](javascript:…)`), emphasis, an entity, a table's `|` —
/// is escaped with a backslash (CommonMark lets any ASCII punctuation be escaped so), so a
/// previewer shows the characters as typed and runs nothing. Line breaks become spaces: an answer
/// stays in its list item or table cell. Control characters are `VisibleText.clean`'s job, after.
public enum MarkdownText {
    /// The characters escaped: every one that starts or ends a Markdown construct mid-line.
    /// (A link or image needs its brackets, so parentheses stay as typed.)
    static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "&"]

    public static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            if character == "\n" || character == "\r" || character == "\r\n" {
                out.append(" ")
                continue
            }
            if special.contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
