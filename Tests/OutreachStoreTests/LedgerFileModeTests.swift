import Foundation
import Glibc
import OutreachCore
import OutreachStore
import Testing

/// The permission bits of `path`.
private func mode(_ path: String) -> mode_t {
    var info = stat()
    return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0
}

@Suite("SQLite ledger: owner-only files")
struct LedgerFileModeTests {
    @Test("under a permissive umask, the ledger, its -wal and -shm are 0600 and the folders made for it 0700")
    func privateFiles() async throws {
        // What most systems start with; the library must not depend on the CLI's narrower one.
        umask(0o022)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-modes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let path = root.appendingPathComponent(".outreach/ledger.sqlite").path
        let ledger = try SQLiteLedger(path: path)
        _ = try await ledger.materialise([LedgerEntry(campaign: "c", occurrence: "o", recipientID: "r0", address: phone(0),
                                                      channel: .sms, dueAt: t0, payload: .init(text: "تذكير"),
                                                      key: ledger.messageIDKey)], at: t0)
        #expect(mode(root.path) == 0o700)
        #expect(mode(root.appendingPathComponent(".outreach").path) == 0o700)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(FileManager.default.fileExists(atPath: file), "\(file)")
            #expect(mode(file) == 0o600, "\(file): \(String(mode(file), radix: 8))")
        }
    }

    @Test("a ledger left world-readable by an older version is narrowed to 0600 when opened")
    func narrowsOldLedger() async throws {
        umask(0o022)
        let temporary = try TemporaryLedger()
        defer { temporary.remove() }
        _ = try temporary.open()
        #expect(chmod(temporary.path, 0o644) == 0)
        _ = try temporary.open()
        #expect(mode(temporary.path) == 0o600)
    }
}
