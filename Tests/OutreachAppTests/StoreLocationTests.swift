import Foundation
import OutreachApp
import OutreachCore
import OutreachProject
import Testing

@Suite("Store selection")
struct StoreLocationTests {
    @Test("default: the embedded SQLite file in the project folder")
    func defaultPath() throws {
        let workspace = try Workspace.load(root: ExampleProject.root.path)
        #expect(try workspace.storeLocation() == .sqlite(path: ExampleProject.root.appendingPathComponent(".outreach/ledger.sqlite").path))
        // --ledger wins over the project's.
        #expect(try workspace.storeLocation("/tmp/other.sqlite") == .sqlite(path: "/tmp/other.sqlite"))
    }

    @Test("store: names a SQLite file, relative to the project folder or absolute, with or without sqlite:",
          arguments: [("data-store/ledger.sqlite", "data-store/ledger.sqlite"),
                      ("sqlite:data-store/x.db", "data-store/x.db"),
                      ("sqlite:///ABS/y.sqlite", "/ABS/y.sqlite"),
                      ("/ABS/z.sqlite", "/ABS/z.sqlite")])
    func explicitSQLite(written: String, expected: String) async throws {
        let dir = try ExampleProject.copy()
        let absolute = dir.appendingPathComponent("elsewhere").path
        try FileManager.default.createDirectory(atPath: absolute, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data-store"), withIntermediateDirectories: true)
        try ExampleProject.appendToConfiguration(dir, "store: \(written.replacingOccurrences(of: "/ABS", with: absolute))")
        let workspace = try Workspace.load(root: dir.path)
        let path = expected.hasPrefix("/ABS") ? expected.replacingOccurrences(of: "/ABS", with: absolute)
                                              : dir.appendingPathComponent(expected).path
        #expect(try workspace.storeLocation() == .sqlite(path: path))
        // The ledger opens there, and the suppression list is read from it.
        let store = try workspace.openLedger(nil)
        #expect(store.path == path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try await workspace.suppression().isEmpty)
    }

    @Test("store: postgres://… is read, then refused: not supported yet, and the password is never repeated")
    func postgresRefused() throws {
        let dir = try ExampleProject.copy()
        try ExampleProject.appendToConfiguration(dir, "store: postgres://outreach:s3cret-pass@db.example:6543/campaigns")
        let workspace = try Workspace.load(root: dir.path)
        let location = try workspace.storeLocation()
        #expect(location == .postgres(.init(user: "outreach", host: "db.example", port: 6543, database: "campaigns")))
        let error = try #require(#expect(throws: OutreachError.self) { try workspace.openLedger(nil) })
        #expect(error.message.contains("PostgreSQL is not supported yet"))
        #expect(error.message.contains("db.example:6543/campaigns"))
        #expect(error.hint?.contains("SQLite") == true)
        #expect(!error.description.contains("s3cret-pass"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(".outreach/ledger.sqlite").path))
        // postgresql:// is the same thing, with the default port.
        #expect(try StoreLocation.parse("postgresql://db/outreach", root: "/") == .postgres(.init(user: nil, host: "db", port: 5432, database: "outreach")))
    }

    @Test("garbage in store: is refused where outreach.yaml writes it, with the forms it may take",
          arguments: ["mysql://db/outreach", "postgres://", "postgres://db.example", "postgres://db:99999/x",
                      "''", "'sqlite:'", "folder/"])
    func garbageRefused(written: String) throws {
        let dir = try ExampleProject.copy()
        try ExampleProject.appendToConfiguration(dir, "store: \(written)")
        let lines = try String(contentsOf: dir.appendingPathComponent("outreach.yaml"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.hasPrefix("store:") }) + 1
        let workspace = try Workspace.load(root: dir.path)
        let error = try #require(#expect(throws: OutreachError.self) { try workspace.storeLocation() })
        #expect(error.code == .invalidValue)
        #expect(error.location?.line == line)
        #expect(error.hint?.contains("postgres://USER@HOST:PORT/DATABASE") == true)
        #expect(throws: OutreachError.self) { try workspace.openLedger(nil) }
    }

    @Test("a password in a refused URL is masked")
    func passwordMasked() throws {
        let error = try #require(#expect(throws: OutreachError.self) {
            try StoreLocation.parse("mongodb://admin:hunter2hunter2@db/x", root: "/")
        })
        #expect(!error.description.contains("hunter2hunter2"))
        #expect(error.message.contains("admin:***@db"))
    }
}
