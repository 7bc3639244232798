/// A numeric literal: integers stay exact.
enum NumberValue: Sendable, Equatable {
    case int(Int64)
    case decimal(Double)

    init?(_ text: String) {
        let ascii = Digits.toASCII(text)
        if !ascii.contains("."), let i = Int64(ascii) {
            self = .int(i)
        } else if let d = Double(ascii), d.isFinite {
            self = .decimal(d)
        } else {
            return nil
        }
    }

    var double: Double {
        switch self {
        case .int(let i): return Double(i)
        case .decimal(let d): return d
        }
    }

    var exactInt: Int64? {
        switch self {
        case .int(let i): return i
        case .decimal(let d): return d.rounded() == d ? NumberValue.toInt(d) : nil
        }
    }

    /// Smallest integer ≥ value; nil when out of Int64 range.
    var ceiling: Int64? {
        switch self {
        case .int(let i): return i
        case .decimal(let d): return NumberValue.toInt(d.rounded(.up))
        }
    }

    /// Largest integer ≤ value; nil when out of Int64 range.
    var floor: Int64? {
        switch self {
        case .int(let i): return i
        case .decimal(let d): return NumberValue.toInt(d.rounded(.down))
        }
    }

    private static func toInt(_ d: Double) -> Int64? {
        guard d >= -9.2e18 && d <= 9.2e18 else { return nil }
        return Int64(d)
    }
}
