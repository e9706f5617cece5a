import ArgumentParser
import Foundation
import TandemIngest
import TandemModel

@main
struct Tandem: ParsableCommand {
    /// The one place the version is written: `tandem --version` prints it, and scripts/install reports it.
    static let version = "0.5.0"

    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Pairs mentors with mentees from a form export and schedules their sessions.",
        discussion: """
        Once a month, download the application form's responses as CSV and run
          tandem run applications.csv
        The month's pairs, calendars and reports appear under reports/YYYY-MM/.
        """,
        version: version,
        subcommands: [Init.self, Run.self, Check.self, Explain.self, Status.self, Withdraw.self, EndPair.self, Move.self, CancelSession.self,
                      Held.self, Missed.self, Objectives.self, CPD.self, History.self, Send.self, Accept.self, Decline.self, Replies.self, ExportPerson.self, Forget.self]
    )
}

/// Options every command that reads an export shares.
struct ExportOptions: ParsableArguments {
    @Argument(help: "The form responses exported as CSV (Google Forms, Google Sheets or Microsoft Forms via Excel).")
    var applications: String

    @Option(name: .long, help: "Scheme configuration (TOML; default: the scheme folder's scheme.toml). Without any, the defaults match the form in docs/form.md.")
    var config: String?

    @Option(name: .long, help: "Character encoding of the export: utf8 or windows-1252 (default: detected).")
    var encoding: String?

    /// The configuration (`--config`, else the scheme folder's) and the export read through it, with
    /// every problem as a diagnostic.
    func read(scheme: String?) throws -> (SchemeConfig, IngestResult) {
        let config = try SchemeFolder.resolve(scheme: scheme, configFlag: self.config, ledgerFlag: nil).config
        let bytes = try Files.read(applications, what: "applications file")
        let result = FormReader.read(bytes, file: applications, config: config.form,
                                     encoding: Files.encoding(encoding),
                                     minimumSeniorYears: config.matching.minimumSeniorYears)
        return (config, result)
    }

    func validate() throws {
        if let encoding, parseEncoding(encoding) == nil {
            throw ValidationError("--encoding must be utf8 or windows-1252, not '\(encoding)'")
        }
    }
}

/// A failure the coordinator can act on: printed as one line, exit status 1.
struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// `--encoding` names: utf8, or windows-1252 (cp1252, latin1 accepted).
func parseEncoding(_ name: String) -> TextEncoding? {
    switch name.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "") {
    case "utf8": return .utf8
    case "windows1252", "cp1252", "latin1": return .windows1252
    default: return nil
    }
}

/// Prints `text` on standard output. Everything the commands print goes through here or
/// `printError`, so no control character from a form answer or the ledger reaches the terminal.
func say(_ text: String, terminator: String = "\n") {
    print(VisibleText.clean(text, keepingLineBreaks: true), terminator: terminator)
}

/// Prints `message` on standard error (see `say`).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((VisibleText.clean(message, keepingLineBreaks: true) + "\n").utf8))
}
