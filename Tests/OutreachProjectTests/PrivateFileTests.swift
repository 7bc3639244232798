import Foundation
import Glibc
import OutreachCore
import OutreachProject
import Testing

@Suite("Files of personal data are owner-only")
struct PrivateFileTests {
    func mode(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
    }

    @Test("a snapshot and an export are 0600 under a permissive umask, also when written over a 0644 file")
    func snapshotAndExport() throws {
        umask(0o022)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-private-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var importer = PopulationImporter(schema: PopulationSchema(idField: "id"), format: .csv, fileName: "people.csv")
        let bytes = Array("id,first_name\n1001,Sara\n".utf8)
        try bytes.withUnsafeBytes { try importer.consume($0) }
        let population = try importer.finish().0
        let snapshot = folder.appendingPathComponent("people.snap").path
        try SnapshotFile.write(population, to: snapshot)
        #expect(mode(snapshot) == 0o600)

        let export = folder.appendingPathComponent("messages.txt").path
        FileManager.default.createFile(atPath: export, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        #expect(mode(export) == 0o644)
        let file = try PrivateFile.openForWriting(export)
        fclose(file)
        #expect(mode(export) == 0o600)
        // A device written to is left as it is.
        fclose(try PrivateFile.openForWriting("/dev/null"))
        #expect(mode("/dev/null") == 0o666)
    }
}
