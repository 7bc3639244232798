import ArgumentParser

/// `outreach command-reference` (hidden): the command reference in Markdown, made from each command's own
/// `--help`, walking the command tree in the order `outreach --help` lists it. `make docs` writes it to
/// docs/commands.md, and a test fails when that file is not what this prints.
struct CommandReference: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "command-reference",
        abstract: "Print the command reference (docs/commands.md) from every command's help.",
        shouldDisplay: false)

    /// Help is wrapped at this width, whatever the terminal, so the file does not depend on who made it.
    static let columns = 100

    func run() {
        print(Self.markdown(), terminator: "")
    }

    static func markdown() -> String {
        var out = """
            # Command reference

            Generated from the program's own help by `make docs` (`outreach command-reference > docs/commands.md`);
            a test fails when this file is not current. Every command also answers `--help`.


            """
        for (path, command) in commands(under: Outreach.self, path: ["outreach"]) {
            out += "## \(path.joined(separator: " "))\n\n"
            var help = Outreach.helpMessage(for: command, columns: columns)
                .split(separator: "\n", omittingEmptySubsequences: false)
                .map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
            while help.last?.isEmpty == true { help.removeLast() }
            out += "```text\n" + help.joined(separator: "\n") + "\n```\n\n"
        }
        return out
    }

    /// Every displayed command below `command` (itself first), depth first, with its path of names.
    static func commands(under command: any ParsableCommand.Type, path: [String]) -> [([String], any ParsableCommand.Type)] {
        var found = [(path, command)]
        for sub in command.configuration.subcommands where sub.configuration.shouldDisplay {
            found += commands(under: sub, path: path + [sub._commandName])
        }
        return found
    }
}
