import OutreachCore

/// Imports the input as CSV and as JSON Lines under `FuzzPopulation.schema`, and again under a schema
/// declaring another encoding and delimiter.
///
/// Besides not crashing, an import must not depend on how the file is cut
/// into chunks (the importer's contract: chunks may split anything), and
/// keeping only some columns must accept and reject the same rows as a
/// full import. Either difference traps.
enum PopulationImportTarget {
    /// Chunk sizes cycled through for the chunked import: small and uneven,
    /// so every kind of boundary (inside a quote, a CRLF, a UTF-8 sequence, the BOM) is met.
    static let chunkSizes = [1, 2, 3, 5, 8, 13]
    static let keptFields: Set<String> = ["gender", "children", "birth_date"]

    static func run(_ input: UnsafeBufferPointer<UInt8>) {
        // As the bundled schema reads it (UTF-8, commas), then as a schema declaring another encoding and
        // delimiter would (chosen from the input, so every combination is met across the corpus): the
        // converting readers (windows-1256, iso-8859-6, utf-16) take the same chunk boundaries.
        let variant = Int(input.first ?? 0) &+ input.count
        let encodings = PopulationEncoding.allCases, delimiters = CSVDelimiter.allCases
        var declared = FuzzPopulation.schema
        declared.encoding = encodings[variant % encodings.count]
        declared.delimiter = delimiters[(variant / encodings.count) % delimiters.count]
        for schema in [FuzzPopulation.schema, declared] {
            for format in [PopulationFormat.csv, .jsonLines] {
                check(input, format: format, schema: schema)
            }
        }
    }

    private static func check(_ input: UnsafeBufferPointer<UInt8>, format: PopulationFormat, schema: PopulationSchema) {
        let whole = ImportOutcome(input, format: format, schema: schema, chunkSizes: nil, fields: nil)
        let chunked = ImportOutcome(input, format: format, schema: schema, chunkSizes: chunkSizes, fields: nil)
        if whole != chunked {
            fatalError("importing \(format.rawValue) (\(schema.encoding), \(schema.delimiter)) in small chunks differs from importing it whole")
        }
        let kept = ImportOutcome(input, format: format, schema: schema, chunkSizes: nil, fields: keptFields)
        if kept.rowCounts != whole.rowCounts {
            fatalError("importing \(format.rawValue) (\(schema.encoding), \(schema.delimiter)) keeping some columns accepts or rejects other rows than a full import")
        }
    }
}

/// What one import gave: every row's values and the report, or the error
/// (as the person would read it).
private enum ImportOutcome: Equatable {
    case imported(rows: [[String]], report: ImportReport)
    case failed(String)

    init(_ input: UnsafeBufferPointer<UInt8>, format: PopulationFormat, schema: PopulationSchema, chunkSizes: [Int]?, fields: Set<String>?) {
        var importer = PopulationImporter(schema: schema, format: format,
                                          fileName: format == .csv ? "people.csv" : "people.jsonl", fields: fields)
        do throws(OutreachError) {
            if let chunkSizes {
                var offset = 0, k = 0
                while offset < input.count {
                    let end = Swift.min(input.count, offset + chunkSizes[k % chunkSizes.count])
                    try importer.consume(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[offset..<end])))
                    offset = end
                    k += 1
                }
            } else {
                try importer.consume(UnsafeRawBufferPointer(input))
            }
            let (population, report) = try importer.finish()
            _ = report.description
            let rows = (0..<population.count).map { row in
                population.fieldNames.map { population.value(row: row, field: $0)?.description ?? "∅" }
            }
            self = .imported(rows: rows, report: report)
        } catch {
            self = .failed(error.description)
        }
    }

    /// Rows read, imported and rejected (the error when there was one).
    var rowCounts: String {
        switch self {
        case .imported(_, let report): return "\(report.rowsRead) \(report.rowsImported) \(report.totalRejectedRows)"
        case .failed(let error): return error
        }
    }
}
