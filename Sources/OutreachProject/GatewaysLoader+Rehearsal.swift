import Foundation

extension GatewaysLoader {
    /// `environment` with a stand-in for every `${NAME}` gateways.yaml at `path` reads and the environment does
    /// not set: a rehearsal replaces every gateway with the file outbox, so it needs no gateway's secrets (an
    /// operator rehearses without the production credentials). The stand-ins never reach a gateway.
    public static func rehearsalEnvironment(_ path: String, environment: [String: String]) -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return environment }
        var filled = environment
        for name in referencedVariables(text) where filled[name] == nil {
            filled[name] = "rehearsal-unset-\(name)"
        }
        return filled
    }

    /// The `${NAME}` references in `text` (not `$${…}`, a literal).
    static func referencedVariables(_ text: String) -> [String] {
        let chars = Array(text)
        var names: [String] = []
        var i = 0
        while i + 1 < chars.count {
            if chars[i] == "$", chars[i + 1] == "$" {
                i += 2
                continue
            }
            if chars[i] == "$", chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") {
                let name = String(chars[(i + 2)..<close])
                if GatewayValueReader.isVariableName(name) { names.append(name) }
                i = close + 1
                continue
            }
            i += 1
        }
        return names
    }
}
