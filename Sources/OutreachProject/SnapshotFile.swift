public import OutreachCore
import Foundation

/// Reads and writes `PopulationSnapshot` files: written through a
/// temporary file and renamed (a crash never leaves half a snapshot), `0600`
/// like every file of personal data (`PrivateFile`), read by mapping the file
/// into memory.
public enum SnapshotFile {
    public static let fileExtension = "snap"

    /// Whether `path` names a snapshot rather than a CSV or JSON Lines file.
    public static func isSnapshot(_ path: String) -> Bool {
        path.lowercased().hasSuffix("." + fileExtension)
    }

    public static func write(_ population: Population, to path: String) throws(OutreachError) {
        let temporary = path + ".partial"
        // Owner-only (`PrivateFile`) before the first byte: a snapshot holds the whole population.
        let handle = try PrivateFile.openForWriting(temporary)
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
    /// whose declared type differs means the snapshot is stale. Each column
    /// is read with `pread` straight into its storage (no mapping, no copy).
    public static func load(_ path: String, schema: PopulationSchema?, fields: Set<String>? = nil) throws(OutreachError) -> Population {
        try withFile(path) { (fd, size) throws(OutreachError) in
            let header = try readHeader(fd, size: size, path: path)
            if let schema { try check(header, against: schema, path: path) }
            return try PopulationSnapshot.read(header, fields: fields, file: path) { (offset, destination) throws(OutreachError) in
                try readFully(fd, into: destination, at: offset, path: path)
            }
        }
    }

    /// The header alone.
    public static func header(_ path: String) throws(OutreachError) -> PopulationSnapshot.Header {
        try withFile(path) { (fd, size) throws(OutreachError) in try readHeader(fd, size: size, path: path) }
    }

    private static func readHeader(_ fd: Int32, size: Int, path: String) throws(OutreachError) -> PopulationSnapshot.Header {
        let prefix = UnsafeMutableRawBufferPointer.allocate(byteCount: PopulationSnapshot.prefixLength, alignment: 8)
        defer { prefix.deallocate() }
        guard size >= prefix.count else {
            throw OutreachError(.invalidValue, "\(path) is not a readable Outreach snapshot: it is only \(size) bytes",
                                hint: "make it again with `outreach snapshot`")
        }
        try readFully(fd, into: prefix, at: 0, path: path)
        let length = try PopulationSnapshot.headerLength(UnsafeRawBufferPointer(prefix), file: path)
        guard length <= size - prefix.count else {
            throw OutreachError(.invalidValue, "\(path) is not a readable Outreach snapshot: the header is cut short",
                                hint: "make it again with `outreach snapshot`")
        }
        let json = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 8)
        defer { json.deallocate() }
        try readFully(fd, into: json, at: prefix.count, path: path)
        return try PopulationSnapshot.header(UnsafeRawBufferPointer(json), fileSize: size, file: path)
    }

    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int, path: String) throws(OutreachError) {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw OutreachError(.io, "cannot read \(path)\(n < 0 ? ": " + String(cString: strerror(errno)) : " (it ends early)")",
                                    hint: "make it again with `outreach snapshot`")
            }
            done += n
        }
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

    private static func withFile<T>(_ path: String,
                                    _ body: (Int32, Int) throws(OutreachError) -> T) throws(OutreachError) -> T {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw OutreachError(.missingFile, "cannot open snapshot \(path): \(String(cString: strerror(errno)))",
                                hint: "make one with `outreach snapshot --out \(path)`")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw OutreachError(.io, "cannot read \(path): \(String(cString: strerror(errno)))") }
        return try body(fd, Int(info.st_size))
    }
}
