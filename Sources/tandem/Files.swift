import Foundation
import TandemIngest
import TandemMatching
import TandemModel
import TandemScheduling

/// All file-system work of the executable: reading inputs, and writing a run's outputs so that a
/// crash never leaves a half-written folder.
enum Files {
    static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw Failure(exists ? "cannot read the \(what) '\(path)'" : "the \(what) '\(path)' does not exist")
        }
        return [UInt8](data)
    }

    static func config(_ path: String?) throws -> SchemeConfig {
        guard let path else { return SchemeConfig() }
        let bytes = try read(path, what: "configuration file")
        do {
            return try SchemeConfig.load(toml: String(decoding: bytes, as: UTF8.self), file: path)
        } catch {
            throw Failure(error.description)
        }
    }

    static func encoding(_ name: String?) -> TextEncoding? { name.flatMap(parseEncoding) }

    /// The scheme's bank holidays: `holidays/<holiday_file>` beside the configuration file, or under `data/`.
    static func holidays(config: SchemeConfig, configPath: String?) throws -> (holidays: [LocalDate: String], note: String?) {
        let name = config.sessions.holidayFile
        guard !name.isEmpty else { return ([:], nil) }
        var folders = ["data/holidays"]
        if let configPath {
            folders.insert(URL(fileURLWithPath: configPath).deletingLastPathComponent().appendingPathComponent("holidays").path, at: 0)
        }
        for folder in folders {
            let path = folder + "/" + name
            if FileManager.default.fileExists(atPath: path) {
                let text = String(decoding: try read(path, what: "holiday file"), as: UTF8.self)
                do {
                    return (try HolidayCalendar.parse(text, file: path), nil)
                } catch {
                    throw Failure("\(error)")
                }
            }
        }
        return ([:], "warning: no holiday file '\(name)' found in \(folders.joined(separator: " or ")); sessions may fall on bank holidays")
    }

    static func overrides(_ path: String?) throws -> Overrides {
        guard let path else { return Overrides() }
        let text = String(decoding: try read(path, what: "overrides file"), as: UTF8.self)
        let (overrides, diagnostics) = OverridesFile.parse(text, file: path)
        if let error = diagnostics.first(where: { $0.severity == .error }) {
            throw Failure(error.description)
        }
        return overrides
    }

    /// Writes `files` into a new folder beside `folder`, then swaps it into place: readers see the old
    /// folder or the complete new one, never a mixture.
    static func writeAtomically(_ files: [OutputFile], to folder: String) throws {
        let manager = FileManager.default
        let target = URL(fileURLWithPath: folder).standardizedFileURL
        let parent = target.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(target.lastPathComponent).writing-\(getpid())")
        let previous = parent.appendingPathComponent(".\(target.lastPathComponent).previous-\(getpid())")
        try? manager.removeItem(at: staging)
        try manager.createDirectory(at: staging, withIntermediateDirectories: true)
        for file in files {
            let components = file.path.split(separator: "/").map(String.init)
            guard !components.isEmpty, components.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.hasPrefix(".") }),
                  !file.path.hasPrefix("/") else {
                throw Failure("refusing to write '\(file.path)': not a plain path inside the output folder")
            }
            let url = components.reduce(staging) { $0.appendingPathComponent($1) }
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard manager.createFile(atPath: url.path, contents: Data(file.contents)) else {
                throw Failure("cannot write '\(url.path)'")
            }
        }
        if manager.fileExists(atPath: target.path) {
            try manager.moveItem(at: target, to: previous)
            try manager.moveItem(at: staging, to: target)
            try manager.removeItem(at: previous)
        } else {
            try manager.moveItem(at: staging, to: target)
        }
    }
}
