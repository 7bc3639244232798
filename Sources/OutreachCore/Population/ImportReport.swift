/// What an import did: rows read and imported, and everything it refused.
///
/// Nothing is dropped silently. A row is rejected whole (wrong column count,
/// blank, invalid or duplicate id, bad quoting, invalid JSON) and counted per
/// reason with up to 10 example lines; a value that does not parse for its
/// field's type is stored as missing and counted per field with up to 5
/// examples. Line numbers are physical lines of the file where the record
/// starts; the CSV header is line 1.
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

    mutating func rejectRow(_ reason: RowRejection.Reason, line: Int, detail: String) {
        totalRejectedRows += 1
        if let i = rejectedRows.firstIndex(where: { $0.reason == reason }) {
            rejectedRows[i].count += 1
            if rejectedRows[i].examples.count < Self.maxRowExamples {
                rejectedRows[i].examples.append(.init(line: line, detail: detail))
            }
        } else {
            rejectedRows.append(RowRejection(reason: reason, count: 1, examples: [.init(line: line, detail: detail)]))
        }
    }

    mutating func rejectValue(field: String, type: FieldType, line: Int, raw: @autoclosure () -> String) {
        if let i = rejectedValues.firstIndex(where: { $0.field == field }) {
            rejectedValues[i].count += 1
            if rejectedValues[i].examples.count < Self.maxValueExamples {
                rejectedValues[i].examples.append(.init(line: line, raw: raw()))
            }
        } else {
            rejectedValues.append(FieldRejection(field: field, type: type, count: 1, examples: [.init(line: line, raw: raw())]))
        }
    }

    public var description: String {
        var lines = ["\(file ?? "<input>"): \(rowsRead) rows read, \(rowsImported) imported, \(totalRejectedRows) rejected"]
        for r in rejectedRows {
            lines.append("  \(r.count) rows rejected: \(r.reason.text) (lines \(r.examples.map { String($0.line) }.joined(separator: ", "))\(r.count > r.examples.count ? ", …" : ""))")
            for e in r.examples.prefix(3) where !e.detail.isEmpty { lines.append("    line \(e.line): \(e.detail)") }
        }
        for v in rejectedValues {
            let shown = v.examples.map { "line \($0.line): \"\($0.raw)\"" }.joined(separator: "; ")
            lines.append("  \(v.field) (\(v.type)): \(v.count) values not understood, kept as missing — \(shown)")
        }
        return lines.joined(separator: "\n")
    }
}
