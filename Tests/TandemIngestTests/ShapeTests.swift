import TandemTestSupport
import Foundation
import Testing
import TandemModel
@testable import TandemIngest

@Suite(.enabled(if: ApplicationGenerator.available, "needs python3 (for scripts/gen_applications.py)"))
struct ShapeTests {
    static let n = 300

    func clean(_ flavour: String, seed: Int = 11) throws -> [UInt8] {
        try ApplicationGenerator.export(n: Self.n, seed: seed, flavour: flavour)
    }

    @Test func googleCSVReadsEveryResponse() throws {
        let result = FormReader.read(try clean("google-csv"), file: "a.csv", config: FormConfig())
        #expect(result.recordCount == Self.n)
        #expect(result.applicants.count == Self.n)
        #expect(result.rejected.isEmpty)
        #expect(!result.hasErrors, "\(result.diagnostics.prefix(3))")
        #expect(result.diagnostics.allSatisfy { $0.severity == .note }, "\(result.diagnostics.prefix(3))")
        #expect(result.applicants.map(\.email.key) == result.applicants.map(\.email.key).sorted())
        // Every response carries an offset (GMT or GMT+1), areas and times.
        #expect(result.applicants.allSatisfy { $0.submittedAt.utcOffset != nil })
        #expect(result.applicants.allSatisfy { !$0.expertise.isEmpty && !$0.availability.isEmpty })
        // Areas holding a comma survive.
        #expect(result.applicants.contains { $0.expertise.contains("3D imaging, scanning and printing") || $0.development.contains("3D imaging, scanning and printing") })
    }

    @Test func allShapesGiveTheSameApplicants() throws {
        let base = FormReader.read(try clean("google-csv"), file: "a.csv", config: FormConfig())
        #expect(base.applicants.count == Self.n)
        for flavour in ["google-sheet", "msforms-excel"] {
            let bytes = try clean(flavour)
            let other = FormReader.read(bytes, file: "b.csv", config: FormConfig())
            #expect(!other.hasErrors, "\(flavour): \(other.diagnostics.prefix(3))")
            #expect(other.rejected.isEmpty, "\(flavour)")
            #expect(comparable(other.applicants) == comparable(base.applicants), "\(flavour)")
        }
        let sheet = FormReader.read(try clean("google-sheet"), file: "b.csv", config: FormConfig())
        #expect(sheet.applicants.allSatisfy { $0.submittedAt.utcOffset == nil })
        // Microsoft's BOM and CRLF are invisible; its ID/Start time columns are not reported as extra.
        let ms = FormReader.read(try clean("msforms-excel"), file: "b.csv", config: FormConfig())
        #expect(!ms.diagnostics.contains { $0.message.contains("not used by Tandem") })
    }

    @Test func windows1252IsDetected() throws {
        let text = String(decoding: try clean("google-csv"), as: UTF8.self)
        let legacy = TextDecoding.toWindows1252(text)
        #expect(!TextDecoding.isValidUTF8(legacy))
        let result = FormReader.read(legacy, file: "a.csv", config: FormConfig())
        // The same text as UTF-8 after the same lossy trip (characters outside Windows-1252 become '?').
        let expected = FormReader.read(TextDecoding.fromWindows1252(legacy), file: "a.csv", config: FormConfig())
        #expect(result.applicants == expected.applicants)
        #expect(result.applicants.count == Self.n)
        #expect(result.diagnostics.contains { $0.severity == .note && $0.message.contains("Windows-1252") })
        let accented = FormReader.read(try clean("google-csv"), file: "a.csv", config: FormConfig()).applicants
            .filter { $0.name.unicodeScalars.allSatisfy { $0.value < 0x100 } && $0.name.unicodeScalars.contains { $0.value > 0x7F } }
        #expect(!accented.isEmpty)
        let byKey = Dictionary(uniqueKeysWithValues: result.applicants.map { ($0.email.key, $0.name) })
        for a in accented { #expect(byKey[a.email.key] == a.name) }
        // Forcing UTF-8 on the same bytes is possible, and reported.
        let forced = FormReader.read(legacy, file: "a.csv", config: FormConfig(), encoding: .utf8)
        #expect(forced.diagnostics.contains { $0.severity == .warning && $0.message.contains("not UTF-8") })
    }

    @Test func europeanExcelSemicolonsAndDecimalCommas() throws {
        let bytes = try clean("google-csv")
        let base = FormReader.read(bytes, file: "a.csv", config: FormConfig())
        let european = rewrite(bytes, delimiter: ";", lineEnd: "\r\n") { r, c, value in
            r > 0 && c == 5 ? value.replacingOccurrences(of: ".", with: ",") : value
        }
        #expect(european.contains(";1,5;") || european.contains(";0,") || european.contains(",5;"))
        let result = read(european)
        #expect(!result.hasErrors, "\(result.diagnostics.prefix(3))")
        #expect(comparable(result.applicants) == comparable(base.applicants))
        // Tab-separated too.
        let tabbed = read(rewrite(bytes, delimiter: "\t"))
        #expect(comparable(tabbed.applicants) == comparable(base.applicants))
    }

    @Test func carriageReturnOnlyLineEnds() throws {
        let bytes = try clean("google-csv")
        let base = FormReader.read(bytes, file: "a.csv", config: FormConfig())
        let cr = bytes.map { $0 == 10 ? 13 : $0 }
        let result = FormReader.read(cr, file: "a.csv", config: FormConfig())
        #expect(result.applicants == base.applicants) // lines included: CR counts as a line end
        let crlf = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        #expect(FormReader.read(crlf, file: "a.csv", config: FormConfig()).applicants == base.applicants)
    }

    @Test func untidyHeadersAnswersExtraColumnsAndBlankLines() throws {
        let bytes = try clean("google-csv")
        let base = FormReader.read(bytes, file: "a.csv", config: FormConfig())
        // Multi-line answers are flattened so that an extra cell can be added to the end of each line.
        let flat = rewrite(bytes, delimiter: ",") { r, c, value in
            let v = value.replacingOccurrences(of: "\n", with: " ")
            return r == 0 ? v.uppercased() + "   " : (c % 3 == 0 ? "  \(v) " : v)
        }
        let text = flat.split(separator: "\n").enumerated().map { i, line in
            line + (i == 0 ? ",Notes,Coordinator comments" : ",checked,")
        }.joined(separator: "\n") + "\n\n\n"
        let result = read(text)
        #expect(!result.hasErrors, "\(result.diagnostics.prefix(3))")
        #expect(result.recordCount == Self.n)
        let notes = result.diagnostics.filter { $0.message.contains("not used by Tandem") }
        #expect(notes.count == 1)
        #expect(notes.first?.severity == .note)
        #expect(notes.first?.message.contains("'Notes'") == true && notes.first?.message.contains("'Coordinator comments'") == true)
        let flatBase = base.applicants.map { a -> Applicant in var a = a; a.goals = a.goals.replacingOccurrences(of: "\n", with: " "); return a }
        #expect(comparable(result.applicants) == comparable(flatBase))
    }

    @Test func defectiveExportLosesNobody() throws {
        let bytes = try ApplicationGenerator.export(n: 2000, seed: 3, flavour: "google-sheet", badRate: 0.05, dupRate: 0.05)
        let result = FormReader.read(bytes, file: "a.csv", config: FormConfig())
        #expect(result.recordCount == 2000 + 100)
        #expect(result.applicants.count + result.duplicateResponses + result.rejected.count == result.recordCount)
        #expect(result.duplicateResponses > 50)
        #expect(result.rejected.count > 40)
        #expect(result.hasErrors)
        #expect(Set(result.applicants.map(\.email.key)).count == result.applicants.count)
        #expect(result.rejected.allSatisfy { !$0.reasons.isEmpty })
    }
}
