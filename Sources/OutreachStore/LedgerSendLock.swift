#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import OutreachCore

/// The one sender of a ledger: held by `outreach run` for as long as it
/// claims and sends, so that a second run on the same ledger (a cron job
/// overlapping a slow one) cannot claim the same entries, and start-up
/// recovery — which treats every entry left `sending` as in doubt — only
/// ever sees what a dead holder left behind.
///
/// An advisory `flock` on `LEDGER.lock` (created `0600`, holding the
/// holder's process id for the message a second run prints). The kernel
/// drops the lock when its process ends, however it ends, so a crash never
/// leaves a stale lock.
public final class LedgerSendLock: Sendable {
    public let path: String
    private let descriptor: Int32

    /// Takes the lock, or throws at once naming the process that holds it.
    public init(ledgerPath: String) throws(OutreachError) {
        path = ledgerPath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OutreachError(.io, "cannot open the ledger's lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readHolder(fd)
            close(fd)
            throw OutreachError(.io, "another outreach run\(holder.map { " (process \($0))" } ?? "") is sending from the ledger \(ledgerPath)",
                                hint: "two senders on one ledger would send some messages twice: wait for it to finish, or stop it (SIGTERM) first")
        }
        descriptor = fd
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit {
        // Closing the descriptor releases the lock; the file stays (removing it would race with a new holder).
        close(descriptor)
    }

    private static func readHolder(_ fd: Int32) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 31, 0) }
        guard n > 0 else { return nil }
        return Int(String(decoding: buffer[..<n].prefix { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self))
    }
}
