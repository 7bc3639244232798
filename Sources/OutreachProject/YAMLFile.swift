public import OutreachCore
import Foundation
import Yams

/// A YAML file read from disk, with helpers that turn every problem into a
/// located `OutreachError` (file, line, column).
struct YAMLFile {
    let path: String
    let text: String
    let root: Node
    /// The file's lines, split where YAML splits them (LF, CRLF or CR).
    let lines: [String]

    init(path: String, text: String, root: Node) {
        self.path = path
        self.text = text
        self.root = root
        self.lines = TextLines.split(text, keepingLastEmpty: true)
    }

    /// Reads and parses `path`. An empty file is an empty mapping. A key
    /// written twice in one mapping is an error at its second place (a
    /// setting written twice must not silently win or lose).
    static func load(_ path: String) throws(OutreachError) -> YAMLFile {
        try parse(try readText(path), path: path)
    }

    /// Parses `text` as the file at `path` (a launched version's stored text, reported where it came from).
    static func parse(_ text: String, path: String) throws(OutreachError) -> YAMLFile {
        do {
            let node = try Yams.compose(yaml: text) ?? Node.mapping(Node.Mapping([]))
            return YAMLFile(path: path, text: text, root: node)
        } catch let error as YamlError {
            throw located(error, path: path)
        } catch {
            throw OutreachError(.syntax, "cannot parse YAML: \(error)", at: SourceLocation(file: path, line: 1, column: 1))
        }
    }

    static func readText(_ path: String) throws(OutreachError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw OutreachError(.missingFile, "file not found: \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OutreachError(.io, "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw OutreachError(.invalidValue, "\(path) is not valid UTF-8", hint: "save the file as UTF-8")
        }
        return text
    }

    private static func located(_ error: YamlError, path: String) -> OutreachError {
        func make(_ context: YamlError.Context?, _ problem: String, _ mark: Mark, _ yaml: String) -> OutreachError {
            // Split as YAML splits (a CRLF file too), for the caret line.
            let line = YAMLFile(path: path, text: yaml, root: .mapping(.init([]))).sourceLine(mark.line)
            var message = "invalid YAML: \(problem)"
            if let context { message += " (\(context.text))" }
            return OutreachError(.syntax, message, at: SourceLocation(file: path, line: mark.line, column: mark.column),
                                 sourceLine: line, caretColumn: line == nil ? nil : mark.column,
                                 hint: "check indentation, quoting and ':' after keys")
        }
        switch error {
        case let .scanner(context, problem, mark, yaml): return make(context, problem, mark, yaml)
        case let .parser(context, problem, mark, yaml): return make(context, problem, mark, yaml)
        case let .composer(context, problem, mark, yaml): return make(context, problem, mark, yaml)
        case let .duplicatedKeysInMapping(duplicates, context):
            return duplicateKeyError(duplicates.first ?? "?", firstMark: context.mark, path: path, text: context.text)
        default: return OutreachError(.syntax, "invalid YAML: \(error)", at: SourceLocation(file: path, line: 1, column: 1))
        }
    }

    func location(of node: Node) -> SourceLocation {
        SourceLocation(file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    func error(_ code: OutreachError.Code, _ message: String, at node: Node, hint: String? = nil) -> OutreachError {
        let loc = location(of: node)
        return OutreachError(code, message, at: loc, sourceLine: sourceLine(loc.line), caretColumn: loc.column, hint: hint)
    }

    func sourceLine(_ line: Int) -> String? {
        line >= 1 && line <= lines.count ? lines[line - 1] : nil
    }

    /// The text of a scalar with where its content starts, so parsers of
    /// embedded languages (rules, message templates) report file positions.
    func sourceText(of node: Node) -> SourceText? {
        guard case .scalar(let scalar) = node else { return nil }
        let markLine = node.mark?.line ?? 1, markColumn = node.mark?.column ?? 1
        let markIndex = YAMLScalarLayout.characterIndex(ofMarkColumn: markColumn, in: sourceLine(markLine) ?? "")
        var source: SourceText
        var runs: [SourceText.Run]?
        switch scalar.style {
        case .literal, .folded:
            // Content starts on the next non-empty line, at its indentation.
            var lineNo = markLine + 1
            while lineNo <= lines.count, lines[lineNo - 1].trimmingCharacters(in: .whitespaces).isEmpty { lineNo += 1 }
            let indent = lineNo <= lines.count ? lines[lineNo - 1].prefix(while: { $0 == " " }).count : 0
            source = SourceText(scalar.string, file: path, line: lineNo, column: indent + 1, continuationColumn: indent + 1)
            runs = YAMLScalarLayout.runs(of: scalar.string, lines: lines, firstLine: markLine + 1, firstColumn: nil)
        case .singleQuoted, .doubleQuoted:
            source = SourceText(scalar.string, file: path, line: markLine, column: markIndex + 2, continuationColumn: markIndex + 1)
            runs = YAMLScalarLayout.runs(of: scalar.string, lines: lines, firstLine: markLine, firstColumn: markIndex + 1,
                                         quote: scalar.style == .singleQuoted ? "'" : "\"")
        default:
            source = SourceText(scalar.string, file: path, line: markLine, column: markIndex + 1, continuationColumn: markIndex + 1)
            runs = YAMLScalarLayout.runs(of: scalar.string, lines: lines, firstLine: markLine, firstColumn: markIndex)
        }
        // One line written as is needs no runs: the simple layout is exact
        // and its caret line stays the value itself.
        let isBlock = scalar.style == .literal || scalar.style == .folded
        if let runs, isBlock || runs.count > 1 { source.runs = runs }
        return source
    }
}

/// Reads a YAML mapping key by key, remembering which keys were used so
/// unknown ones (typos) are reported with their location.
struct MappingReader {
    let file: YAMLFile
    let node: Node
    let pairs: [(key: String, keyNode: Node, value: Node)]

    init(_ file: YAMLFile, _ node: Node, what: String) throws(OutreachError) {
        guard case .mapping(let mapping) = node else {
            throw file.error(.invalidValue, "\(what) must be a mapping of keys to values", at: node)
        }
        self.file = file
        self.node = node
        var pairs: [(String, Node, Node)] = []
        for (k, v) in mapping {
            pairs.append((k.string ?? "", k, v))
        }
        self.pairs = pairs
    }

    var keys: [String] { pairs.map(\.key) }

    func value(_ key: String) -> Node? { pairs.first { $0.key == key }?.value }

    func keyNode(_ key: String) -> Node? { pairs.first { $0.key == key }?.keyNode }

    func string(_ key: String) throws(OutreachError) -> String? {
        guard let node = value(key) else { return nil }
        if case .scalar(let s) = node {
            if s.string == "~" || (s.string.isEmpty && s.style == .plain) || s.string == "null" { return nil }
            return s.string
        }
        throw file.error(.invalidValue, "'\(key)' must be a text value", at: node)
    }

    /// true/false or yes/no; nil when absent.
    func bool(_ key: String) throws(OutreachError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw file.error(.invalidValue, "'\(key)' must be true or false", at: value(key)!)
        }
    }

    func requiredString(_ key: String, what: String) throws(OutreachError) -> String {
        guard let s = try string(key), !s.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw file.error(.invalidValue, "\(what) needs '\(key)'", at: node)
        }
        return s
    }

    func stringList(_ key: String) throws(OutreachError) -> [String]? {
        guard let node = value(key) else { return nil }
        switch node {
        case .scalar(let s):
            return s.string.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                guard let s = item.string else { throw file.error(.invalidValue, "'\(key)' must be a list of names", at: item) }
                out.append(s)
            }
            return out
        default:
            throw file.error(.invalidValue, "'\(key)' must be a list", at: node)
        }
    }

    /// Reports the first key not in `allowed`, with a suggestion when one is close.
    func rejectUnknownKeys(_ allowed: [String], what: String) throws(OutreachError) {
        for pair in pairs where !allowed.contains(pair.key) {
            var hint = "known keys: \(allowed.joined(separator: ", "))"
            if let close = NameSuggestion.closest(to: pair.key, in: allowed) { hint = "did you mean '\(close)'? " + hint }
            throw file.error(.unknownName, "unknown key '\(pair.key)' in \(what)", at: pair.keyNode, hint: hint)
        }
    }
}
