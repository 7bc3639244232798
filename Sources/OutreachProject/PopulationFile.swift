public import OutreachCore
import Foundation

/// Streams a population file from disk into the core's importer in 1 MiB
/// chunks, so memory holds the columns, not the file.
public enum PopulationFile {
    public static let chunkSize = 1 << 20

    public static func load(_ path: String, schema: PopulationSchema) throws(OutreachError) -> (Population, ImportReport) {
        try load(path, schema: schema, fields: nil)
    }

    /// As `load(_:schema:)`; a snapshot (`.snap`, see `SnapshotFile`) is
    /// read instead of imported. `fields`, when given, limits the columns
    /// loaded to those: a snapshot reads only their sections, a CSV or JSON
    /// Lines import parses and stores only them (rows are accepted and
    /// rejected as in a full import; the report's rejected values cover the
    /// kept columns only).
    public static func load(_ path: String, schema: PopulationSchema, fields: Set<String>?) throws(OutreachError) -> (Population, ImportReport) {
        if SnapshotFile.isSnapshot(path) {
            let population = try SnapshotFile.load(path, schema: schema, fields: fields)
            var report = ImportReport(file: path)
            report.rowsRead = population.count
            report.rowsImported = population.count
            return (population, report)
        }
        guard let format = PopulationFormat(fileName: path) else {
            throw OutreachError(.invalidValue, "cannot tell the format of \(path)", hint: "name population files .csv or .jsonl")
        }
        guard let handle = fopen(path, "rb") else {
            throw OutreachError(.missingFile, "cannot open population file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(handle) }
        var importer = PopulationImporter(schema: schema, format: format, fileName: path, fields: fields)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = fread(buffer.baseAddress, 1, chunkSize, handle)
            if n > 0 { try importer.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
            if n < chunkSize {
                if ferror(handle) != 0 { throw OutreachError(.io, "read error in \(path)") }
                break
            }
        }
        return try importer.finish()
    }
}
