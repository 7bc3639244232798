/// Fills `{placeholder}`s in an HTTP gateway's templates, escaping each value
/// for where it lands. Unknown `{names}` and `${…}` are left as written
/// (the loader has already rejected unknown names in the project's own
/// templates).
public enum GatewayTemplate {
    /// Replaces each known placeholder with `escape(value)`.
    public static func expand(_ template: String, escape: (String) -> String,
                              value: (GatewayPlaceholder) -> String) -> String {
        let scalars = Array(template.unicodeScalars)
        var out = String.UnicodeScalarView()
        var last = 0
        for occurrence in GatewayPlaceholder.occurrences(in: template) {
            guard let placeholder = occurrence.placeholder, !isEnvironmentReference(scalars, occurrence) else { continue }
            out.append(contentsOf: scalars[last..<occurrence.start])
            out.append(contentsOf: escape(value(placeholder)).unicodeScalars)
            last = occurrence.end
        }
        out.append(contentsOf: scalars[last...])
        return String(out)
    }

    /// True when the template is exactly one placeholder (`"{sender}"`): a
    /// form field made of one empty placeholder is left out of the request,
    /// so an optional value (no sender: use the account's default) is not
    /// sent as an empty field.
    public static func solePlaceholder(_ template: String) -> GatewayPlaceholder? {
        let found = GatewayPlaceholder.occurrences(in: template)
        guard found.count == 1, found[0].start == 0, found[0].end == template.unicodeScalars.count else { return nil }
        return found[0].placeholder
    }

    /// Fills a JSON document template. Inside a JSON string a value is
    /// JSON-escaped; outside one it becomes a whole JSON value (a quoted
    /// string, or a bare number for `{parts}` and `{coding}`), so
    /// `"numbers": [{to}]` and `"numbers": ["{to}"]` both work.
    public static func expandJSON(_ template: String, value: (GatewayPlaceholder) -> String) -> String {
        let scalars = Array(template.unicodeScalars)
        let occurrences = GatewayPlaceholder.occurrences(in: template)
        var next = 0
        var out = String.UnicodeScalarView()
        var inString = false, escaped = false
        var i = 0
        while i < scalars.count {
            if next < occurrences.count, occurrences[next].start == i {
                let occurrence = occurrences[next]
                next += 1
                if let placeholder = occurrence.placeholder, !isEnvironmentReference(scalars, occurrence) {
                    let text = value(placeholder)
                    if inString {
                        out.append(contentsOf: JSONText.escaped(text).unicodeScalars)
                    } else if placeholder.isNumeric, !text.isEmpty, text.allSatisfy(\.isNumber) {
                        out.append(contentsOf: text.unicodeScalars)
                    } else {
                        out.append(contentsOf: JSONText.quoted(text).unicodeScalars)
                    }
                    i = occurrence.end
                    continue
                }
            }
            let s = scalars[i]
            if inString {
                if escaped { escaped = false } else if s == "\\" { escaped = true } else if s == "\"" { inString = false }
            } else if s == "\"" {
                inString = true
            }
            out.append(s)
            i += 1
        }
        return String(out)
    }

    /// `${NAME}` is an environment reference, not a placeholder.
    static func isEnvironmentReference(_ scalars: [Unicode.Scalar], _ occurrence: GatewayPlaceholder.Occurrence) -> Bool {
        occurrence.start > 0 && scalars[occurrence.start - 1] == "$"
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
