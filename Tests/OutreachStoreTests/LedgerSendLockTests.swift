import Foundation
import OutreachCore
import OutreachStore
import Testing

@Suite("One sender per ledger")
struct LedgerSendLockTests {
    private func temporaryLedgerPath() throws -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return (dir, dir.appendingPathComponent("ledger.sqlite").path)
    }

    @Test("a second holder is refused with the first one's process id; the lock is free again once released")
    func exclusive() throws {
        let (dir, path) = try temporaryLedgerPath()
        defer { try? FileManager.default.removeItem(at: dir) }
        var first: LedgerSendLock? = try LedgerSendLock(ledgerPath: path)
        #expect(first != nil)
        do {
            _ = try LedgerSendLock(ledgerPath: path)
            Issue.record("a second sender got the lock")
        } catch {
            #expect(error.message.contains("another outreach run (process \(getpid()))"), "\(error)")
            #expect(error.message.contains(path))
        }
        first = nil
        let again = try LedgerSendLock(ledgerPath: path)
        #expect(again.path == path + ".lock")
        let attributes = try FileManager.default.attributesOfItem(atPath: again.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}

@Suite("A ledger file that is not a ledger")
struct LedgerFileRefusalTests {
    @Test("an empty file or a file that is not SQLite is refused and left as it is", arguments: [
        (Data(), "exists but is empty"),
        (Data("national_id,first_name\n1,x\n".utf8), "is not an SQLite database"),
    ])
    func refused(contents: Data, message: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-notledger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        #expect(FileManager.default.createFile(atPath: path, contents: contents))
        do {
            _ = try SQLiteLedger(path: path)
            Issue.record("opened a file that is not a ledger")
        } catch {
            #expect(error.message.contains(message), "\(error)")
        }
        #expect(FileManager.default.contents(atPath: path) == contents)   // never replaced
        // A real ledger still opens, and opens again.
        let real = dir.appendingPathComponent("real.sqlite").path
        _ = try SQLiteLedger(path: real)
        _ = try SQLiteLedger(path: real)
    }
}
