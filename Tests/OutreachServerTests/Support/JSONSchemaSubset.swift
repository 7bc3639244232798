import Foundation

/// A JSON value decoded strictly (a number is never taken for a boolean, nor the reverse).
indirect enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    static func parse(_ text: String) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }

    /// A value as Yams loads YAML (`[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool`).
    init(yaml: Any?) {
        switch yaml {
        case nil: self = .null
        case let b as Bool: self = .bool(b)
        case let i as Int: self = .int(i)
        case let d as Double: self = .double(d)
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map { JSONValue(yaml: $0) })
        case let o as [String: Any]: self = .object(o.mapValues { JSONValue(yaml: $0) })
        case let o as [AnyHashable: Any]:
            self = .object(Dictionary(uniqueKeysWithValues: o.map { ("\($0.key)", JSONValue(yaml: $0.value)) }))
        default: self = .string("\(yaml!)")
        }
    }

    subscript(_ key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    var string: String? { if case .string(let s) = self { s } else { nil } }
    var int: Int? { if case .int(let i) = self { i } else { nil } }
    var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        case .string(let s): "\"\(s)\""
        case .array(let a): "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o): "{" + o.keys.sorted().map { "\"\($0)\":\(o[$0]!)" }.joined(separator: ",") + "}"
        }
    }
}

/// The part of JSON Schema (as OpenAPI 3.1 writes it) the API's file uses: `$ref` to
/// `#/components/schemas/…`, `type` (one or a list), `required`, `properties`, `additionalProperties`
/// (false or a schema), `items`, `enum`, `nullable`, and `format` `date-time` and `date`. Anything the file
/// uses beyond that is reported as a problem, so the subset cannot silently pass what it does not check.
struct JSONSchemaSubset {
    let document: JSONValue

    static let understood: Set<String> = ["$ref", "type", "required", "properties", "additionalProperties", "items", "enum",
                                          "nullable", "format", "description", "minimum", "maximum"]

    /// Problems with `value` against `schema`, each with the JSON path where it is.
    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard let rules = schema.object else { return ["\(path): schema is not an object"] }
        if let ref = rules["$ref"]?.string {
            let prefix = "#/components/schemas/"
            guard ref.hasPrefix(prefix), let target = document["components"]?["schemas"]?[String(ref.dropFirst(prefix.count))] else {
                return ["\(path): unresolvable $ref \(ref)"]
            }
            return problems(value, target, at: path)
        }
        var found = rules.keys.filter { !Self.understood.contains($0) }.map { "\(path): schema keyword '\($0)' is not checked by this validator" }
        if value == .null, rules["nullable"] == .bool(true) { return found }
        if let enumeration = rules["enum"]?.array, !enumeration.contains(value) {
            found.append("\(path): \(value) is not one of \(enumeration)")
        }
        if let type = rules["type"] {
            let types = type.array?.compactMap(\.string) ?? [type.string].compactMap { $0 }
            if !types.contains(where: { Self.has(value, type: $0) }) {
                found.append("\(path): \(value) is not of type \(types.joined(separator: "|"))")
                return found
            }
        }
        if let format = rules["format"]?.string, let text = value.string {
            switch format {
            case "date-time":
                if (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)) == nil {
                    found.append("\(path): '\(text)' is not a date-time with milliseconds")
                }
            case "date":
                if text.count != 10 || (try? Date.ISO8601FormatStyle().year().month().day().parse(text)) == nil {
                    found.append("\(path): '\(text)' is not a YYYY-MM-DD date")
                }
            default: break
            }
        }
        if case .object(let members) = value {
            let properties = rules["properties"]?.object ?? [:]
            for name in rules["required"]?.array?.compactMap(\.string) ?? [] where members[name] == nil {
                found.append("\(path): required '\(name)' is missing")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    found += problems(member, property, at: "\(path).\(name)")
                } else if let additional = rules["additionalProperties"] {
                    if additional == .bool(false) {
                        found.append("\(path): '\(name)' is not in the schema (additionalProperties: false)")
                    } else if additional.object != nil {
                        found += problems(member, additional, at: "\(path).\(name)")
                    }
                }
            }
        }
        if case .array(let items) = value, let itemSchema = rules["items"] {
            for (i, item) in items.enumerated() { found += problems(item, itemSchema, at: "\(path)[\(i)]") }
        }
        return found
    }

    static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("integer", .int), ("number", .int), ("number", .double),
             ("string", .string), ("array", .array), ("object", .object): true
        default: false
        }
    }
}
