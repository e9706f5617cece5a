import ArgumentParser
import Foundation
import TandemCalendar
import TandemLedger
import TandemModel

extension Tandem {
    /// `tandem export-person EMAIL [--out FILE]`: a subject access request.
    struct ExportPerson: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-person",
            abstract: "Everything the ledger holds on one person, as one JSON document to send them.")

        @Argument(help: "The person's e-mail address.")
        var email: String

        @Option(name: .long, help: "A new file for the document (default: standard output).")
        var out: String?

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions

        func run() throws {
            try reporting {
                let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: nil, ledgerFlag: ledger.ledger)
                let document = try LedgerOptions.openExisting(scheme.ledger).exportPerson(email: email)
                guard let out else {
                    FileHandle.standardOutput.write(Data(document))
                    return
                }
                guard !FileManager.default.fileExists(atPath: out) else { throw Failure("'\(out)' exists already; name a new file") }
                guard FileManager.default.createFile(atPath: out, contents: Data(document), attributes: [.posixPermissions: 0o600]) else {
                    throw Failure("cannot write '\(out)'")
                }
                say("Wrote everything the ledger holds on \(email) to \(out)")
            }
        }
    }

    /// `tandem forget EMAIL --reason TEXT [--reports]`: erasure on request.
    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a person from the ledger: end their pairs, replace their name and address by a pseudonym everywhere.",
            discussion: """
            Their running pairs end as with tandem withdraw (cancellations for their partners' remaining sessions). Then \
            every occurrence of their address and name in the ledger is replaced by "Forgotten person N", so counts, \
            the month-by-month trend and their partners' histories stay whole, and the file is rebuilt so that no \
            freed page keeps them. The ledger's backups that hold them are deleted. The files under the reports folder \
            that still name them are listed; --reports removes those lines (or files) from Tandem's own output folders. \
            If they apply again, they are a new applicant.
            """)

        @Argument(help: "The person's e-mail address.")
        var email: String

        @Option(name: .long, help: "Why (kept, under the pseudonym).")
        var reason: String

        @Flag(name: .long, help: "Also remove the lines (or files) naming them from Tandem's own output folders under the reports folder.")
        var reports = false

        @OptionGroup var changes: ChangeOutputOptions
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func validate() throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why (such as 'their request of 3 May')") }
        }

        func run() throws {
            try reporting {
                let change = try changes.begin(name: { "\($0)-forget" }, // not named after them
                                               ledger: ledger, scheme: scheme, today: today)
                defer { change.lock.release() }
                let config = change.scheme.config
                let name = try? change.ledger.exportPerson(email: email) // the name, for the reports search, before it goes
                let person = name.flatMap(Self.nameAndEmail)
                var written = 0, queued = 0
                let forgetting = try change.ledger.forget(email: email, reason: reason, today: change.day) { ending in
                    TestHook.pause(at: "forget-inside-transaction")
                    guard !ending.cancelledSessions.isEmpty else { return [] }
                    // As any ended pair's: a pair sent as one series is cancelled as that series.
                    let made = dissolutionFiles(ending, config: config, day: change.day, folder: change.folder, origin: "forget", repaired: false)
                    let partners = made.queued.filter { $0.recipientKey != EmailAddress(email).key }
                    (written, queued) = (made.files.count, partners.count)
                    try Files.writeAtomically(made.files + made.mail, to: change.folder)
                    return partners
                }
                say("Forgot \(email): in the ledger they are now \(forgetting.pseudonymName) <\(forgetting.pseudonymEmail)> "
                    + "(\(forgetting.rowsRewritten.values.reduce(0, +)) rows rewritten); the file was compacted")
                if !forgetting.ending.endedPairs.isEmpty {
                    say("Ended \(plural(forgetting.ending.endedPairs.count, "pair")); cancelled \(forgetting.ending.cancelledSessions.count) sessions: "
                        + sendHint(files: written, queued: queued, folder: change.folder)
                        + " (these name them: delete the folder once the partners have them)")
                }
                let removed = LedgerBackups(ledger: change.scheme.ledger).removeHolding([email])
                if removed > 0 { say("Deleted \(plural(removed, "backup")) of the ledger that held their data") }
                if let person { Self.reportFiles(person, under: change.scheme.reports, except: change.folder, remove: reports) }
            }
        }

        /// The name and address in an export-person document.
        static func nameAndEmail(_ document: [UInt8]) -> (name: String, email: String)? {
            guard let object = try? JSONSerialization.jsonObject(with: Data(document)) as? [String: Any],
                  let person = object["tandem_export_of_personal_data"] as? [String: Any],
                  let name = person["name"] as? String, let email = person["email"] as? String else { return nil }
            return (name, email)
        }

        /// Lists (and with `remove`, cleans) the files under `reports` that still name the person.
        static func reportFiles(_ person: (name: String, email: String), under reports: String, except: String, remove: Bool) {
            let found = ReportScrubber.files(naming: [person.email, person.name], under: reports, except: except)
            guard !found.isEmpty else { return say("No file under \(reports)/ names them") }
            say(remove ? "Removed them from the files under \(reports)/:" : "These files under \(reports)/ still name them (--reports removes them from Tandem's own folders):")
            for file in found {
                let outcome = remove ? ReportScrubber.scrub(file, naming: [person.email, person.name]) : file.ownFolder ? "" : " (not a Tandem folder: by hand)"
                say("  \(file.path)\(outcome)")
            }
        }
    }
}
