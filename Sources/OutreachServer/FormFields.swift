/// `application/x-www-form-urlencoded` fields (a query string or a form
/// body), decoded strictly: a broken `%` escape or invalid UTF-8 is a
/// malformed request, not a guess. A repeated name keeps its first value.
struct FormFields: Sendable, Equatable {
    private(set) var values: [String: String] = [:]

    init(_ pairs: [String: String] = [:]) { values = pairs }

    init?(encoded text: Substring) {
        guard let pairs = Self.pairs(encoded: text) else { return nil }
        for (name, value) in pairs where values[name] == nil { values[name] = value }
    }

    /// Every (name, value) in order, repeated names included (what a signature is computed over).
    static func pairs(encoded text: Substring) -> [(String, String)]? {
        var pairs: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty else { return nil }
            guard let value = parts.count > 1 ? Self.decode(parts[1]) : "" else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    subscript(_ name: String) -> String? { values[name] }

    /// Fields of `other` this one lacks are added (query first, then body).
    func merging(_ other: FormFields) -> FormFields {
        FormFields(values.merging(other.values) { mine, _ in mine })
    }

    static func decode(_ text: Substring) -> String? {
        decodeBytes(text).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// The bytes a form-encoded value stands for, whatever their charset; nil for a broken `%` escape.
    static func decodeBytes(_ text: Substring) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
