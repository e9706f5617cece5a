import ArgumentParser
import Foundation
import TandemIngest
import TandemMatching
import TandemModel

extension Tandem {
    /// `tandem explain`: why a person was paired as they were, or not at all.
    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Explain a person's pairing (partner, score, best alternatives), or why two people were not paired.")

        @OptionGroup var export: ExportOptions
        @OptionGroup var scheme: SchemeOptions

        @Argument(help: "One e-mail, or two to ask why those two were or were not paired.")
        var emails: [String]

        @Option(name: .long, help: "Month of the first session, YYYY-MM (default: the month after today).")
        var month: String?

        @Option(name: .long, help: "Coordinator's overrides used for the run.")
        var overrides: String?

        func validate() throws {
            if !(1...2).contains(emails.count) { throw ValidationError("give one or two e-mails") }
            try validateMonth(month)
        }

        func run() throws {
            try reporting {
                let (config, ingest) = try export.read(scheme: scheme.scheme)
                var pool = Pool(applicants: ingest.applicants, firstMonth: month.flatMap(YearMonth.init) ?? Run.nextMonth())
                pool.overrides = try Files.overrides(overrides)
                // The same blackout days as `tandem run`, so the same pairs have a monthly slot.
                let holidays = Files.holidays(config: config, firstMonth: pool.firstMonth).holidays
                pool.blackoutDays = config.sessions.blackoutDays(besides: holidays.keys)
                let result: MatchingResult
                do {
                    result = try Matcher.match(pool, config: config, models: .never)
                } catch {
                    throw Failure("\(error)")
                }
                say(try Explanation.explain(emails: emails, pool: pool, config: config, result: result))
            }
        }
    }
}
