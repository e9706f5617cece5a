import ArgumentParser
import Foundation
import TandemCalendar
import TandemLedger
import TandemModel

extension Tandem {
    /// `tandem accept EMAIL [PARTNER]`: an acceptance given by telephone or plain mail.
    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a person accepts their proposed pair ([acceptance] on): it stands once everyone required has.")

        @Argument(help: "The person who accepts.")
        var email: String

        @Argument(help: "Their partner, when they have more than one open proposal.")
        var partner: String?

        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func run() throws {
            try reporting {
                let scheme = try SchemeFolder.resolve(scheme: scheme.scheme, configFlag: nil, ledgerFlag: ledger.ledger)
                let lock = try scheme.lockForChange()
                defer { lock.release() }
                let (proposal, _) = try LedgerOptions.openExisting(scheme.ledger).answer(person: email, partner: partner, accepts: true,
                                                                                         reason: "", today: today.date)
                say("\(email) accepts the pair of \(proposal.seniorName) and \(proposal.juniorName): "
                    + (proposal.state == "accepted" ? "the pair now stands" : "waiting for \(proposal.juniorName) (both must accept)"))
            }
        }
    }

    /// `tandem decline EMAIL [PARTNER] --reason TEXT`: the pair is dissolved at once.
    struct Decline: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a person declines their proposed pair: it is dissolved, both go back to the pool, never proposed together again.")

        @Argument(help: "The person who declines.")
        var email: String

        @Argument(help: "Their partner, when they have more than one open proposal.")
        var partner: String?

        @Option(name: .long, help: "Why (kept in the ledger, shown in status and history).")
        var reason: String

        @OptionGroup var changes: ChangeOutputOptions
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func run() throws {
            try reporting {
                let change = try changes.begin(name: { "\($0)-declined-\(safeName(email))" }, ledger: ledger, scheme: scheme, today: today)
                defer { change.lock.release() }
                var written = 0, queued = 0
                let (proposal, ending) = try change.ledger.answer(person: email, partner: partner, accepts: false, reason: reason,
                                                                  today: change.day) { ending in
                    let mail = try dissolve(ending, config: change.scheme.config, day: change.day, folder: change.folder, origin: "decline")
                    (written, queued) = (mail.written, mail.queued.count)
                    return mail.queued
                }
                say("The pair of \(proposal.seniorName) and \(proposal.juniorName) is dissolved (\(proposal.reason ?? "declined")); "
                    + "both are back in the pool for the next run")
                if let ending, !ending.cancelledSessions.isEmpty {
                    say("Cancelled \(ending.cancelledSessions.count) sessions: " + sendHint(files: written, queued: queued, folder: change.folder))
                }
            }
        }
    }
}

/// The cancellations of ended or dissolved pairs (end-pair, withdraw, a decline, an expired proposal),
/// written into `folder` and queued when mail is on.
func dissolve(_ ending: PairEnding, config: SchemeConfig, day: LocalDate, folder: String,
              origin: String) throws -> (written: Int, queued: [QueuedMessage]) {
    guard !ending.cancelledSessions.isEmpty else { return (0, []) }
    let cancellation = CalendarChanges.cancel(ending.cancelledSessions, config: config, stamp: day.startInstant)
    let mail = changeMessages(cancellation.sessions, kind: .cancellation, config: config, day: day, folder: folder, origin: origin)
    try Files.writeAtomically(cancellation.files + mail.files, to: folder)
    return (cancellation.files.count, mail.queued)
}
