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
    private var index: [String: UInt32] = [:]

    public init() {}

    /// A finished column (the snapshot reader). The lookup index is rebuilt
    /// only if something is appended later.
    init(codes: [UInt32], dictionary: [String]) {
        self.codes = codes
        self.dictionary = dictionary
        self.indexIsStale = dictionary.count > 1
    }

    private var indexIsStale = false

    mutating func appendMissing() { codes.append(0) }

    mutating func append(_ s: String) {
        if indexIsStale {
            for (code, value) in dictionary.enumerated().dropFirst() { index[value] = UInt32(code) }
            indexIsStale = false
        }
        if let code = index[s] {
            codes.append(code)
        } else {
            let code = UInt32(dictionary.count)
            dictionary.append(s)
            index[s] = code
            codes.append(code)
        }
    }

    public func string(at row: Int) -> String? {
        let code = codes[row]
        return code == 0 ? nil : dictionary[Int(code)]
    }
}
