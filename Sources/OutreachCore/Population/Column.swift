import Foundation

/// One field of a population, stored as a typed array.
///
/// Sentinels for missing: text code 0, `Int64.min`, NaN, `Int32.min` for
/// dates, 255 for bools and genders.
public enum Column: Sendable {
    case text(TextColumn)
    case int([Int64])
    case decimal([Double])
    case bool([UInt8])
    case date([Int32])
    case gender([UInt8])

    public static let missingInt = Int64.min
    public static let missingDate = Int32.min
    public static let missingByte: UInt8 = 255

    static func empty(for type: FieldType) -> Column {
        switch type.storage {
        case .text, .phone, .email: return .text(TextColumn())
        case .int: return .int([])
        case .decimal: return .decimal([])
        case .bool: return .bool([])
        case .date, .hijriDate: return .date([])
        case .gender: return .gender([])
        }
    }

    mutating func append(_ value: Value?) {
        switch self {
        case .text(var c):
            self = .int([]) // release the payload so the append does not copy
            switch value {
            case nil: c.appendMissing()
            case .text(let s)?: c.append(s)
            case let v?: c.append(v.description)
            }
            self = .text(c)
        case .int(var a):
            self = .bool([])
            if case .int(let i)? = value { a.append(i) } else { a.append(Column.missingInt) }
            self = .int(a)
        case .decimal(var a):
            self = .bool([])
            switch value {
            case .decimal(let d)?: a.append(d)
            case .int(let i)?: a.append(Double(i))
            default: a.append(.nan)
            }
            self = .decimal(a)
        case .bool(var a):
            self = .int([])
            if case .bool(let b)? = value { a.append(b ? 1 : 0) } else { a.append(Column.missingByte) }
            self = .bool(a)
        case .date(var a):
            self = .int([])
            if case .date(let d)? = value { a.append(d.daysSinceEpoch) } else { a.append(Column.missingDate) }
            self = .date(a)
        case .gender(var a):
            self = .int([])
            if case .gender(let g)? = value { a.append(g.rawValue) } else { a.append(Column.missingByte) }
            self = .gender(a)
        }
    }

    /// Appends a text value given as UTF-8 (trimmed, not empty); any other
    /// kind of column takes it as a `.text` value.
    mutating func appendText(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        guard case .text(var c) = self else { return append(.text(String(decoding: bytes, as: UTF8.self))) }
        self = .int([]) // release the payload so the append does not copy
        c.append(utf8: bytes)
        self = .text(c)
    }

    /// Room for `rows` rows (and as many distinct text values if `distinct`).
    mutating func reserveCapacity(_ rows: Int, distinct: Bool) {
        switch self {
        case .text(var c):
            self = .int([])
            c.reserveCapacity(rows, distinct: distinct)
            self = .text(c)
        case .int(var a):
            self = .bool([])
            a.reserveCapacity(rows)
            self = .int(a)
        case .decimal(var a):
            self = .bool([])
            a.reserveCapacity(rows)
            self = .decimal(a)
        case .bool(var a):
            self = .int([])
            a.reserveCapacity(rows)
            self = .bool(a)
        case .date(var a):
            self = .int([])
            a.reserveCapacity(rows)
            self = .date(a)
        case .gender(var a):
            self = .int([])
            a.reserveCapacity(rows)
            self = .gender(a)
        }
    }

    /// As `appendText(utf8:)` for a value read from a file: false, and
    /// missing appended, when it is not valid text (see `TextProblem`). A
    /// text column checks only values it has not seen before.
    mutating func appendCheckedText(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard case .text(var c) = self else {
            guard TextProblem.first(in: bytes) == nil else { append(nil); return false }
            append(.text(String(decoding: bytes, as: UTF8.self)))
            return true
        }
        self = .int([]) // release the payload so the append does not copy
        let valid = c.appendChecked(utf8: bytes)
        self = .text(c)
        return valid
    }

    /// As `appendText(utf8:)` when the value is not in the column yet;
    /// otherwise nothing is appended and the result is false.
    mutating func appendTextIfNew(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard case .text(var c) = self else {
            append(.text(String(decoding: bytes, as: UTF8.self)))
            return true
        }
        self = .int([]) // release the payload so the append does not copy
        let isNew = c.appendIfNew(utf8: bytes)
        self = .text(c)
        return isNew
    }

    public func value(at row: Int) -> Value? {
        switch self {
        case .text(let c):
            return c.string(at: row).map(Value.text)
        case .int(let a):
            return a[row] == Column.missingInt ? nil : .int(a[row])
        case .decimal(let a):
            return a[row].isNaN ? nil : .decimal(a[row])
        case .bool(let a):
            return a[row] == Column.missingByte ? nil : .bool(a[row] == 1)
        case .date(let a):
            return a[row] == Column.missingDate ? nil : .date(Day(daysSinceEpoch: a[row]))
        case .gender(let a):
            return a[row] == Column.missingByte ? nil : Gender(rawValue: a[row]).map(Value.gender)
        }
    }
}

/// Dictionary-encoded text: `codes[row]` indexes `dictionary`; code 0 is missing.
public struct TextColumn: Sendable {
    public private(set) var codes: [UInt32] = []
    /// Distinct values; index 0 is a placeholder for missing.
    public private(set) var dictionary: [String] = [""]
    /// Open-addressing table of codes (0: empty slot), keyed by a hash of
    /// the value's UTF-8 bytes: interning is the import's hot path, and
    /// `String`'s own hashing normalises Unicode for every value. Values are
    /// kept byte for byte (canonically equivalent spellings stay distinct
    /// entries; rules compare normalised keys anyway).
    private var slots: [UInt32] = []
    /// Per code, the value's hash (index 0 unused).
    private var hashes: [UInt64] = [0]

    public init() {}

    /// A finished column (the snapshot reader). The lookup table is built
    /// only if something is appended later.
    init(codes: [UInt32], dictionary: [String]) {
        self.codes = codes
        self.dictionary = dictionary
    }

    mutating func appendMissing() { codes.append(0) }

    mutating func append(_ s: String) {
        var bytes = s   // withUTF8 may make a native copy; `s` is what is stored
        let code = bytes.withUTF8 { intern($0, s) }
        codes.append(code)
    }

    /// Appends a value given as UTF-8 bytes (the importer's path): a
    /// `String` is made only for a value not seen before.
    mutating func append(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        codes.append(intern(bytes, nil))
    }

    /// As `append(utf8:)`, checking a value not seen before to be valid
    /// text (values in the dictionary were checked when they were added, so
    /// repeated names and cities cost nothing); one that is not is
    /// appended as missing and the result is false.
    mutating func appendChecked(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let code = intern(bytes, nil, checking: true)
        guard code != Self.notText else {
            codes.append(0)
            return false
        }
        codes.append(code)
        return true
    }

    /// What `intern` returns for a value that is not valid text, when checking.
    private static let notText = UInt32.max

    mutating func reserveCapacity(_ rows: Int, distinct: Bool) {
        codes.reserveCapacity(rows)
        if distinct {
            dictionary.reserveCapacity(rows + 1)
            hashes.reserveCapacity(rows + 1)
        }
    }

    /// Appends the value only if it is not in the dictionary yet.
    mutating func appendIfNew(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let entries = dictionary.count
        let code = intern(bytes, nil)
        guard dictionary.count > entries else { return false }
        codes.append(code)
        return true
    }

    /// The code of `bytes`, adding the value when new (`s`: its `String`
    /// when the caller has one).
    private mutating func intern(_ bytes: UnsafeBufferPointer<UInt8>, _ s: String?, checking: Bool = false) -> UInt32 {
        if hashes.count < dictionary.count { rebuild() }
        if (dictionary.count + 1) * 2 > slots.count { grow() }
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let code = slots[i]
            if code == 0 { break }
            if hashes[Int(code)] == hash, Self.equal(dictionary[Int(code)], bytes) { return code }
            i = (i + 1) & mask
        }
        if checking, TextProblem.first(in: bytes) != nil { return Self.notText }
        let value = s ?? String(decoding: bytes, as: UTF8.self)
        if s == nil, !Self.equal(value, bytes) {
            // Invalid UTF-8, repaired: the entry is keyed by the repaired
            // bytes, as when the caller makes the `String` itself.
            var repaired = value
            return repaired.withUTF8 { intern($0, value) }
        }
        let code = UInt32(dictionary.count)
        dictionary.append(value)
        hashes.append(hash)
        slots[i] = code
        return code
    }

    /// Doubles the table (at most half full) and re-places every code.
    private mutating func grow() {
        let size = Swift.max(64, slots.count * 2)
        slots = [UInt32](repeating: 0, count: size)
        let mask = size - 1
        slots.withUnsafeMutableBufferPointer { table in
            for code in 1..<hashes.count {
                var i = Int(truncatingIfNeeded: hashes[code]) & mask
                while table[i] != 0 { i = (i + 1) & mask }
                table[i] = UInt32(code)
            }
        }
    }

    /// Hashes for a column made by the snapshot reader.
    private mutating func rebuild() {
        hashes = [0]
        hashes.reserveCapacity(dictionary.count)
        for k in 1..<dictionary.count {
            var value = dictionary[k]
            hashes.append(value.withUTF8 { Self.hash($0) })
        }
        slots = []
        grow()
        while dictionary.count * 2 > slots.count { grow() }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        ByteHash.hash(bytes)
    }

    private static func equal(_ value: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var value = value
        return value.withUTF8 { stored in
            stored.count == bytes.count && (stored.count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, stored.count) == 0)
        }
    }

    public func string(at row: Int) -> String? {
        let code = codes[row]
        return code == 0 ? nil : dictionary[Int(code)]
    }
}
