public import Foundation

/// When an outcome counts for a campaign (`attribution: 14d`, the default): for a messaged person when it
/// falls on the day of their first message or within the window's days after it; for a held-out person the
/// same, from when their first message would have gone. Days are the project's local days (outcomes are
/// dates, not instants).
public struct AttributionWindow: Sendable, Equatable, Codable {
    public var days: Int
    public static let `default` = AttributionWindow(days: 14)
    public static let allowedDays = 1...365

    public init(days: Int) { self.days = days }

    public func counts(_ outcome: Day?, after reference: Date?, zone: TimeZone) -> Bool {
        guard let outcome, let reference else { return false }
        let start = LocalDateTime(reference, in: zone).day
        return outcome >= start && outcome <= start.adding(days: days)
    }
}
