/// The rules a file outbox's `path` must follow: not empty, a file rather
/// than a folder, and inside the project folder — `../x` or `/dev/stdout`
/// would write recipients' numbers and messages somewhere nobody looks for
/// them — unless the gateway explicitly says `allow_outside_project: true`.
///
/// Checked on the path as written (`..` resolved by text, symbolic links
/// not followed): the point is to catch a slip in `gateways.yaml`, not to
/// sandbox someone who controls the project folder.
public enum FileOutboxPath {
    /// What is wrong with the path, and a hint saying how to fix it.
    public struct Problem: Sendable, Equatable {
        public var message: String
        public var hint: String
    }

    /// Why `path` cannot be an outbox for the project at `projectRoot` (an
    /// absolute path), or nil.
    public static func problem(_ path: String, projectRoot: String, allowOutside: Bool) -> Problem? {
        if path.allSatisfy({ $0 == " " || $0 == "\t" }) {
            return Problem(message: "is empty", hint: "name a file, e.g. path: \(FileOutboxSettings.defaultPath)")
        }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return Problem(message: "contains a control character", hint: "name a file, e.g. path: \(FileOutboxSettings.defaultPath)")
        }
        if path.hasSuffix("/") || [".", ".."].contains(path.split(separator: "/").last.map(String.init) ?? "") {
            return Problem(message: "names a folder, not a file", hint: "add a file name, e.g. out/outbox.jsonl")
        }
        if allowOutside { return nil }
        let root = normalized(projectRoot)
        let full = normalized(path.hasPrefix("/") ? path : projectRoot + "/" + path)
        if full != root && full.hasPrefix(root == "/" ? "/" : root + "/") { return nil }
        return Problem(message: "is outside the project folder",
                       hint: "write a path inside the project (e.g. out/outbox.jsonl), or add allow_outside_project: true to the gateway if that is meant")
    }

    /// `a/./b/../c` → `a/c`, by text. A `..` above the root stays, so the
    /// result is never inside a folder it was not written inside.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }
}
