public import OutreachCore
import Foundation

/// Reads and writes `PopulationSnapshot` files: written through a
/// temporary file and renamed (a crash never leaves half a snapshot), read
/// by mapping the file into memory.
public enum SnapshotFile {
    public static let fileExtension = "snap"

    /// Whether `path` names a snapshot rather than a CSV or JSON Lines file.
    public static func isSnapshot(_ path: String) -> Bool {
        path.lowercased().hasSuffix("." + fileExtension)
    }

    public static func write(_ population: Population, to path: String) throws(OutreachError) {
        let temporary = path + ".partial"
        guard let handle = fopen(temporary, "wb") else {
            throw OutreachError(.io, "cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        do throws(OutreachError) {
            try PopulationSnapshot.write(population) { (bytes) throws(OutreachError) in
                guard bytes.count == 0 || fwrite(bytes.baseAddress, 1, bytes.count, handle) == bytes.count else {
                    throw OutreachError(.io, "cannot write \(temporary): \(String(cString: strerror(errno)))")
                }
            }
        } catch {
            fclose(handle)
            unlink(temporary)
            throw error
        }
        guard fclose(handle) == 0 else {
            unlink(temporary)
            throw OutreachError(.io, "cannot finish writing \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw OutreachError(.io, "cannot move the snapshot into place at \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Loads a snapshot, checking it against the project's schema: a field
    /// whose declared type differs means the snapshot is stale.
    public static func load(_ path: String, schema: PopulationSchema?, fields: Set<String>? = nil) throws(OutreachError) -> Population {
        try withMapped(path) { (bytes) throws(OutreachError) in
            if let schema {
                let header = try PopulationSnapshot.header(bytes, file: path)
                try check(header, against: schema, path: path)
            }
            return try PopulationSnapshot.read(bytes, fields: fields, file: path)
        }
    }

    /// The header alone.
    public static func header(_ path: String) throws(OutreachError) -> PopulationSnapshot.Header {
        try withMapped(path) { (bytes) throws(OutreachError) in try PopulationSnapshot.header(bytes, file: path) }
    }

    static func check(_ header: PopulationSnapshot.Header, against schema: PopulationSchema, path: String) throws(OutreachError) {
        let hint = "the snapshot was made with another schema: run `outreach snapshot` again"
        guard header.idField == schema.idField else {
            throw OutreachError(.invalidProject, "\(path): the snapshot's id is '\(header.idField)', the schema's is '\(schema.idField)'", hint: hint)
        }
        for field in header.fields {
            if let declared = schema.fields[field.name], declared != field.type {
                throw OutreachError(.invalidProject, "\(path): '\(field.name)' is \(field.type) in the snapshot but \(declared) in the schema", hint: hint)
            }
        }
        for name in schema.fields.keys where !header.fields.contains(where: { $0.name == name }) {
            throw OutreachError(.invalidProject, "\(path): the snapshot has no field '\(name)', which the schema declares", hint: hint)
        }
    }

    private static func withMapped<T>(_ path: String,
                                      _ body: (UnsafeRawBufferPointer) throws(OutreachError) -> T) throws(OutreachError) -> T {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw OutreachError(.missingFile, "cannot open snapshot \(path): \(String(cString: strerror(errno)))",
                                hint: "make one with `outreach snapshot --out \(path)`")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw OutreachError(.io, "cannot read \(path): \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw OutreachError(.io, "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        defer { munmap(base, size) }
        _ = madvise(base, size, MADV_SEQUENTIAL)
        return try body(UnsafeRawBufferPointer(start: base, count: size))
    }
}
