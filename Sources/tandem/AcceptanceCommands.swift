import ArgumentParser
import Foundation
import TandemCalendar
import TandemLedger
import TandemModel
import TandemScheduling

extension Tandem {
    /// `tandem accept EMAIL [PARTNER]`: an acceptance given by telephone or plain mail.
    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a person accepts their proposed pair ([acceptance] on): it stands once everyone required has.")

        @Argument(help: "The person who accepts.")
        var email: String

        @Argument(help: "Their partner, when they have more than one open proposal.")
        var partner: String?

        @OptionGroup var changes: ChangeOutputOptions
        @OptionGroup var ledger: LedgerOptions
        @OptionGroup var scheme: SchemeOptions
        @OptionGroup var today: TodayOption

        func run() throws {
            try reporting {
                let change = try changes.begin(name: { "\($0)-accepted-\(safeName(email))" }, ledger: ledger, scheme: scheme, today: today)
                defer { change.lock.release() }
                say(try recordAnswer(Answer(person: email, partner: partner, accepts: true, reason: ""), change: change, origin: "accept"))
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
                say(try recordAnswer(Answer(person: email, partner: partner, accepts: false, reason: reason), change: change, origin: "decline"))
            }
        }
    }
}

/// One person's answer to their proposal, however it came (a command, a calendar reply).
struct Answer {
    var person: String
    var partner: String?
    var accepts: Bool
    var reason: String
}

/// Records `answer` in the ledger and writes what it causes into the change's folder: the
/// confirmation of a pair that now stands, or the cancellation of one dissolved (queued too when mail
/// is on). Returns the line telling the coordinator.
func recordAnswer(_ answer: Answer, change: ChangeOutputOptions.Change, origin: String) throws -> String {
    let config = change.scheme.config, day = change.day
    var written = 0, queued = 0
    let (proposal, ending) = try change.ledger.answer(
        person: answer.person, partner: answer.partner, accepts: answer.accepts, reason: answer.reason, today: day,
        confirmed: { sessions, originals in
            let mail = try confirm(sessions, originals: originals, config: config, day: day, folder: change.folder, origin: origin)
            (written, queued) = (mail.written, mail.queued.count)
            return mail.queued
        },
        beforeCommit: { ending in
            let mail = try dissolve(ending, config: config, day: day, folder: change.folder, origin: origin, repaired: true)
            (written, queued) = (mail.written, mail.queued.count)
            return mail.queued
        })
    let pair = "the pair of \(proposal.seniorName) and \(proposal.juniorName)"
    if let ending {
        return "\(answer.person) declines \(pair): dissolved (\(proposal.reason ?? "declined")); both are back in the pool for the next run"
            + (ending.cancelledSessions.isEmpty ? "" : ". Cancelled its sessions: " + sendHint(files: written, queued: queued, folder: change.folder))
    }
    guard proposal.state == "accepted" else {
        return "\(answer.person) accepts \(pair): waiting for \(proposal.juniorName) (both must accept)"
    }
    return "\(answer.person) accepts \(pair): the pair now stands. Confirmation: " + sendHint(files: written, queued: queued, folder: change.folder)
}

/// A pair that now stands: its series again with STATUS:CONFIRMED and SEQUENCE raised, written into
/// `folder` (`calendars/confirmations/pairs/`) and queued when mail is on.
func confirm(_ sessions: [ScheduledSession], originals: [String: Int64], config: SchemeConfig, day: LocalDate, folder: String,
             origin: String) throws -> (written: Int, queued: [QueuedMessage]) {
    let made = confirmationFiles(sessions, originals: originals, config: config, day: day, folder: folder, origin: origin)
    try Files.writeAtomically(made.files + made.mail, to: folder)
    return (made.files.count, made.queued)
}

/// The files and messages of a pair that now stands, not yet written.
func confirmationFiles(_ sessions: [ScheduledSession], originals: [String: Int64], config: SchemeConfig, day: LocalDate, folder: String,
                       origin: String) -> (files: [OutputFile], mail: [OutputFile], queued: [QueuedMessage]) {
    guard let first = sessions.first else { return ([], [], []) }
    let layout = CalendarLayout(sessions: sessions)
    let calendar = ProposalFiles.calendar(sessions, stage: .confirmation, config: config, stamp: day.startInstant, originals: originals)
    let file = OutputFile(path: layout.pairPath(senior: first.senior.key, junior: first.junior.key, folder: "calendars/confirmations"),
                          contents: calendar)
    let mail = seriesMessages(sessions, stage: .confirmation, config: config, day: day, folder: folder, origin: origin, originals: originals)
    return ([file], mail.files, mail.queued)
}

/// The cancellations of ended or dissolved pairs (end-pair, withdraw, a decline, an expired proposal),
/// written into `folder` and queued when mail is on. `repaired`: the partners go back to the pool (the letter says so).
func dissolve(_ ending: PairEnding, config: SchemeConfig, day: LocalDate, folder: String, origin: String,
              repaired: Bool = false) throws -> (written: Int, queued: [QueuedMessage]) {
    guard !ending.cancelledSessions.isEmpty else { return (0, []) }
    let made = dissolutionFiles(ending, config: config, day: day, folder: folder, origin: origin, repaired: repaired)
    try Files.writeAtomically(made.files + made.mail, to: folder)
    return (made.files.count, made.queued)
}

/// The files and messages of `dissolve`, not yet written. A pair sent as one series (a proposal) is
/// cancelled as that series — whole, or the sessions left by their RECURRENCE-ID; others event by event.
func dissolutionFiles(_ ending: PairEnding, config: SchemeConfig, day: LocalDate, folder: String, origin: String,
                      repaired: Bool) -> (files: [OutputFile], mail: [OutputFile], queued: [QueuedMessage]) {
    let key = { (session: ScheduledSession) in session.senior.key + "|" + session.junior.key }
    let plain = ending.cancelledSessions.filter { ending.series[key($0)] == nil }
    let cancellation = CalendarChanges.cancel(plain, config: config, stamp: day.startInstant)
    var files = cancellation.files
    var mail = changeMessages(cancellation.sessions, kind: .cancellation, config: config, day: day, folder: folder, origin: origin)
    let layout = CalendarLayout(sessions: ending.cancelledSessions)
    for pair in ProposalFiles.pairs(ending.cancelledSessions.filter { ending.series[key($0)] != nil }) {
        let originals = ending.series[key(pair[0])] ?? [:]
        let reason = ending.endedPairs.first { $0.key == key(pair[0]) }?.endReason ?? "ended"
        let stage = ProposalFiles.Stage.cancellation(reason: reason, repaired: repaired)
        files.append(OutputFile(path: layout.pairPath(senior: pair[0].senior.key, junior: pair[0].junior.key, folder: "calendars/cancellations"),
                                contents: ProposalFiles.calendar(pair, stage: stage, config: config, stamp: day.startInstant, raise: 1,
                                                                 originals: originals)))
        let more = seriesMessages(pair, stage: stage, config: config, day: day, folder: folder, origin: origin, raise: 1, originals: originals)
        mail.files += more.files
        mail.queued += more.queued
    }
    return (files, mail.files, mail.queued)
}

/// The messages of pairs sent as a series, when the scheme has `[mail]`.
func seriesMessages(_ sessions: [ScheduledSession], stage: ProposalFiles.Stage, config: SchemeConfig, day: LocalDate, folder: String,
                    origin: String, raise: Int = 0, originals: [String: Int64]) -> (files: [OutputFile], queued: [QueuedMessage]) {
    guard config.mail != nil, !sessions.isEmpty else { return ([], []) }
    let messages = ProposalFiles.messages(for: sessions, stage: stage, config: config, stamp: day.startInstant, date: day.startInstant,
                                          raise: raise, originals: originals)
    return outboxFiles(messages, folder: folder, origin: origin, day: day)
}
