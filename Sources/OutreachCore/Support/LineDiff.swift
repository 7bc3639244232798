/// A line diff of two texts (longest common subsequence), and its unified
/// form as `diff -u` prints it: `@@ -a,b +c,d @@` hunks with three lines of
/// context, `-` for lines only in the old text, `+` for lines only in the new.
public struct LineDiff: Sendable, Equatable {
    /// One line of the diff: in both texts, only in the old, or only in the new.
    public enum Line: Sendable, Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    public private(set) var lines: [Line]

    /// Texts are split at LF, CRLF or CR; a final line end does not make an empty last line.
    public init(old: String, new: String) {
        self.lines = Self.diff(Self.split(old), Self.split(new))
    }

    public init(old: [String], new: [String]) {
        self.lines = Self.diff(old, new)
    }

    public var hasChanges: Bool {
        lines.contains { if case .same = $0 { false } else { true } }
    }

    public var added: Int { lines.count { if case .added = $0 { true } else { false } } }
    public var removed: Int { lines.count { if case .removed = $0 { true } else { false } } }

    static func split(_ text: String) -> [String] {
        TextLines.split(text, keepingLastEmpty: false)
    }

    /// Common prefix and suffix first (an edit usually touches a few lines),
    /// then the LCS table over what is left.
    static func diff(_ a: [String], _ b: [String]) -> [Line] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let x = Array(a[prefix..<(a.count - suffix)]), y = Array(b[prefix..<(b.count - suffix)])
        var middle: [Line] = []
        let n = x.count, m = y.count
        if n == 0 || m == 0 || n * m > 16_000_000 {
            // Nothing in common to find (or too large a table): the old lines go, the new ones come.
            middle = x.map(Line.removed) + y.map(Line.added)
        } else {
            // table[i][j]: LCS length of x[i...] and y[j...].
            var table = [Int32](repeating: 0, count: (n + 1) * (m + 1))
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * (m + 1) + j] = x[i] == y[j]
                        ? table[(i + 1) * (m + 1) + j + 1] + 1
                        : max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
                }
            }
            var i = 0, j = 0
            while i < n && j < m {
                if x[i] == y[j] {
                    middle.append(.same(x[i])); i += 1; j += 1
                } else if table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1] {
                    middle.append(.removed(x[i])); i += 1
                } else {
                    middle.append(.added(y[j])); j += 1
                }
            }
            while i < n { middle.append(.removed(x[i])); i += 1 }
            while j < m { middle.append(.added(y[j])); j += 1 }
        }
        return a[..<prefix].map(Line.same) + middle + a[(a.count - suffix)...].map(Line.same)
    }

    /// The hunks, without the `---`/`+++` header; empty when nothing changed.
    public func unified(context: Int = 3) -> [String] {
        // Indices of changed lines, grouped into hunks whose contexts touch.
        let changed = lines.indices.filter { if case .same = lines[$0] { false } else { true } }
        guard !changed.isEmpty else { return [] }
        var groups: [ClosedRange<Int>] = []
        for index in changed {
            let range = max(0, index - context)...min(lines.count - 1, index + context)
            if let last = groups.last, range.lowerBound <= last.upperBound + 1 {
                groups[groups.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                groups.append(range)
            }
        }
        // Line numbers in the old and new texts at each position.
        var oldLine = [Int](repeating: 0, count: lines.count + 1), newLine = [Int](repeating: 0, count: lines.count + 1)
        for (k, line) in lines.enumerated() {
            oldLine[k + 1] = oldLine[k] + (line.isAdded ? 0 : 1)
            newLine[k + 1] = newLine[k] + (line.isRemoved ? 0 : 1)
        }
        var out: [String] = []
        for group in groups {
            let slice = lines[group]
            let oldCount = slice.count { !$0.isAdded }, newCount = slice.count { !$0.isRemoved }
            // diff -u numbers an empty side by the line before it.
            let oldStart = oldCount == 0 ? oldLine[group.lowerBound] : oldLine[group.lowerBound] + 1
            let newStart = newCount == 0 ? newLine[group.lowerBound] : newLine[group.lowerBound] + 1
            // As diff -u: a one-line range is written without its count.
            func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }
            out.append("@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@")
            for line in slice {
                switch line {
                case .same(let s): out.append(" " + s)
                case .removed(let s): out.append("-" + s)
                case .added(let s): out.append("+" + s)
                }
            }
        }
        return out
    }
}

extension LineDiff.Line {
    var isAdded: Bool { if case .added = self { true } else { false } }
    var isRemoved: Bool { if case .removed = self { true } else { false } }
}
