import Foundation

/// A folder Tandem writes its outputs into, replacing it as a whole.
///
/// Replacing a folder deletes whatever was in it, so Tandem replaces only a folder it wrote itself,
/// and only while it holds nothing else: each output folder carries a marker file (`.tandem-output`)
/// listing the files Tandem put there. Everything is checked before anything is written, so a
/// mistyped `--out` (`.`, the home folder, the export's own folder, a file) costs nothing.
struct OutputFolder {
    /// The marker's name; the marker lists the folder's files, one relative path a line.
    static let markerName = ".tandem-output"
    static let markerHeading = "# Written by tandem, which replaces this folder as a whole when it runs again. Keep your own files elsewhere.\n"

    /// The folder as given, for messages, and as an absolute path.
    let given: String
    let path: String

    /// Whether the folder may be replaced (false: it must not exist yet).
    enum Use { case replace, createOnly }

    /// Checks that `given` may receive this command's outputs; throws a `Failure` naming the fix otherwise.
    /// - Parameter inputs: the files the command reads or keeps (export, ledger, configuration,
    ///   overrides), by what they are: none of them may lie inside the folder.
    static func checked(_ given: String, inputs: [(what: String, path: String)], use: Use) throws -> OutputFolder {
        let manager = FileManager.default
        let path = absolute(given)
        let folder = OutputFolder(given: given, path: path)
        let target = resolved(path)
        let here = resolved(manager.currentDirectoryPath)
        // $HOME where it is set (the shell's idea of home), and the account's home folder.
        let homes = Set([ProcessInfo.processInfo.environment["HOME"], NSHomeDirectory()].compactMap { $0 }.filter { !$0.isEmpty }.map(resolved))
        if target == "/" || contains(target, here) || homes.contains(where: { contains(target, $0) }) {
            let which = target == here ? "the current folder" : homes.contains(target) ? "your home folder"
                : contains(target, here) ? "a folder that holds the current folder" : "a folder that holds your home folder"
            throw Failure("'\(given)' is \(which); Tandem replaces its output folder as a whole, so give it a folder of its own, such as reports/2026-12")
        }
        for input in inputs where resolved(absolute(input.path)) == target {
            throw Failure("'\(given)' is the \(input.what); give the outputs a folder of their own, such as reports/2026-12")
        }
        for input in inputs where contains(target, resolved(absolute(input.path))) {
            throw Failure("'\(given)' holds the \(input.what) '\(input.path)', which Tandem must not replace; give the outputs a folder of their own, such as reports/2026-12")
        }
        var isFolder: ObjCBool = false
        let isLink = (try? manager.destinationOfSymbolicLink(atPath: path)) != nil
        guard manager.fileExists(atPath: path, isDirectory: &isFolder) || isLink else { return folder }
        if isLink { throw Failure("'\(given)' is a link; give the outputs a real folder of their own") }
        guard isFolder.boolValue else {
            throw Failure("'\(given)' is a file, not a folder; give the outputs a folder name (Tandem creates it)")
        }
        let present = try folder.files()
        if present.isEmpty { return folder }
        if use == .createOnly {
            throw Failure("'\(given)' already exists; give a new folder (this command never replaces one)")
        }
        guard let listed = folder.markerList() else {
            throw Failure("'\(given)' holds files Tandem did not write (such as '\(present.sorted()[0])'); "
                + "Tandem replaces its output folder as a whole, so move them out or give another folder")
        }
        let foreign = present.subtracting(listed).subtracting([markerName]).sorted()
        if let first = foreign.first {
            throw Failure("'\(given)' holds '\(first)'\(foreign.count > 1 ? " and \(foreign.count - 1) more files" : ""), which Tandem did not write; "
                + "Tandem replaces the folder as a whole, so move \(foreign.count > 1 ? "them" : "it") out or give another folder")
        }
        return folder
    }

    /// The marker's text for a folder holding `paths`.
    static func marker(listing paths: [String]) -> [UInt8] {
        Array((markerHeading + paths.sorted().joined(separator: "\n") + (paths.isEmpty ? "" : "\n")).utf8)
    }

    /// The files the marker lists, or nil when there is no marker.
    func markerList() -> Set<String>? {
        guard let data = FileManager.default.contents(atPath: path + "/" + Self.markerName) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        guard lines.first.map({ Self.markerHeading.hasPrefix($0) }) == true else { return nil }
        return Set(lines.dropFirst())
    }

    /// Every file below the folder (links counted as files), as relative paths.
    func files() throws -> Set<String> {
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw Failure("cannot read the folder '\(given)'")
        }
        var found = Set<String>()
        while let relative = walker.nextObject() as? String {
            if walker.fileAttributes?[.type] as? FileAttributeType != .typeDirectory { found.insert(relative) }
        }
        return found
    }

    /// The first of `base`, `base-2`, `base-3`, … that does not exist: a new folder for a command that never replaces one.
    static func fresh(_ base: String) -> String {
        var candidate = base
        var number = 1
        while FileManager.default.fileExists(atPath: candidate) || (try? FileManager.default.destinationOfSymbolicLink(atPath: candidate)) != nil {
            number += 1
            candidate = "\(base)-\(number)"
        }
        return candidate
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The path with every link in it followed, for comparisons (`/tmp/x` and `/private/tmp/x` are one folder).
    static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// Whether `inner` is `outer` or lies below it.
    static func contains(_ outer: String, _ inner: String) -> Bool {
        inner == outer || inner.hasPrefix(outer == "/" ? "/" : outer + "/")
    }
}
