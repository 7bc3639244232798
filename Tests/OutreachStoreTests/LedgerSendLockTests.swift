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
