import Foundation
import TandemCalendar
import TandemModel

/// `tandem forget --reports`: finds the files under the reports folder that still name a forgotten
/// person and, in Tandem's own output folders only (those with a `.tandem-output` marker), removes
/// them: a file named after them goes; a CSV, Markdown or text file loses the lines naming them; a
/// calendar loses the events naming them; a page has their name and address replaced. Anything else
/// (a coordinator's own file) is only listed.
///
/// Text is searched as written and, for calendars, with RFC 5545's line folding undone. Text inside
/// base64 (the e-mail drafts and outbox messages to their partners) is not searched: those folders are
/// for sending, and are best deleted once sent.
enum ReportScrubber {
    struct Found {
        let path: String
        /// Inside a folder Tandem wrote (a `.tandem-output` marker in it or above it, under the reports folder).
        let ownFolder: Bool
        let namedAfter: Bool
    }

    static func files(naming needles: [String], under root: String, except: String) -> [Found] {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: root) else { return [] }
        let stems = needles.filter { $0.contains("@") }.map { SafeFileName.make(EmailAddress($0).key) }
        var found: [Found] = []
        for case let relative as String in walker {
            let path = root + "/" + relative
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
                  !path.hasPrefix(except + "/") else { continue }
            let name = (relative as NSString).lastPathComponent
            let namedAfter = stems.contains { name.contains($0) }
            guard namedAfter || mentions(path, needles) else { continue }
            found.append(Found(path: path, ownFolder: isOwn(path, root: root), namedAfter: namedAfter))
        }
        return found.sorted { $0.path < $1.path }
    }

    static func mentions(_ path: String, _ needles: [String]) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        let text = String(decoding: data, as: UTF8.self)
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\n ", with: "")
        return needles.contains { !$0.isEmpty && (text.range(of: $0, options: .caseInsensitive) != nil
                                                  || unfolded.range(of: $0, options: .caseInsensitive) != nil) }
    }

    static func isOwn(_ path: String, root: String) -> Bool {
        var folder = (path as NSString).deletingLastPathComponent
        while folder.hasPrefix(root) {
            if FileManager.default.fileExists(atPath: folder + "/" + OutputFolder.markerName) { return true }
            if folder == root { break }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return false
    }

    /// Cleans one file; returns what was done, for the list.
    static func scrub(_ file: Found, naming needles: [String]) -> String {
        guard file.ownFolder else { return " — not in a Tandem folder: left for you" }
        if file.namedAfter {
            return (try? FileManager.default.removeItem(atPath: file.path)) != nil ? " — deleted" : " — could not be deleted"
        }
        guard let data = FileManager.default.contents(atPath: file.path) else { return " — could not be read" }
        let text = String(decoding: data, as: UTF8.self)
        func names(_ s: some StringProtocol) -> Bool {
            let unfolded = s.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\n ", with: "")
            return needles.contains { !$0.isEmpty && unfolded.range(of: $0, options: .caseInsensitive) != nil }
        }
        let cleaned: String
        let isMarker = (file.path as NSString).lastPathComponent == OutputFolder.markerName
        switch isMarker ? "txt" : (file.path as NSString).pathExtension.lowercased() {
        case "csv", "md", "txt", "tsv":
            let separator = text.contains("\r\n") ? "\r\n" : "\n"
            cleaned = text.components(separatedBy: separator).filter { !names($0) }.joined(separator: separator)
        case "ics":
            var kept: [String] = [], event: [String]? = nil
            for line in text.components(separatedBy: "\r\n") {
                if line == "BEGIN:VEVENT" { event = [line]; continue }
                if var open = event {
                    open.append(line)
                    if line == "END:VEVENT" {
                        if !names(open.joined(separator: "\r\n")) { kept += open }
                        event = nil
                    } else {
                        event = open
                    }
                    continue
                }
                kept.append(line)
            }
            cleaned = kept.joined(separator: "\r\n")
        case "html", "htm", "json":
            cleaned = needles.reduce(text) { $0.replacingOccurrences(of: $1, with: "[removed]", options: .caseInsensitive) }
        default:
            return " — left for you (\((file.path as NSString).pathExtension) files are not edited)"
        }
        guard (try? Data(cleaned.utf8).write(to: URL(fileURLWithPath: file.path), options: .atomic)) != nil else { return " — could not be written" }
        return mentions(file.path, needles) ? " — cleaned, but it still names them: check it by hand" : " — cleaned"
    }
}
