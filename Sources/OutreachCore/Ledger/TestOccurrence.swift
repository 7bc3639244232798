public import Foundation

/// Test sends (`send CAMPAIGN --test --to ADDRESS`) live in the ledger as
/// occurrences whose key begins `test@`: recorded like any send, sent to
/// staff only, and left out of every report figure but their own count.
public enum TestOccurrence {
    public static let prefix = "test@"

    /// The key of a test made at `instant` (to the millisecond: each test run is its own occurrence).
    public static func key(at instant: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return prefix + f.string(from: instant)
    }

    public static func isTest(_ occurrence: String) -> Bool { occurrence.hasPrefix(prefix) }
}
