import OutreachCore
import Foundation
import Yams

/// Reads one gateway's mapping in gateways.yaml: every value may hold
/// `${ENV_NAME}` references, read from the injected environment; values of
/// secret keys must be written that way, and everything read from the
/// environment is remembered as a secret so it can be masked.
struct GatewayValueReader {
    let map: MappingReader
    let environment: [String: String]
    private(set) var secrets: [String] = []

    init(_ map: MappingReader, environment: [String: String]) {
        self.map = map
        self.environment = environment
    }

    var file: YAMLFile { map.file }

    // MARK: - Scalars

    /// The value of `key` with `${…}` filled in; nil when absent or null.
    /// A `secret` value must come from the environment.
    mutating func string(_ key: String, secret: Bool = false) throws(OutreachError) -> String? {
        guard let node = map.value(key) else { return nil }
        return try string(node, key: key, secret: secret)
    }

    mutating func string(_ node: Node, key: String, secret: Bool = false) throws(OutreachError) -> String? {
        guard case .scalar(let scalar) = node else {
            throw file.error(.invalidValue, "'\(key)' must be a text value", at: node)
        }
        if scalar.style == .plain, ["~", "null", ""].contains(scalar.string) { return nil }
        let raw = scalar.string
        let source = file.sourceText(of: node) ?? SourceText(raw, file: file.path)
        let (value, fromEnvironment) = try Self.substitute(raw, source: source, environment: environment)
        // Each value read from the environment is a secret on its own too: a gateway may send a URL that holds
        // it (a dlr_url with the webhook secret) in a form other than the whole value.
        if fromEnvironment {
            for name in GatewaysLoader.referencedVariables(raw) {
                if let part = environment[name], part.count >= 4, !secrets.contains(part) { secrets.append(part) }
            }
        }
        if secret, !raw.isEmpty, !fromEnvironment {
            // Located, but without the offending line: it holds the secret.
            throw OutreachError(.invalidValue, "'\(key)' is a secret and must not be written in gateways.yaml", at: file.location(of: node),
                                hint: "write \(key): ${\(Self.suggestedVariable(key))} and set that variable in the environment")
        }
        // Secret keys always; other values read from the environment too
        // (unless too short to mask without garbling every log line).
        if !value.isEmpty, secret || (fromEnvironment && value.count >= 4), !secrets.contains(value) { secrets.append(value) }
        return value
    }

    mutating func requiredString(_ key: String, what: String, secret: Bool = false, example: String? = nil) throws(OutreachError) -> String {
        guard let value = try string(key, secret: secret), !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            var hint: String? = nil
            if let example { hint = "for example: \(key): \(example)" }
            if secret { hint = "for example: \(key): ${\(Self.suggestedVariable(key))}" }
            if let node = map.value(key) {
                throw file.error(.invalidValue, "\(what) needs a value for '\(key)'", at: node, hint: hint)
            }
            throw file.error(.invalidValue, "\(what) needs '\(key)'", at: map.node, hint: hint)
        }
        return value
    }

    mutating func bool(_ key: String) throws(OutreachError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw file.error(.invalidValue, "'\(key)' must be true or false", at: map.value(key)!)
        }
    }

    mutating func int(_ key: String, range: ClosedRange<Int>) throws(OutreachError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw file.error(.invalidValue, "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                             at: map.value(key)!)
        }
        return value
    }

    /// `30s`, `500ms`, `2m`, `1h`, or a bare number of seconds, within
    /// `range` (see `ConfigurationLimits`): a value outside it would hang or
    /// crash sending, so it is refused here, where `validate` reports it.
    mutating func seconds(_ key: String, range: ClosedRange<Double>) throws(OutreachError) -> Double? {
        guard let text = try string(key) else { return nil }
        guard let value = Self.parseDuration(text), value > 0 else {
            throw file.error(.invalidValue, "'\(key)' must be a duration such as 30s, 500ms, 2m or 1h", at: map.value(key)!)
        }
        guard range.contains(value) else {
            let bounds = "\(ConfigurationLimits.describe(seconds: range.lowerBound)) to \(ConfigurationLimits.describe(seconds: range.upperBound))"
            throw file.error(.invalidValue, "'\(key)' \(text.trimmingCharacters(in: .whitespaces)) is out of range: it must be from \(bounds)",
                             at: map.value(key)!, hint: "durations are written 30s, 500ms, 2m or 1h")
        }
        return value
    }

    static func parseDuration(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            guard let n = Double(t.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), n.isFinite else { return nil }
            return n * factor
        }
        guard let n = Double(t), n.isFinite else { return nil }
        return n
    }

    // MARK: - ${ENV}

    /// Fills every `${NAME}` from the environment; `$${` is a literal `${`.
    /// Returns the value and whether any part of it came from the environment.
    static func substitute(_ raw: String, source: SourceText, environment: [String: String]) throws(OutreachError) -> (String, Bool) {
        guard raw.contains("$") else { return (raw, false) }
        let chars = Array(raw)
        var out = ""
        var fromEnvironment = false
        var i = 0
        while i < chars.count {
            if chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "$", i + 2 < chars.count, chars[i + 2] == "{" {
                out += "${"
                i += 3
                continue
            }
            guard chars[i] == "$", i + 1 < chars.count, chars[i + 1] == "{" else {
                out.append(chars[i])
                i += 1
                continue
            }
            guard let close = chars[(i + 2)...].firstIndex(of: "}") else {
                throw OutreachError(.syntax, "'${' without a closing '}'", in: source, atCharacterOffset: i,
                                    hint: "write ${ENV_NAME}, or $${ for a literal ${")
            }
            let name = String(chars[(i + 2)..<close])
            guard isVariableName(name) else {
                throw OutreachError(.syntax, "'${\(name)}' is not an environment variable name", in: source, atCharacterOffset: i,
                                    hint: "names are letters, digits and '_', e.g. ${UNIFONIC_APP_SID}")
            }
            guard let value = environment[name] else {
                throw OutreachError(.invalidValue, "environment variable \(name) is not set", in: source, atCharacterOffset: i,
                                    hint: "export \(name)=… before running outreach (secrets are read from the environment, never written in the file)")
            }
            out += value
            fromEnvironment = true
            i = close + 1
        }
        return (out, fromEnvironment)
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    static func suggestedVariable(_ key: String) -> String {
        key.uppercased().replacingOccurrences(of: "-", with: "_")
    }
}
