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
        var info = stat()
        if fstat(fileno(handle), &info) == 0, info.st_size > 0 { importer.expectedBytes = Int(info.st_size) }
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

    /// The columns of a population file as an import would see them (the
    /// CSV header in the schema's encoding and delimiter, or the keys of the
    /// first valid JSON object), reading no further than needed; a snapshot
    /// has none to offer (nil). Throws what the import would throw about
    /// the start of the file: wrong encoding, no id column, and so on.
    public static func columns(_ path: String, schema: PopulationSchema) throws(OutreachError) -> [String]? {
        guard !SnapshotFile.isSnapshot(path), let format = PopulationFormat(fileName: path) else { return nil }
        guard let handle = fopen(path, "rb") else {
            throw OutreachError(.missingFile, "cannot open population file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(handle) }
        var importer = PopulationImporter(schema: schema, format: format, fileName: path, fields: [])
        let size = PopulationImporter.encodingSampleSize
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while importer.columnNames == nil {
            let n = fread(buffer.baseAddress, 1, size, handle)
            if n > 0 { try importer.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
            if n < size {
                if ferror(handle) != 0 { throw OutreachError(.io, "read error in \(path)") }
                _ = try importer.finish()
                return importer.columnNames ?? []
            }
        }
        return importer.columnNames
    }
}
