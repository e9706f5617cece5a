import TandemModel

/// The text of `tandem check`: one line per diagnostic, then a summary.
public enum CheckReport {
    /// `FILE:LINE:COLUMN: error|warning|note: message` lines, then
    /// `applications.csv: 58 responses, 55 applicants, 3 rows rejected, 2 errors, 4 warnings`.
    public static func render(_ result: IngestResult, file: String) -> String {
        var lines = result.diagnostics.map(\.description)
        let errors = result.diagnostics.filter { $0.severity == .error }.count
        let warnings = result.diagnostics.filter { $0.severity == .warning }.count
        var summary = "\(VisibleText.clean(file)): \(plural(result.recordCount, "response")), \(plural(result.applicants.count, "applicant")), "
        if result.duplicateResponses > 0 { summary += "\(plural(result.duplicateResponses, "duplicate response")) merged, " }
        summary += "\(plural(result.rejected.count, "row")) rejected, \(plural(errors, "error")), \(plural(warnings, "warning"))"
        lines.append(summary)
        if let wrong = result.wrongFile {
            lines.append(Diagnostic(.error, file: file, message: "\(wrong); tandem run refuses it. Download the form's responses again").description)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whether `tandem check` should exit non-zero: any error or a wrong file, or with `strict` any warning.
    public static func failed(_ r: IngestResult, strict: Bool) -> Bool {
        r.hasErrors || r.wrongFile != nil || (strict && r.hasWarnings)
    }

}
