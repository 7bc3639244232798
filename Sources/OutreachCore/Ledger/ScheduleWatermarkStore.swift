public import Foundation

/// How far the scheduler has materialised each campaign: every send due at
/// or before the watermark is in the ledger. Kept with the ledger so a
/// restarted `outreach run` neither re-renders a million messages nor misses
/// any (materialising is idempotent, so a crash between materialising and
/// moving the watermark only repeats harmless work).
public protocol ScheduleWatermarkStore: Sendable {
    func materialisedThrough(campaign: String) async throws -> Date?
    func setMaterialisedThrough(campaign: String, _ instant: Date) async throws
}
