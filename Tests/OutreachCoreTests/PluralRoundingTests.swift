import Foundation
import Testing
@testable import OutreachCore

/// A plural chooses its form from the number the message shows: ICU rounds
/// the shortest decimal of a double half-even to three fraction digits. At
/// a tie the binary value lies a hair above or below, and rounding it would
/// disagree with what `#` prints.
@Suite struct PluralRoundingTests {
    @Test(arguments: [
        // n, language, message, expected: # is what ICU shows, the form agrees with it
        (2.0005, "ar", "{n, plural, two {two #} other {other #}}", "two 2"),
        (2.0005, "en", "{n, plural, one {one #} other {other #}}", "other 2"),
        (2.0035, "fil", "{n, plural, one {one #} other {other #}}", "other 2.004"),
        (2.0045, "fil", "{n, plural, one {one #} other {other #}}", "other 2.004"),
        (2.0085, "fil", "{n, plural, one {one #} other {other #}}", "one 2.008"),
        (2.0125, "fil", "{n, plural, one {one #} other {other #}}", "one 2.012"),
        (1.0005, "en", "{n, plural, one {one #} other {other #}}", "one 1"),
        (0.0005, "ar", "{n, plural, zero {zero #} one {one #} other {other #}}", "zero 0"),
        (2.5, "ar", "{n, plural, two {two #} other {other #}}", "other 2.5"),
    ])
    func categoryFollowsTheShownDecimal(_ n: Double, _ language: String, _ message: String, _ expected: String) throws {
        #expect(try renderedText(message, locale: language, ["n": .decimal(n)]) == expected)
    }

    @Test(arguments: [
        (2.0005, 2, 0, 0), (2.0035, 2, 3, 4), (2.0045, 2, 3, 4), (2.0085, 2, 3, 8),
        (0.0025, 0, 3, 2), (0.0015, 0, 3, 2), (1e-7, 0, 0, 0), (123456789.0125, 123456789, 3, 12),
        (1e15, 1_000_000_000_000_000, 0, 0), (9.9995, 10, 0, 0), (0.12345, 0, 3, 123),
    ])
    func operandsRoundTheDecimalHalfEven(_ n: Double, _ i: Int64, _ v: Int, _ f: Int64) {
        let operands = PluralOperands(n)
        #expect(operands.i == i && operands.v == v && operands.f == f, "\(n): \(operands)")
    }

    /// Over thousands of four-digit decimals, the operands are those of the
    /// number as ICU formats it (Foundation's NumberFormatter is ICU).
    @Test func operandsMatchTheFormattedNumber() {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en@numbers=latn")
        formatter.numberStyle = .decimal
        formatter.usesGroupingSeparator = false
        var mismatches: [String] = []
        for base in [0.0, 1, 2, 3, 10, 99, 1000] {
            for k in 0..<1000 {
                let n = base + Double(k * 10 + 5) / 10_000  // x.yyy5: every one a tie
                guard let shown = formatter.string(from: NSNumber(value: n)) else { continue }
                let parts = shown.split(separator: ".", omittingEmptySubsequences: false)
                let fraction = parts.count > 1 ? String(parts[1]) : ""
                let operands = PluralOperands(n)
                if operands.i != Int64(parts[0]) || operands.v != fraction.count || operands.f != (Int64(fraction) ?? 0) {
                    mismatches.append("\(n) shown \(shown) but i=\(operands.i) v=\(operands.v) f=\(operands.f)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
