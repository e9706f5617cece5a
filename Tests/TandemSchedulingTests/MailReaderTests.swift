import Foundation
import Testing
@testable import TandemCalendar

/// The transfer encodings `tandem replies` decodes, checked against independent encoders: Foundation's
/// base64 and Python's quopri (quoted-printable), on random texts.
struct MailReaderTests {
    @Test func base64DecodesWhatFoundationEncodes() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
            #expect(MailReader.base64(Array(encoded.utf8)[...]) == bytes, "length \(length)")
        }
    }

    @Test(.enabled(if: SeriesWriterTests.ready, "needs python3"))
    func quotedPrintableDecodesWhatPythonEncodes() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc =\t\nÿé€DTSTART:2027\\;,\"".unicodeScalars) // no CR: quopri folds "\r\r\n" into one break
        let texts = (0..<200).map { _ in String(String.UnicodeScalarView((0..<Int.random(in: 0...200, using: &generator)).map { _ in
            alphabet.randomElement(using: &generator)! })) }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("qp-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: input) }
        try JSONEncoder().encode(texts).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sys, json, quopri, base64
            texts = json.load(open(sys.argv[1]))
            print(json.dumps([base64.b64encode(quopri.encodestring(t.encode('utf-8'))).decode() for t in texts]))
            """, input.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let encoded = try JSONDecoder().decode([String].self, from: data)
        try #require(encoded.count == texts.count)
        for (text, qp) in zip(texts, encoded) {
            let bytes = Array(Data(base64Encoded: qp)!)
            #expect(MailReader.quotedPrintable(bytes[...]) == Array(text.utf8), "\(text.debugDescription)")
        }
    }

    /// An mbox splits at "From " lines that follow an empty line, not at one inside a paragraph.
    @Test func mboxSplitsAtFromLinesOnly() {
        let mbox = "From a@x Mon Jan 1 00:00:00 2027\nSubject: one\n\nbody\nFrom here on, text\n\nFrom b@x Mon Jan 1 00:00:00 2027\nSubject: two\n\nbody\n"
        let messages = MailReader.mboxMessages(Array(mbox.utf8))
        #expect(messages.count == 2)
        #expect(String(decoding: messages[0], as: UTF8.self).contains("From here on, text"))
        #expect(String(decoding: messages[1], as: UTF8.self).hasPrefix("Subject: two"))
    }
}
