public import Foundation

/// How long before a launch a send may have been due and still go, at the
/// launch (`late_within: 12h`, `1d`, `2w` in a schedule). A send that passed
/// longer before the launch is not sent; without `late_within` none that
/// passed before the launch is. After the launch the same span also
/// stretches the too-late rule (`SendTimeline.lateness`).
public struct LateWithin: Sendable, Hashable, CustomStringConvertible {
    public var seconds: TimeInterval
    /// As written: `12h`, `1d`, `2w`.
    public var description: String

    /// Parses a whole number of hours, days or weeks: `12h`, `1d`, `2w` (at most 366 days). Nil otherwise.
    public init?(_ text: some StringProtocol) {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 5, let n = Int(digits) else { return nil }
        let unit: TimeInterval
        switch s.dropFirst(digits.count) {
        case "h": unit = 3600
        case "d": unit = 86_400
        case "w": unit = 7 * 86_400
        default: return nil
        }
        guard TimeInterval(n) * unit <= 366 * 86_400 else { return nil }
        self.seconds = TimeInterval(n) * unit
        self.description = "\(n)\(s.dropFirst(digits.count))"
    }
}
