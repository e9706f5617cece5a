/// How bad a problem in the input is: an error makes a row unusable, a warning is worth a look.
public enum Severity: String, Sendable, Hashable, Comparable {
    case note, warning, error

    private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A problem found in an input file, located the way a spreadsheet user can find it.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var severity: Severity
    public var file: String
    /// Physical line where the record starts (1-based); nil for file-wide problems.
    public var line: Int?
    /// The column's header as written in the file.
    public var column: String?
    /// What is wrong and how to fix it.
    public var message: String

    public init(_ severity: Severity, file: String, line: Int? = nil, column: String? = nil, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `FILE:LINE:COLUMN: error|warning: message`, the shape compilers and editors understand.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return VisibleText.clean("\(location): \(severity.rawValue): \(message)")
    }
}

/// A response that could not be used, kept so that it is listed in the outputs, never dropped.
public struct RejectedRow: Hashable, Sendable {
    public var line: Int
    /// The e-mail as typed, possibly empty or malformed.
    public var email: String
    public var name: String
    /// One reason per problem, each naming the column.
    public var reasons: [String]

    public init(line: Int, email: String, name: String, reasons: [String]) {
        self.line = line
        self.email = email
        self.name = name
        self.reasons = reasons
    }
}

/// A file the pipeline produces, addressed relative to the run's output folder.
public struct OutputFile: Hashable, Sendable {
    /// A relative path of safe components (see `SafeFileName`).
    public var path: String
    public var contents: [UInt8]

    public init(path: String, contents: [UInt8]) {
        self.path = path
        self.contents = contents
    }

    public init(path: String, text: String) {
        self.init(path: path, contents: Array(text.utf8))
    }
}

/// A run's output files in path order, each made only when it is read.
///
/// The calendars of a large pool come to gigabytes: made one at a time while the executable writes
/// them, they never all sit in memory together. Reading an element makes its bytes afresh, so walk the
/// files once; `count` makes nothing.
public struct OutputFiles: RandomAccessCollection, Sendable {
    /// A file's path and how to make its bytes.
    public struct Entry: Sendable {
        public var path: String
        public var make: @Sendable () -> [UInt8]

        public init(path: String, make: @escaping @Sendable () -> [UInt8]) {
            self.path = path
            self.make = make
        }

        /// A file already made.
        public init(_ file: OutputFile) {
            let contents = file.contents
            self.init(path: file.path) { contents }
        }

        /// A text file, encoded as UTF-8 when it is read (the text itself is kept, not a second copy as bytes).
        public init(path: String, text: String) {
            self.init(path: path) { Array(text.utf8) }
        }

        public var file: OutputFile { OutputFile(path: path, contents: make()) }
    }

    private let entries: [Entry]

    /// The files of `entries`, sorted by path.
    public init(_ entries: [Entry]) {
        self.entries = entries.sorted { $0.path < $1.path }
    }

    /// These files and `more`, in path order.
    public func adding(_ more: [Entry]) -> OutputFiles { OutputFiles(entries + more) }

    public var startIndex: Int { entries.startIndex }
    public var endIndex: Int { entries.endIndex }
    public subscript(position: Int) -> OutputFile { entries[position].file }
}

/// File names built from form answers, made safe: nothing typed in a form can leave the output folder.
public enum SafeFileName {
    /// Keeps ASCII letters, digits, `.`, `-`, `_` and `@`; everything else becomes `_`;
    /// never empty, never starting with a dot, at most 120 characters.
    public static func make(_ raw: String) -> String {
        var out = String(raw.lowercased().unicodeScalars.map { s -> Character in
            switch s {
            case "a"..."z", "0"..."9", ".", "-", "_", "@": return Character(s)
            default: return "_"
            }
        })
        while out.hasPrefix(".") { out = "_" + out.dropFirst() }
        if out.count > 120 { out = String(out.prefix(120)) }
        return out.isEmpty ? "_" : out
    }
}
