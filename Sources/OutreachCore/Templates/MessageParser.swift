/// Recursive-descent parser for ICU MessageFormat v1, producing the flat
/// part array of `MessageTemplate`. Works on Characters so error offsets
/// match `SourceText`'s character offsets.
///
/// `select`, `plural` and `selectordinal` nest at most `maxNesting` deep:
/// parsing and rendering recurse once per level, and thousands of levels
/// would overflow the stack instead of reporting an error.
struct MessageParser {
    /// `select`/`plural`/`selectordinal` arguments inside one another, at most.
    static let maxNesting = 64

    private let source: SourceText
    private let chars: [Character]
    private var index = 0
    private var parts: [MessagePart] = []
    private var nesting = 0
    /// Where each argument name first appears (character offset), for
    /// locating "unknown field" errors.
    private(set) var firstOffsets: [String: Int] = [:]

    init(_ source: SourceText) {
        self.source = source
        self.chars = Array(source.text)
    }

    mutating func parse() throws(OutreachError) -> [MessagePart] {
        try parseMessage(inPlural: false, openBrace: nil)
        return parts
    }

    // MARK: Messages

    /// Parses message text up to the `}` closing the enclosing case (not
    /// consumed) or the end of the text at the top level.
    private mutating func parseMessage(inPlural: Bool, openBrace: Int?) throws(OutreachError) {
        var text = ""
        func flush(_ parts: inout [MessagePart], _ text: inout String) {
            if !text.isEmpty {
                parts.append(.literal(text))
                text = ""
            }
        }
        while index < chars.count {
            let c = chars[index]
            switch c {
            case "'":
                let next: Character? = index + 1 < chars.count ? chars[index + 1] : nil
                if next == "'" {
                    text.append("'")
                    index += 2
                } else if next == "{" || next == "}" || (inPlural && next == "#") {
                    // Quoted literal text up to the next lone apostrophe (or the end, as ICU does).
                    index += 1
                    while index < chars.count {
                        if chars[index] == "'" {
                            if index + 1 < chars.count && chars[index + 1] == "'" {
                                text.append("'")
                                index += 2
                                continue
                            }
                            index += 1
                            break
                        }
                        text.append(chars[index])
                        index += 1
                    }
                } else {
                    text.append("'")
                    index += 1
                }
            case "{":
                flush(&parts, &text)
                try parseArgument()
            case "}":
                if openBrace != nil {
                    flush(&parts, &text)
                    return
                }
                throw error("unmatched '}'", at: index, hint: "write '}' (in apostrophes) for a literal brace")
            case "#" where inPlural:
                flush(&parts, &text)
                parts.append(.pound)
                index += 1
            default:
                text.append(c)
                index += 1
            }
        }
        flush(&parts, &text)
        if let openBrace {
            throw error("unclosed '{'", at: openBrace, hint: "every '{' needs a matching '}'")
        }
    }

    // MARK: Arguments

    private mutating func parseArgument() throws(OutreachError) {
        let open = index
        index += 1  // '{'
        skipWhitespace()
        let nameStart = index
        let name = readName()
        if name.isEmpty {
            if index >= chars.count { throw error("unclosed '{'", at: open, hint: "every '{' needs a matching '}'") }
            throw error("expected a field name after '{'", at: nameStart,
                        hint: "write {first_name}; use '{' (in apostrophes) for a literal brace")
        }
        if firstOffsets[name] == nil { firstOffsets[name] = nameStart }
        skipWhitespace()
        guard index < chars.count else { throw error("unclosed '{'", at: open, hint: "every '{' needs a matching '}'") }
        if chars[index] == "}" {
            index += 1
            parts.append(.simple(name, .plain, BuiltinWord(rawValue: name)))
            return
        }
        guard chars[index] == "," else {
            throw error("expected ',' or '}' after '\(name)'", at: index)
        }
        index += 1
        skipWhitespace()
        let typeStart = index
        let type = readName()
        skipWhitespace()
        guard index < chars.count else { throw error("unclosed '{'", at: open, hint: "every '{' needs a matching '}'") }
        switch type {
        case "number", "date":
            var style = ""
            if chars[index] == "," {
                index += 1
                skipWhitespace()
                let styleStart = index
                while index < chars.count && chars[index] != "}" && chars[index] != "{" { index += 1 }
                guard index < chars.count, chars[index] == "}" else {
                    if index < chars.count { throw error("unexpected '{' in a \(type) style", at: index) }
                    throw error("unclosed '{'", at: open, hint: "every '{' needs a matching '}'")
                }
                style = String(chars[styleStart..<index]).trimmingSpaces()
                let format = try simpleFormat(type: type, style: style, at: styleStart)
                index += 1
                parts.append(.simple(name, format, nil))
                return
            }
            guard chars[index] == "}" else { throw error("expected ',' or '}' after '\(type)'", at: index) }
            index += 1
            parts.append(.simple(name, try simpleFormat(type: type, style: "", at: typeStart), nil))
        case "select", "plural", "selectordinal":
            guard chars[index] == "," else {
                throw error("\(type) needs cases: {\(name), \(type), … other {…}}", at: index)
            }
            index += 1
            nesting += 1
            guard nesting <= Self.maxNesting else {
                throw error("\(type) nested more than \(Self.maxNesting) levels deep", at: open,
                            hint: "flatten the message: choose between whole sentences in one select or plural")
            }
            if type == "select" {
                try parseSelect(name, open: open)
            } else {
                try parsePlural(name, ordinal: type == "selectordinal", open: open)
            }
            nesting -= 1
        case "":
            throw error("expected an argument type after ','", at: typeStart,
                        hint: "use number, date, select, plural or selectordinal")
        default:
            throw error("unknown argument type '\(type)'", at: typeStart,
                        hint: "use number, date, select, plural or selectordinal")
        }
    }

    private func simpleFormat(type: String, style: String, at offset: Int) throws(OutreachError) -> ArgumentFormat {
        if type == "number" {
            switch style {
            case "": return .number(.decimal)
            case "integer": return .number(.integer)
            case "percent": return .number(.percent)
            default:
                throw error("unknown number style '\(style)'", at: offset, hint: "use {n, number}, {n, number, integer} or {n, number, percent}")
            }
        }
        if style.isEmpty { return .date(.medium) }
        guard let dateStyle = DateStyle(rawValue: style) else {
            throw error("unknown date style '\(style)'", at: offset, hint: "use short, medium, long, full, hijri or gregorian")
        }
        return .date(dateStyle)
    }

    private mutating func parseSelect(_ name: String, open: Int) throws(OutreachError) {
        let at = parts.count
        parts.append(.literal(""))  // placeholder, replaced below
        var cases: [(key: String, parts: Range<Int>)] = []
        var other: Range<Int>?
        while true {
            skipWhitespace()
            guard index < chars.count else { throw error("unclosed '{'", at: open, hint: "every '{' needs a matching '}'") }
            if chars[index] == "}" {
                index += 1
                break
            }
            let keyStart = index
            let key = readName()
            if key.isEmpty { throw error("expected a select case name (or '}')", at: keyStart) }
            if key == "other" ? other != nil : cases.contains(where: { $0.key == key }) {
                throw error("duplicate select case '\(key)'", at: keyStart)
            }
            let range = try parseCaseMessage(after: key, inPlural: false)
            if key == "other" { other = range } else { cases.append((key, range)) }
        }
        guard let other else {
            throw error("select without an 'other' case", at: open,
                        hint: "add other {…}: it is used when the value is missing or matches no case")
        }
        parts[at] = .select(name, cases: cases, other: other, end: parts.count)
    }

    private mutating func parsePlural(_ name: String, ordinal: Bool, open: Int) throws(OutreachError) {
        let at = parts.count
        parts.append(.literal(""))  // placeholder, replaced below
        var offset = 0.0
        var exact: [(value: Double, parts: Range<Int>)] = []
        var categories = [Range<Int>?](repeating: nil, count: 6)
        var first = true
        while true {
            skipWhitespace()
            guard index < chars.count else { throw error("unclosed '{'", at: open, hint: "every '{' needs a matching '}'") }
            if chars[index] == "}" {
                index += 1
                break
            }
            let keyStart = index
            if chars[index] == "=" {
                index += 1
                let number = readName()
                guard let value = Double(number), value.isFinite else {
                    throw error("expected a number after '='", at: keyStart + 1)
                }
                if exact.contains(where: { $0.value == value }) {
                    throw error("duplicate plural case '=\(number)'", at: keyStart)
                }
                let range = try parseCaseMessage(after: "=\(number)", inPlural: true)
                exact.append((value, range))
                first = false
                continue
            }
            let key = readName()
            if key.isEmpty { throw error("expected a plural case (zero, one, two, few, many, other or =N)", at: keyStart) }
            if key == "offset" || key.hasPrefix("offset:") {
                guard first else { throw error("offset: must come before the plural cases", at: keyStart) }
                var number = String(key.dropFirst("offset".count))
                if number.isEmpty {
                    guard index < chars.count, chars[index] == ":" else {
                        throw error("expected ':' after 'offset'", at: index)
                    }
                    index += 1
                } else {
                    number.removeFirst()  // ':'
                }
                if number.isEmpty {
                    skipWhitespace()
                    number = readName()
                }
                guard let value = Double(number), value.isFinite, value >= 0 else {
                    throw error("expected a number after 'offset:'", at: keyStart)
                }
                offset = value
                first = false
                continue
            }
            guard let category = PluralCategory(rawValue: key) else {
                throw error("unknown plural case '\(key)'", at: keyStart,
                            hint: "use zero, one, two, few, many, other or =N (exact number)")
            }
            if categories[category.slot] != nil {
                throw error("duplicate plural case '\(key)'", at: keyStart)
            }
            categories[category.slot] = try parseCaseMessage(after: key, inPlural: true)
            first = false
        }
        guard let other = categories[PluralCategory.other.slot] else {
            throw error("\(ordinal ? "selectordinal" : "plural") without an 'other' case", at: open,
                        hint: "add other {…}: every language needs it")
        }
        parts[at] = .plural(name, ordinal: ordinal, offset: offset, exact: exact, categories: categories, other: other, end: parts.count)
    }

    /// Parses ` {message}` after a case key; returns the range of its parts.
    private mutating func parseCaseMessage(after key: String, inPlural: Bool) throws(OutreachError) -> Range<Int> {
        skipWhitespace()
        guard index < chars.count, chars[index] == "{" else {
            throw error("expected '{' after '\(key)'", at: min(index, chars.count))
        }
        let open = index
        index += 1
        let start = parts.count
        try parseMessage(inPlural: inPlural, openBrace: open)
        index += 1  // the closing '}' (parseMessage stops on it or throws)
        return start..<parts.count
    }

    // MARK: Lexing

    private mutating func skipWhitespace() {
        while index < chars.count && chars[index].isWhitespace { index += 1 }
    }

    /// An argument name, type, case key or number: letters, digits, `_`, `-`, `.`, `:`, `+`.
    private mutating func readName() -> String {
        let start = index
        while index < chars.count {
            let c = chars[index]
            if c.isLetter || c.isNumber || c == "_" || c == "-" || c == "." || c == ":" || c == "+" || c.isMark {
                index += 1
            } else {
                break
            }
        }
        return String(chars[start..<index])
    }

    private func error(_ message: String, at offset: Int, hint: String? = nil) -> OutreachError {
        OutreachError(.syntax, message, in: source, atCharacterOffset: offset, hint: hint)
    }
}

extension Character {
    fileprivate var isMark: Bool {
        unicodeScalars.first.map { $0.properties.generalCategory == .nonspacingMark || $0.properties.generalCategory == .spacingMark } ?? false
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
