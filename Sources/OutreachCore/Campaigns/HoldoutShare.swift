/// A held-out share of an audience (`holdout: 5%`): from 0 to 50 percent, kept as a fraction.
public struct HoldoutShare: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 0...0.5.
    public let fraction: Double

    /// The largest share a campaign may hold out: more would leave the treated group the smaller one.
    public static let maximumPercent = 50.0

    public init?(percent: Double) {
        guard percent.isFinite, percent >= 0, percent <= Self.maximumPercent else { return nil }
        fraction = percent / 100
    }

    /// `5%`, `2.5%` or `5` (percent either way); nil for anything else or outside 0–50%.
    public init?(_ text: String) {
        var body = Substring(text).drop(while: { $0 == " " })
        while body.last == " " { body = body.dropLast() }
        if body.last == "%" { body = body.dropLast() }
        while body.last == " " { body = body.dropLast() }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let percent = Double(body) else { return nil }
        self.init(percent: percent)
    }

    public var percent: Double { fraction * 100 }

    /// `5%`, `2.5%`.
    public var description: String {
        let p = percent
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }
}

