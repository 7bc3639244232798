/// What an import did: rows read and imported, and everything it refused.
///
/// Nothing is dropped silently. A row is rejected whole (wrong column count,
/// blank, invalid or duplicate id, bad quoting, invalid JSON) and counted per
/// reason with up to 10 example lines; a value that does not parse for its
/// field's type is stored as missing and counted per field with up to 5
/// examples. Line numbers are physical lines of the file where the record
/// starts (for a quote left open, where it opened); the CSV header is line 1.
/// Values in examples are as read: print them through `TerminalText`.
public struct ImportReport: Sendable, Codable, Equatable, CustomStringConvertible {
    public static let maxRowExamples = 10
    public static let maxValueExamples = 5

    public var file: String?
    /// Records seen after the header (blank lines are not records).
    public var rowsRead: Int
    public var rowsImported: Int
    /// One entry per reason, in the order reasons were first met.
    public var rejectedRows: [RowRejection]
    /// One entry per field, in the order fields were first rejected.
    public var rejectedValues: [FieldRejection]
    /// `rowsRead - rowsImported`.
    public var totalRejectedRows: Int

    public init(file: String? = nil) {
        self.file = file
        self.rowsRead = 0
        self.rowsImported = 0
        self.rejectedRows = []
        self.rejectedValues = []
        self.totalRejectedRows = 0
    }

    /// Rows rejected for `reason` (0 when none).
    public func count(of reason: RowRejection.Reason) -> Int {
        rejectedRows.first { $0.reason == reason }?.count ?? 0
    }

    /// Values of `field` rejected (0 when none).
    public func rejectedValueCount(of field: String) -> Int {
        rejectedValues.first { $0.field == field }?.count ?? 0
    }

    /// Records lost to a quote left open (`unterminatedQuote`,
    /// `runawayQuote`): `import-check` fails when there are any, since the
    /// file no longer says what the export held.
    public var recordsLostToQuotes: Int {
        count(of: .unterminatedQuote) + count(of: .runawayQuote)
    }

    /// The refusal for an import that lost records to a quote left open,
    /// located at the first such quote; nil when none were lost. Anything
    /// that segments, previews or sends on such an import would silently
    /// leave those people out, so it stops (only `import-check` reads on).
    public var lostRecordsRefusal: OutreachError? {
        let lost = recordsLostToQuotes
        guard lost > 0 else { return nil }
        let first = rejectedRows.filter { $0.reason == .unterminatedQuote || $0.reason == .runawayQuote }
            .flatMap(\.examples).map(\.line).min()
        return OutreachError(.invalidValue,
                             "a quote left open swallowed \(lost) record(s) of the population; nothing was segmented or sent",
                             at: first.map { SourceLocation(file: file, line: $0, column: 1) },
                             hint: "`outreach import-check` lists the lines; fix the quoting and run again")
    }

    /// `count`: rows this one example stands for (the records a quote left open swallowed).
    mutating func rejectRow(_ reason: RowRejection.Reason, line: Int, count: Int = 1, detail: String) {
        totalRejectedRows += count
        if let i = rejectedRows.firstIndex(where: { $0.reason == reason }) {
            rejectedRows[i].count += count
            if rejectedRows[i].examples.count < Self.maxRowExamples {
                rejectedRows[i].examples.append(.init(line: line, detail: detail))
            }
        } else {
            rejectedRows.append(RowRejection(reason: reason, count: count, examples: [.init(line: line, detail: detail)]))
        }
    }

    /// `problem`: when the value is not valid text, what and where.
    mutating func rejectValue(field: String, type: FieldType, line: Int, raw: @autoclosure () -> String, problem: TextProblem? = nil) {
        if let i = rejectedValues.firstIndex(where: { $0.field == field }) {
            rejectedValues[i].count += 1
            if rejectedValues[i].examples.count < Self.maxValueExamples {
                rejectedValues[i].examples.append(.init(line: line, raw: raw(), problem: problem))
            }
        } else {
            rejectedValues.append(FieldRejection(field: field, type: type, count: 1, examples: [.init(line: line, raw: raw(), problem: problem)]))
        }
    }

    public var description: String {
        var lines = ["\(file ?? "<input>"): \(rowsRead) rows read, \(rowsImported) imported, \(totalRejectedRows) rejected"]
        for r in rejectedRows {
            lines.append("  \(r.count) rows rejected: \(r.reason.text) (lines \(r.examples.map { String($0.line) }.joined(separator: ", "))\(r.hasMoreExamples ? ", …" : ""))")
            for e in r.examples.prefix(3) where !e.detail.isEmpty { lines.append("    line \(e.line): \(TerminalText.escaped(e.detail))") }
        }
        for v in rejectedValues {
            let shown = v.examples.map { "line \($0.line): \"\(TerminalText.escaped($0.raw))\"" + ($0.problem.map { " (\($0))" } ?? "") }.joined(separator: "; ")
            lines.append("  \(TerminalText.escaped(v.field)) (\(v.type)): \(v.count) values not understood, kept as missing — \(shown)")
        }
        return lines.joined(separator: "\n")
    }
}
