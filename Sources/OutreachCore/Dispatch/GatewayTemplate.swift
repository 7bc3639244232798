/// An HTTP gateway's template (URL, header value, form value or JSON body),
/// split once into literal text and `{placeholder}`s so that filling it for
/// each message is a single pass. Each value is escaped for where it lands.
/// Unknown `{names}` and `${…}` stay literal (the loader has already
/// rejected unknown names in the project's own templates).
public struct GatewayTemplate: Sendable, Equatable {
    /// A piece of the template: text as written, or a placeholder filled and escaped per message.
    public enum Segment: Sendable, Equatable {
        case literal(String)
        /// `inString`: for JSON templates, whether it sits inside a JSON string.
        case placeholder(GatewayPlaceholder, inString: Bool)
    }

    public let segments: [Segment]
    public let isJSON: Bool

    /// Splits `template`; `json` tracks JSON string context for each placeholder.
    public init(_ template: String, json: Bool = false) {
        let scalars = Array(template.unicodeScalars)
        var segments: [Segment] = []
        var literal = String.UnicodeScalarView()
        var occurrences = GatewayPlaceholder.occurrences(in: template)[...]
        var inString = false, escaped = false
        var i = 0
        while i < scalars.count {
            if let occurrence = occurrences.first, occurrence.start == i {
                occurrences = occurrences.dropFirst()
                if let placeholder = occurrence.placeholder, !(i > 0 && scalars[i - 1] == "$") {
                    if !literal.isEmpty { segments.append(.literal(String(literal))) }
                    literal = String.UnicodeScalarView()
                    segments.append(.placeholder(placeholder, inString: inString))
                    i = occurrence.end
                    continue
                }
            }
            let s = scalars[i]
            if json {
                if inString {
                    if escaped { escaped = false } else if s == "\\" { escaped = true } else if s == "\"" { inString = false }
                } else if s == "\"" {
                    inString = true
                }
            }
            literal.append(s)
            i += 1
        }
        if !literal.isEmpty { segments.append(.literal(String(literal))) }
        self.segments = segments
        self.isJSON = json
    }

    /// The template is exactly one placeholder (`"{sender}"`): a form field
    /// made of one empty placeholder is left out of the request, so an
    /// optional value (no sender: the account's default applies) is not sent
    /// as an empty field.
    public var solePlaceholder: GatewayPlaceholder? {
        guard segments.count == 1, case .placeholder(let placeholder, _) = segments[0] else { return nil }
        return placeholder
    }

    /// Fills the template. For a JSON template, a value inside a JSON string
    /// is JSON-escaped and one outside becomes a whole JSON value (a quoted
    /// string, or a bare number for `{parts}` and `{coding}`), so
    /// `"numbers": [{to}]` and `"numbers": ["{to}"]` both work; otherwise
    /// each value goes through `escape`.
    public func render(escape: (String) -> String = { $0 }, value: (GatewayPlaceholder) -> String) -> String {
        var out = ""
        for segment in segments {
            switch segment {
            case .literal(let text):
                out += text
            case .placeholder(let placeholder, let inString):
                let text = value(placeholder)
                if !isJSON {
                    out += escape(text)
                } else if inString {
                    out += JSONText.escaped(text)
                } else if placeholder.isNumeric, !text.isEmpty, text.allSatisfy(\.isNumber) {
                    out += text
                } else {
                    out += JSONText.quoted(text)
                }
            }
        }
        return out
    }

    // MARK: - One-off use

    public static func expand(_ template: String, escape: (String) -> String, value: (GatewayPlaceholder) -> String) -> String {
        GatewayTemplate(template).render(escape: escape, value: value)
    }

    public static func expandJSON(_ template: String, value: (GatewayPlaceholder) -> String) -> String {
        GatewayTemplate(template, json: true).render(value: value)
    }

    public static func solePlaceholder(_ template: String) -> GatewayPlaceholder? {
        GatewayTemplate(template).solePlaceholder
    }

    /// Sample values, for checking templates before anything is sent.
    public static func sampleValue(_ placeholder: GatewayPlaceholder) -> String {
        switch placeholder {
        case .to: "966500000000"
        case .text, .gsm7Text: "sample \"text\""
        case .sender: "Sender"
        case .messageID: "m-1"
        case .encoding: "gsm7"
        case .coding: "0"
        case .parts: "1"
        case .ucs2Hex: ""
        }
    }
}
