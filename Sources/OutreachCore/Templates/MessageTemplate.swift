/// One parsed ICU MessageFormat (v1) string: an SMS text, an email subject,
/// text or html body.
///
/// Supported: `{field}`, `{n, number}` (styles `integer`, `percent`),
/// `{d, date}` (styles `short`, `medium` (default), `long`, `full`, and the
/// Outreach additions `hijri` and `gregorian`), `{x, select, … other {…}}`,
/// `{n, plural, offset:N =N {…} zero|one|two|few|many|other {…}}` with `#`,
/// and `{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}`.
/// Apostrophes quote as in ICU's default mode: `''` is one apostrophe; a
/// single apostrophe starts quoted text only before `{` or `}` (and `#` inside
/// a plural case); otherwise it is a plain apostrophe. Unlike ICU, a stray `}`
/// at the top level is an error (it is almost always a typo).
///
/// Values: `{field}` prints text as is, numbers in the locale's number
/// format, dates in its medium date style, booleans as true/false and
/// genders as male/female. `number` and `plural` take int, decimal or
/// numeric text (Arabic-Indic digits too); `date` takes a date or ISO text.
/// A missing value fails the recipient ("missing first_name") except in
/// `select`, where it picks `other`; built-in words (`BuiltinWord`) stand in
/// for a missing field of their name.
///
/// The parsed form is a flat array of parts: a `select` or `plural` part is
/// followed by its cases' parts and records where each case starts and ends,
/// so rendering walks one array without pointer chasing.
public struct MessageTemplate: Sendable {
    /// Field names the message reads from a recipient (built-in words such
    /// as `salutation` are listed under their own name; see `builtinsUsed`).
    public var arguments: Set<String>
    /// Built-in words the message uses (`salutation`, `role_parent`, …).
    public var builtinsUsed: Set<String>
    /// The source text, kept for previews.
    public var source: String
    /// The source with its place in the file, for errors found after parsing.
    var sourceText: SourceText
    /// Character offset of each argument's first use in `source`.
    var argumentOffsets: [String: Int]
    var parts: [MessagePart]

    /// Parses `source`; errors carry the line and column in the template file.
    public static func parse(_ source: SourceText) throws(OutreachError) -> MessageTemplate {
        var parser = MessageParser(source)
        let parts = try parser.parse()
        var arguments: Set<String> = []
        var builtins: Set<String> = []
        for part in parts {
            switch part {
            case .simple(let name, _, let builtin):
                arguments.insert(name)
                if builtin != nil { builtins.insert(name) }
            case .select(let name, _, _, _), .plural(let name, _, _, _, _, _, _):
                arguments.insert(name)
            case .literal, .pound:
                break
            }
        }
        return MessageTemplate(arguments: arguments, builtinsUsed: builtins, source: source.text, sourceText: source,
                               argumentOffsets: parser.firstOffsets, parts: parts)
    }

    /// One error per field the message reads that `known` lacks, located at
    /// its first use, with the closest known name (or built-in word) offered.
    /// Built-in words are never unknown: they stand in for a missing field.
    /// Such a field would fail every recipient (or always choose `other`).
    func unknownFieldErrors(known: Set<String>, template: String) -> [OutreachError] {
        var errors: [OutreachError] = []
        for name in arguments.sorted(by: { (argumentOffsets[$0] ?? 0) < (argumentOffsets[$1] ?? 0) })
        where !known.contains(name) && BuiltinWord(rawValue: name) == nil {
            let candidates = known.union(BuiltinWord.allCases.map(\.rawValue))
            var hint = "add '\(name)' to the population, or fix the name"
            if let close = NameSuggestion.closest(to: name, in: candidates) { hint = "did you mean '\(close)'?" }
            errors.append(OutreachError(.unknownField, "template '\(template)' uses unknown field '\(name)'",
                                        in: sourceText, atCharacterOffset: argumentOffsets[name] ?? 0, hint: hint))
        }
        return errors
    }

    /// Fields a recipient must (or may) have: `arguments` with built-in words
    /// replaced by `gender`, which they read when the recipient has no field
    /// of the built-in's name.
    public var recipientFields: Set<String> {
        var fields = arguments.subtracting(builtinsUsed)
        if !builtinsUsed.isEmpty { fields.insert("gender") }
        return fields
    }
}

/// How a simple argument is formatted.
enum ArgumentFormat: Sendable, Hashable {
    case plain
    case number(NumberStyle)
    case date(DateStyle)
}

/// `{n, number, STYLE}` styles.
enum NumberStyle: Sendable, Hashable {
    case decimal, integer, percent
}

/// `{d, date, STYLE}` styles; `hijri` and `gregorian` are Outreach's long
/// forms in a fixed calendar.
enum DateStyle: String, Sendable, Hashable {
    case short, medium, long, full, hijri, gregorian
}

/// One element of a parsed message. Ranges index the same flat part array.
enum MessagePart: Sendable {
    case literal(String)
    case simple(String, ArgumentFormat, BuiltinWord?)
    /// `#` in a plural case: the plural's number minus its offset.
    case pound
    /// Cases as (key, parts), `other` separately; `end` is the index after the last case part.
    case select(String, cases: [(key: String, parts: Range<Int>)], other: Range<Int>, end: Int)
    /// `categories` has six slots in `PluralCategory.slot` order; `ordinal`
    /// for `selectordinal` (ordinal rules: 1st, 2nd, 3rd).
    case plural(String, ordinal: Bool, offset: Double, exact: [(value: Double, parts: Range<Int>)],
                categories: [Range<Int>?], other: Range<Int>, end: Int)
}
