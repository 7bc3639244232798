/// Turns one raw field value into a typed `Value`, normalising as it goes.
///
/// Every type trims surrounding white space (ASCII, no-break space, bidi
/// marks, BOM); a value that is then empty is missing. The importer calls the
/// byte-level entry point so numbers, dates, booleans and genders are parsed
/// straight from the file's bytes without building a `String`.
///
/// - `int`, `decimal`: optional sign, Western, Arabic-Indic or Persian
///   digits; decimal point `.` or `٫`, optional exponent.
/// - `bool`: true/false, yes/no, 1/0, نعم/لا (any case).
/// - `gender`: male/m/ذكر, female/f/أنثى/انثى (any case).
/// - `date`: ISO `YYYY-MM-DD`; `hijri_date`: Umm al-Qura `YYYY-MM-DD`,
///   optionally followed by `هـ`, stored as the same day type.
/// - `phone`: E.164 via `PhoneNumber.normalize`.
/// - `email`: one `@`, non-empty local part, a dotted domain, no spaces;
///   the domain is lower-cased, the local part kept.
/// - `text`: trimmed; inner text kept as is.
public enum FieldParser {
    public static func parse(_ raw: String, as type: FieldType) -> FieldParseResult {
        var raw = raw
        return raw.withUTF8 { parse(utf8: $0, as: type) }
    }

    /// Parses UTF-8 bytes (the importer's path).
    public static func parse(utf8 raw: UnsafeBufferPointer<UInt8>, as type: FieldType) -> FieldParseResult {
        let bytes = FieldBytes.trimmed(raw)
        if bytes.isEmpty { return .missing }
        switch type {
        case .text:
            return .value(.text(String(decoding: bytes, as: UTF8.self)))
        case .int:
            return FieldBytes.integer(bytes).map { .value(.int($0)) } ?? .rejected
        case .decimal:
            return FieldBytes.decimal(bytes).map { .value(.decimal($0)) } ?? .rejected
        case .bool:
            return FieldBytes.bool(bytes).map { .value(.bool($0)) } ?? .rejected
        case .gender:
            return FieldBytes.gender(bytes).map { .value(.gender($0)) } ?? .rejected
        case .date:
            return FieldBytes.isoDay(bytes).map { .value(.date($0)) } ?? .rejected
        case .hijriDate:
            return FieldBytes.hijriDay(bytes).map { .value(.date($0)) } ?? .rejected
        case .phone:
            return PhoneNumber.normalize(String(decoding: bytes, as: UTF8.self)).map { .value(.text($0)) } ?? .rejected
        case .email:
            return FieldBytes.email(bytes).map { .value(.text($0)) } ?? .rejected
        }
    }
}
