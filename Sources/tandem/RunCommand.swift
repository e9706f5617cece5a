import ArgumentParser
import Foundation
import TandemIngest
import TandemModel
import TandemPipeline

extension Tandem {
    /// `tandem run`: the month's job, from the export to pairs, calendars and reports.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pair this month's applicants, schedule their sessions and write calendars and reports.")

        @OptionGroup var export: ExportOptions

        @Option(name: .long, help: "Month of the first session, YYYY-MM (default: the month after today).")
        var month: String?

        @Option(name: .long, help: "Output folder (default: reports/YYYY-MM). It is replaced as a whole when the run succeeds.")
        var out: String?

        @Option(name: .long, help: "Coordinator's overrides (CSV: rule,senior,junior,note with rule must or never).")
        var overrides: String?

        @Flag(name: .long, help: "Also write one e-mail draft (.eml) per participant with their calendar attached.")
        var emailDrafts = false

        func validate() throws {
            if let month, YearMonth(month) == nil {
                throw ValidationError("--month must look like 2026-12, not '\(month)'")
            }
        }

        func run() throws {
            do {
                try perform()
            } catch let failure as Failure {
                printError("tandem: error: \(failure)")
                throw ExitCode(1)
            }
        }

        private func perform() throws {
            let firstMonth = month.flatMap(YearMonth.init) ?? Self.nextMonth()
            let config = try Files.config(export.config)
            var input = RunInput(applications: try Files.read(export.applications, what: "applications file"),
                                 applicationsFile: export.applications, config: config, firstMonth: firstMonth)
            input.encoding = Files.encoding(export.encoding)
            let (holidays, note) = try Files.holidays(config: config, configPath: export.config)
            if let note { printError("tandem: \(note)") }
            input.holidays = holidays
            input.overrides = try Files.overrides(overrides)
            input.emailDrafts = emailDrafts

            let output: RunOutput
            do {
                output = try MonthlyRun.run(input)
            } catch {
                throw Failure(error.description)
            }
            let folder = out ?? "reports/\(firstMonth)"
            do {
                try Files.writeAtomically(output.files, to: folder)
            } catch let failure as Failure {
                throw failure
            } catch {
                throw Failure("cannot write the outputs to '\(folder)': \(error.localizedDescription)")
            }
            let problems = output.ingest.diagnostics.filter { $0.severity != .note }.count
            if problems > 0 {
                print("\(export.applications): \(problems) problems in the export (see \(folder)/diagnostics.txt, or run tandem check)")
            }
            print(output.headline)
            print("Wrote \(output.files.count) files to \(folder)/ — start with summary.md")
        }

        /// The month after today, in the machine's calendar: the only place the clock is read.
        static func nextMonth() -> YearMonth {
            let now = Calendar(identifier: .gregorian).dateComponents([.year, .month], from: Date())
            return YearMonth(year: now.year!, month: now.month!).adding(months: 1)
        }
    }

    /// `tandem check`: reads an export and lists every problem, as a compiler would.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every problem in an export as FILE:LINE:COLUMN: error|warning: message.")

        @OptionGroup var export: ExportOptions

        @Flag(name: .long, help: "Fail on warnings too, not only errors.")
        var strict = false

        func run() throws {
            do {
                let config = try Files.config(export.config)
                let bytes = try Files.read(export.applications, what: "applications file")
                let result = FormReader.read(bytes, file: export.applications, config: config.form,
                                             encoding: Files.encoding(export.encoding),
                                             minimumSeniorYears: config.matching.minimumSeniorYears)
                print(CheckReport.render(result, file: export.applications), terminator: "")
                if CheckReport.failed(result, strict: strict) { throw ExitCode(1) }
            } catch let failure as Failure {
                printError("tandem: error: \(failure)")
                throw ExitCode(1)
            }
        }
    }
}
