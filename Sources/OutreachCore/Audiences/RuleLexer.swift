/// Splits a rule into tokens. Works on `Character`s so offsets match
/// `SourceText.location(atCharacterOffset:)`.
struct RuleLexer {
    let source: SourceText

    func tokens() throws(OutreachError) -> [RuleToken] {
        let chars = Array(source.text)
        var tokens: [RuleToken] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            let start = i
            if c == "'" || c == "\"" {
                var value = ""
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == c {
                        if i + 1 < chars.count && chars[i + 1] == c {
                            value.append(c)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    value.append(chars[i])
                    i += 1
                }
                guard closed else {
                    throw OutreachError(.syntax, "this text has no closing \(c)", in: source, atCharacterOffset: start,
                                        hint: "close it with \(c); write \(c)\(c) for a \(c) inside the text")
                }
                tokens.append(RuleToken(kind: .string(value), offset: start, length: i - start))
            } else if c == "`" {
                var name = ""
                i += 1
                while i < chars.count && chars[i] != "`" { name.append(chars[i]); i += 1 }
                guard i < chars.count, !name.isEmpty else {
                    throw OutreachError(.syntax, "this field name has no closing `", in: source, atCharacterOffset: start)
                }
                i += 1
                tokens.append(RuleToken(kind: .quotedIdentifier(name), offset: start, length: i - start))
            } else if let d = RuleLexer.digit(c) {
                var text = String(d)
                i += 1
                var seenDot = false
                while i < chars.count {
                    if let d = RuleLexer.digit(chars[i]) {
                        text.append(d)
                    } else if (chars[i] == "." || chars[i] == "\u{066B}") && !seenDot,
                              i + 1 < chars.count, RuleLexer.digit(chars[i + 1]) != nil {
                        seenDot = true
                        text.append(".")
                    } else {
                        break
                    }
                    i += 1
                }
                if i < chars.count, chars[i].isLetter || chars[i] == "_" {
                    throw OutreachError(.syntax, "a name cannot start with a digit", in: source, atCharacterOffset: start,
                                        hint: "write the field name in backticks if it really starts with a digit")
                }
                tokens.append(RuleToken(kind: .number(text), offset: start, length: i - start))
            } else if c.isLetter || c == "_" {
                var name = ""
                while i < chars.count, chars[i].isLetter || chars[i] == "_" || chars[i].isNumber {
                    name.append(chars[i])
                    i += 1
                }
                tokens.append(RuleToken(kind: .identifier(name), offset: start, length: i - start))
            } else {
                let next: Character? = i + 1 < chars.count ? chars[i + 1] : nil
                let symbol: String
                var width = 2
                switch (c, next) {
                case ("!", "="?): symbol = "!="
                case ("<", ">"?): symbol = "!="
                case ("<", "="?): symbol = "<="
                case (">", "="?): symbol = ">="
                case ("=", "="?): symbol = "="
                case ("=", _), ("<", _), (">", _), ("(", _), (")", _), (",", _), ("-", _):
                    symbol = String(c)
                    width = 1
                case ("\u{060C}", _):
                    symbol = "," // Arabic comma
                    width = 1
                default:
                    throw OutreachError(.syntax, "unexpected character '\(c)'", in: source, atCharacterOffset: start)
                }
                i += width
                tokens.append(RuleToken(kind: .symbol(symbol), offset: start, length: width))
            }
        }
        tokens.append(RuleToken(kind: .end, offset: chars.count, length: 0))
        return tokens
    }

    /// ASCII digit for a Western, Arabic-Indic or Persian digit.
    static func digit(_ c: Character) -> Character? {
        guard c.unicodeScalars.count == 1, let v = c.unicodeScalars.first?.value else { return nil }
        switch v {
        case 0x30...0x39: return c
        case 0x0660...0x0669: return Character(Unicode.Scalar(UInt8(v - 0x0660 + 0x30)))
        case 0x06F0...0x06F9: return Character(Unicode.Scalar(UInt8(v - 0x06F0 + 0x30)))
        default: return nil
        }
    }
}
