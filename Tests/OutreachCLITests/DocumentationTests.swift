import Foundation
import Testing

/// The documentation cannot drift from the program: every ```` ```console ```` block of README.md, docs/ and
/// bench/README.md is run, its local links resolve, the two officer guides name the same commands, and the
/// command reference is what the program's own help says.
///
/// A console block holds commands written `$ outreach …` (a trailing `\` continues one on the next line),
/// each followed by the output it prints on standard output. Each document's blocks run in order, in one fresh
/// copy of the bundled example project, through `/bin/sh` with the built `outreach` first on `PATH` — so a
/// document can launch, run and then report. Output is compared line by line after normalising only what must
/// vary from run to run (`DocumentationCheck.normalise`): trailing spaces, durations such as `(0.01 s)` or
/// `(18 ms)`, rates such as `6,375 messages/s`, and the copy's own path (shown as `.`). In the shown output a
/// line that is `…` alone stands for any number of lines, and `…` inside a line for any text. A command shown
/// with no output must exit 0.
@Suite("Documentation", .serialized)
struct DocumentationTests {
    static let root = CLIRunner.packageRoot

    /// README.md, every Markdown file under docs/, and bench/README.md.
    static func documents() -> [URL] {
        var found = [root.appendingPathComponent("README.md"), root.appendingPathComponent("bench/README.md")]
        let docs = root.appendingPathComponent("docs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
        found += names.filter { $0.hasSuffix(".md") }.sorted().map { docs.appendingPathComponent($0) }
        return found.filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    static func relative(_ url: URL) -> String {
        String(url.path.dropFirst(root.path.count + 1))
    }

    @Test("the guides exist")
    func guidesExist() {
        let names = Set(Self.documents().map(Self.relative))
        for name in ["README.md", "bench/README.md", "docs/officer-guide.ar.md", "docs/officer-guide.en.md",
                     "docs/rules-and-templates.md", "docs/operations.md", "docs/two-way.md", "docs/architecture.md",
                     "docs/commands.md"] {
            #expect(names.contains(name), "\(name) is missing")
        }
    }

    @Test("every console block prints what it shows", arguments: DocumentationTests.documents().map(DocumentationTests.relative))
    func consoleBlocks(document: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(document), encoding: .utf8)
        let commands = DocumentationCheck.consoleCommands(in: text)
        guard !commands.isEmpty else { return }
        let project = try CLIRunner.copyOfExampleProject()
        defer { try? FileManager.default.removeItem(at: project) }
        for command in commands {
            let out = try DocumentationCheck.shell(command.line, in: project)
            let where_ = "\(document):\(command.lineNumber): $ \(command.line)"
            if command.expected.isEmpty {
                #expect(out.status == 0, "\(where_)\nexit \(out.status)\n\(out.stderr)")
                continue
            }
            let actual = DocumentationCheck.normalise(out.stdout, project: project)
            let expected = DocumentationCheck.normalise(command.expected.joined(separator: "\n"), project: project)
            #expect(DocumentationCheck.matches(expected: expected, actual: actual),
                    "\(where_)\n--- shown\n\(expected.joined(separator: "\n"))\n--- printed (exit \(out.status))\n\(actual.joined(separator: "\n"))\n\(out.stderr)")
        }
    }

    @Test("local links and anchors resolve", arguments: DocumentationTests.documents().map(DocumentationTests.relative))
    func links(document: String) throws {
        let url = Self.root.appendingPathComponent(document)
        let text = try String(contentsOf: url, encoding: .utf8)
        for link in DocumentationCheck.links(in: text) {
            if link.contains("://") || link.hasPrefix("mailto:") { continue }
            let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let target = parts[0].isEmpty ? url : url.deletingLastPathComponent().appendingPathComponent(parts[0]).standardizedFileURL
            #expect(FileManager.default.fileExists(atPath: target.path), "\(document): link to \(link): no such file")
            guard parts.count == 2, target.pathExtension == "md",
                  let targetText = try? String(contentsOf: target, encoding: .utf8) else { continue }
            #expect(DocumentationCheck.anchors(in: targetText).contains(parts[1]),
                    "\(document): link to \(link): no heading with that anchor in \(target.lastPathComponent)")
        }
    }

    @Test("the Arabic and English officer guides name the same commands")
    func officerGuidesAgree() throws {
        let guide = { (name: String) throws -> Set<String> in
            DocumentationCheck.commandNames(in: try String(contentsOf: Self.root.appendingPathComponent("docs/\(name)"), encoding: .utf8))
        }
        let arabic = try guide("officer-guide.ar.md"), english = try guide("officer-guide.en.md")
        #expect(!english.isEmpty)
        #expect(arabic == english, "only in Arabic: \(arabic.subtracting(english).sorted()); only in English: \(english.subtracting(arabic).sorted())")
    }

    @Test("docs/commands.md is the program's own help (regenerate with `make docs`)")
    func commandReferenceIsCurrent() throws {
        let out = try CLIRunner.run(["command-reference"])
        #expect(out.status == 0, "\(out.stderr)")
        let file = try String(contentsOf: Self.root.appendingPathComponent("docs/commands.md"), encoding: .utf8)
        #expect(file == out.stdout, "docs/commands.md is not current: run `make docs`")
    }

    @Test("the README's command table lists every command")
    func readmeListsEveryCommand() throws {
        let reference = try CLIRunner.run(["command-reference"]).stdout
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let leaves = DocumentationCheck.commandPaths(inReference: reference)
        #expect(leaves.count > 20)
        let lines = readme.components(separatedBy: "\n")
        for path in leaves {
            // `outreach audience count`, or a row naming the group and the command: `outreach optout add` / `remove`.
            let words = path.split(separator: " ").dropFirst()
            let named = readme.contains("`\(path)") || lines.contains { line in
                line.contains("`outreach \(words.first!)")
                    && (line.contains("`\(words.last!)") || line.contains("`\(words.joined(separator: " "))"))
            }
            #expect(named, "README.md does not mention `\(path)`")
        }
    }
}

/// The parsing and comparing behind `DocumentationTests`.
enum DocumentationCheck {
    struct Command {
        var line: String
        var lineNumber: Int
        var expected: [String]
    }

    /// The `$ outreach …` commands of every ```` ```console ```` block, with the output shown after each.
    static func consoleCommands(in text: String) -> [Command] {
        var commands: [Command] = []
        var inConsole = false, inFence = false
        var continuing = false
        for (index, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                if inFence { inFence = false; inConsole = false; continue }
                inFence = true
                inConsole = line == "```console"
                continue
            }
            guard inConsole else { continue }
            if continuing, var last = commands.popLast() {
                last.line += " " + raw.trimmingCharacters(in: .whitespaces)
                continuing = last.line.hasSuffix("\\")
                if continuing { last.line.removeLast() }
                commands.append(last)
            } else if raw.hasPrefix("$ ") {
                var command = String(raw.dropFirst(2))
                continuing = command.hasSuffix("\\")
                if continuing { command.removeLast() }
                commands.append(Command(line: command, lineNumber: index + 1, expected: []))
            } else if !commands.isEmpty {
                commands[commands.count - 1].expected.append(raw)
            }
        }
        // A block's last command ends with the block, not with the blank line before the fence.
        return commands.map { command in
            var command = command
            while command.expected.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { command.expected.removeLast() }
            return command
        }
    }

    /// Runs `line` with `/bin/sh -c` in `directory`, the built `outreach` first on `PATH`.
    static func shell(_ line: String, in directory: URL) throws -> CLIRunner.Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLIRunner.executable.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLIRunner.Output(status: process.terminationStatus,
                                stdout: String(decoding: outData, as: UTF8.self),
                                stderr: String(decoding: errData, as: UTF8.self))
    }

    /// What may differ between the shown output and a run: trailing spaces, durations, rates, the copy's path.
    static func normalise(_ text: String, project: URL) -> [String] {
        var lines = text.replacingOccurrences(of: project.path, with: ".").components(separatedBy: "\n")
        while lines.last?.isEmpty == true { lines.removeLast() }
        let patterns = [
            (#"\(\d+(\.\d+)? ?(s|ms)\)"#, "(<time>)"),
            (#"\b\d+(\.\d+)? s\b"#, "<time>"),
            (#"\b[\d,]+(\.\d+)? (messages|msg|rows|req)/s\b"#, "<rate>"),
        ]
        return lines.map { line in
            var line = String(line.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
            for (pattern, replacement) in patterns {
                line = line.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
            }
            return line
        }
    }

    /// `expected` against `actual`: a line `…` matches any number of lines, `…` in a line any text.
    static func matches(expected: [String], actual: [String]) -> Bool {
        func line(_ pattern: String, _ text: String) -> Bool {
            guard pattern.contains("…") else { return pattern == text }
            let pieces = pattern.components(separatedBy: "…").map(NSRegularExpression.escapedPattern(for:))
            return text.range(of: "^" + pieces.joined(separator: ".*") + "$", options: .regularExpression) != nil
        }
        func match(_ e: Int, _ a: Int) -> Bool {
            if e == expected.count { return a == actual.count }
            if expected[e] == "…" {
                return (a...actual.count).contains { match(e + 1, $0) }
            }
            return a < actual.count && line(expected[e], actual[a]) && match(e + 1, a + 1)
        }
        return match(0, 0)
    }

    /// The Markdown text outside fenced blocks and inline code.
    static func prose(_ text: String) -> String {
        var kept: [String] = []
        var inFence = false
        for line in text.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); continue }
            if !inFence { kept.append(line) }
        }
        return kept.joined(separator: "\n").replacingOccurrences(of: "`[^`\n]*`", with: "", options: .regularExpression)
    }

    /// The targets of `[text](target)` links outside code.
    static func links(in text: String) -> [String] {
        let prose = prose(text) as NSString
        let regex = try! NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        return regex.matches(in: prose as String, range: NSRange(location: 0, length: prose.length)).map {
            prose.substring(with: $0.range(at: 1))
        }
    }

    /// The anchors GitHub makes for a document's headings: lower case, punctuation dropped, spaces to `-`,
    /// `-1`, `-2`… after repeats.
    static func anchors(in text: String) -> Set<String> {
        var seen: [String: Int] = [:]
        var anchors: Set<String> = []
        var inFence = false
        for line in text.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); continue }
            guard !inFence, line.hasPrefix("#") else { continue }
            let title = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            var slug = ""
            for scalar in title.lowercased().unicodeScalars {
                let p = scalar.properties
                if p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
                    || p.generalCategory == .spacingMark || scalar == "-" || scalar == "_" {
                    slug.unicodeScalars.append(scalar)
                } else if scalar == " " {
                    slug.append("-")
                }
            }
            let count = seen[slug, default: 0]
            anchors.insert(count == 0 ? slug : "\(slug)-\(count)")
            seen[slug] = count + 1
        }
        return anchors
    }

    /// Commands with subcommands of their own: their name and the next word name a command.
    static let groups: Set<String> = ["audience", "optout", "gateway", "outcome"]

    /// The commands a text names in code (`outreach preview`, `outreach audience count`).
    static func commandNames(in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: #"\boutreach ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?"#)
        var code = ""
        var inFence = false
        for line in text.components(separatedBy: "\n") {
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { inFence.toggle(); continue }
            if inFence { code += line + "\n"; continue }
            let inline = try! NSRegularExpression(pattern: "`([^`\n]*)`")
            let ns = line as NSString
            for match in inline.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
                code += ns.substring(with: match.range(at: 1)) + "\n"
            }
        }
        let ns = code as NSString
        return Set(regex.matches(in: code, range: NSRange(location: 0, length: ns.length)).map { match in
            let first = ns.substring(with: match.range(at: 1))
            if groups.contains(first), match.range(at: 2).location != NSNotFound {
                return first + " " + ns.substring(with: match.range(at: 2))
            }
            return first
        })
    }

    /// The commands the reference documents that have no subcommands (`outreach audience count`, …).
    static func commandPaths(inReference reference: String) -> [String] {
        let headings = reference.components(separatedBy: "\n").filter { $0.hasPrefix("## outreach") }.map { String($0.dropFirst(3)) }
        return headings.filter { heading in !headings.contains { $0.hasPrefix(heading + " ") } }
    }
}
