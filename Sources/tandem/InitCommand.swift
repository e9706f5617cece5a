import ArgumentParser
import Foundation

extension Tandem {
    /// `tandem init [DIR]`: a scheme folder, so that every later command finds its configuration,
    /// ledger and reports from any folder inside it (or through `TANDEM_SCHEME`).
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a scheme folder: a commented scheme.toml and the reports folder.")

        @Argument(help: "The folder (default: the current one); created if missing.")
        var folder = "."

        func run() throws {
            try reporting {
                let root = OutputFolder.absolute(folder)
                let written = try SchemeFolder.initialise(root)
                say("Made the scheme folder \(root):")
                say("  \(written) — edit the scheme's name, domain, coordinator and holiday region")
                say("  \(root)/reports/ — each month's run writes reports/YYYY-MM/ here")
                say("  the ledger will be \(root)/data/tandem.sqlite, made by the first tandem run: back it up")
                say("Next: tandem run EXPORT.csv from any folder inside it (or set TANDEM_SCHEME=\(root))")
            }
        }
    }
}
