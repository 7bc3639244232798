/// Renders one parsed message for one record: walks the flat part array,
/// appending to a single string. Fails (never sends a broken message) when
/// a needed value is missing or of the wrong kind.
struct MessageRenderer<Record: RecordData> {
    let parts: [MessagePart]
    let record: Record
    let formatting: LocaleFormatting
    /// Language of the plural rules (the locale's).
    let language: String
    /// Language of built-in words (the variant's).
    let wordLanguage: String
    /// Escape values and wrap them in `<bdi>` (outside tags).
    let html: Bool

    func render() throws(RenderFailure) -> String {
        var out = ""
        out.reserveCapacity(512)   // UTF-8 bytes: a 3-part Arabic SMS is ~400
        var insideTag = false
        try render(0..<parts.count, pound: nil, into: &out, insideTag: &insideTag)
        return out
    }

    private func render(_ range: Range<Int>, pound: NumericValue?, into out: inout String,
                        insideTag: inout Bool) throws(RenderFailure) {
        var i = range.lowerBound
        while i < range.upperBound {
            switch parts[i] {
            case .literal(let text):
                out += text
                if html { insideTag = Self.endsInsideTag(text, wasInside: insideTag) }
                i += 1
            case .pound:
                if let pound { append(formatting.number(pound, style: .decimal), to: &out, insideTag: insideTag) }
                i += 1
            case .simple(let name, let format, let builtin):
                append(try simple(name, format, builtin), to: &out, insideTag: insideTag)
                i += 1
            case .select(let name, let cases, let other, let end):
                var chosen = other
                if let key = selectKey(record.value(name)) {
                    for c in cases where c.key == key {
                        chosen = c.parts
                        break
                    }
                }
                try render(chosen, pound: pound, into: &out, insideTag: &insideTag)
                i = end
            case .plural(let name, let ordinal, let offset, let exact, let categories, let other, let end):
                let n = try number(name)
                let value = n.doubleValue
                var chosen: Range<Int>?
                for e in exact where e.value == value {
                    chosen = e.parts
                    break
                }
                let shown: NumericValue
                if offset == 0 {
                    shown = n
                } else if case .int(let k) = n, offset.rounded() == offset, offset < 1e15 {
                    shown = .int(k &- Int64(offset))
                } else {
                    shown = .double(value - offset)
                }
                if chosen == nil {
                    let category = ordinal
                        ? PluralRules.ordinalCategory(of: shown.operands, language: language)
                        : PluralRules.category(of: shown.operands, language: language)
                    chosen = categories[category.slot] ?? other
                }
                try render(chosen ?? other, pound: shown, into: &out, insideTag: &insideTag)
                i = end
            }
        }
    }

    private func append(_ value: String, to out: inout String, insideTag: Bool) {
        guard html else {
            out += value
            return
        }
        if insideTag {
            out += HTMLBody.escape(value)
        } else {
            out += "<bdi>"
            out += HTMLBody.escape(value)
            out += "</bdi>"
        }
    }

    private func simple(_ name: String, _ format: ArgumentFormat, _ builtin: BuiltinWord?) throws(RenderFailure) -> String {
        let value = record.value(name)
        switch format {
        case .plain:
            switch value {
            case .text(let s)? where !Self.isBlank(s): return s
            case .int(let i)?: return formatting.number(.int(i), style: .decimal)
            case .decimal(let d)? where !d.isNaN: return formatting.number(.double(d), style: .decimal)
            case .date(let d)?:
                return formatting.date(d, style: .medium) ?? d.iso
            case .bool(let b)?: return b ? "true" : "false"
            case .gender(let g)?: return g.name
            default:
                if let builtin { return builtin.word(language: wordLanguage, gender: gender()) }
                throw .missing(name)
            }
        case .number(let style):
            return formatting.number(try number(name), style: style)
        case .date(let style):
            let day: Day
            switch value {
            case .date(let d)?: day = d
            case .text(let s)? where !Self.isBlank(s):
                guard let d = Day(iso: Digits.toASCII(s)) else {
                    // The value itself stays out: reasons are logged, stored and counted.
                    throw RenderFailure(reason: "\(name) is not a date (YYYY-MM-DD)", field: name)
                }
                day = d
            case .decimal(let d)? where d.isNaN: throw .missing(name)
            case nil, .text?: throw .missing(name)
            default: throw RenderFailure(reason: "\(name) is not a date", field: name)
            }
            guard let text = formatting.date(day, style: style) else {
                throw RenderFailure(reason: "\(name) is outside the Umm al-Qura table (\(UmmAlQura.firstYear)–\(UmmAlQura.lastYear) AH)", field: name)
            }
            return text
        }
    }

    private func number(_ name: String) throws(RenderFailure) -> NumericValue {
        switch record.value(name) {
        case .int(let i)?: return .int(i)
        case .decimal(let d)?:
            if d.isNaN { throw .missing(name) }
            return .double(d)
        case .text(let s)?:
            if Self.isBlank(s) { throw .missing(name) }
            let ascii = Digits.toASCII(s).replacingOccurrences(of: "\u{066B}", with: ".")
            var t = Substring(ascii)
            while let f = t.first, f.isWhitespace { t.removeFirst() }
            while let l = t.last, l.isWhitespace { t.removeLast() }
            if let i = Int64(t) { return .int(i) }
            if let d = Double(t), d.isFinite, t.allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E" }) {
                return .double(d)
            }
            throw RenderFailure(reason: "\(name) is not a number", field: name)
        case nil:
            throw .missing(name)
        default:
            throw RenderFailure(reason: "\(name) is not a number", field: name)
        }
    }

    /// The select key of a value; nil (→ `other`) when missing.
    private func selectKey(_ value: Value?) -> String? {
        switch value {
        case .text(let s)?: return Self.isBlank(s) ? nil : s
        case .gender(let g)?: return g.name
        case .bool(let b)?: return b ? "true" : "false"
        case .int(let i)?: return String(i)
        case .decimal(let d)?: return d.isNaN ? nil : (d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d))
        case .date(let d)?: return d.iso
        case nil: return nil
        }
    }

    /// The recipient's gender for built-in words: a `gender` value, or text
    /// male/female/m/f/ذكر/أنثى.
    private func gender() -> Gender? {
        switch record.value("gender") {
        case .gender(let g)?: return g
        case .text(let s)?:
            switch s.lowercased() {
            case "male", "m", "ذكر": return .male
            case "female", "f", "أنثى", "انثى": return .female
            default: return nil
            }
        default: return nil
        }
    }

    private static func isBlank(_ s: String) -> Bool {
        // Fast path: a first byte that is printable ASCII is never blank.
        if let first = s.utf8.first, first > 0x20, first < 0x7F { return false }
        return s.isEmpty || s.allSatisfy(\.isWhitespace)
    }

    /// Whether the output is inside a tag (`<a href="…`) after `text`.
    private static func endsInsideTag(_ text: String, wasInside: Bool) -> Bool {
        for byte in text.utf8.reversed() {
            if byte == 0x3C { return true }
            if byte == 0x3E { return false }
        }
        return wasInside
    }
}
