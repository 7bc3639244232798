import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

/// Writes `text` to a fresh temporary file named `name` and returns its path.
func writeTemporary(_ text: String, name: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-project-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Errors inside YAML scalars that YAML re-lays out (folded and literal
/// blocks, multi-line plain scalars) point at the file's own line and column.
@Suite("Locations inside YAML blocks")
struct YAMLLocationTests {
    /// A template whose only error, `{first_name` left open, is on the
    /// third line of its `text` block: the parser stops at `luck`, column 24
    /// of file line 6.
    static func template(indicator: String) -> String {
        """
        title: Exams
        channel: sms
        text: \(indicator)
          Dear {first_name}, final exams start soon:
          sleep well and revise early,
          and good {first_name luck!
        """
    }

    @Test("an error on the third line of a folded or literal block is located at its file line and column",
          arguments: [">-", ">", "|", "|-", "|+"])
    func templateBlock(indicator: String) throws {
        let path = try writeTemporary(Self.template(indicator: indicator), name: "exams.yaml")
        let spec = try ProjectLoader.readTemplate(path)
        let error = try #require(CompiledTemplate.check(spec, defaultLocale: "en").first)
        #expect(error.location == SourceLocation(file: path, line: 6, column: 24), "\(error)")
        #expect(error.sourceLine == "  and good {first_name luck!")
        #expect(error.caretColumn == 24)
    }

    @Test("an audience rule written as a folded block or over several plain lines is located on its line",
          arguments: [("where: >-\n  gender = 'female'\n  AND children > 0\n  AND citty = 'x'\n", 5),
                      ("where: gender = 'female'\n  AND children > 0\n  AND citty = 'x'\n", 4)])
    func ruleBlock(yaml: String, line: Int) throws {
        let path = try writeTemporary("title: Mothers\n" + yaml, name: "mothers.yaml")
        let audience = try ProjectLoader.readAudience(path)
        let errors = AudienceCatalog.check([audience], fieldTypes: ["gender": .gender, "children": .int, "city": .text])
        let error = try #require(errors.first)
        #expect(error.message.contains("citty"))
        #expect(error.location == SourceLocation(file: path, line: line, column: 7), "\(error)")
        #expect(error.sourceLine == "  AND citty = 'x'")
    }

    @Test("Arabic text with vowel marks before the error keeps the column in characters")
    func arabicFolded() throws {
        let yaml = "title: t\nchannel: sms\ntext: >-\n  عزيزتي {first_name}، موعد التطعيم غدًا\n  يرجى {الحضور\n"
        let path = try writeTemporary(yaml, name: "ar.yaml")
        let error = try #require(CompiledTemplate.check(try ProjectLoader.readTemplate(path), defaultLocale: "ar").first)
        #expect(error.location?.line == 5, "\(error)")
        #expect(error.sourceLine == "  يرجى {الحضور")
    }

    @Test("a one-line value keeps its simple layout and exact column")
    func singleLine() throws {
        let path = try writeTemporary("title: t\nwhere: gender = 'female' AND citty = 'x'\n", name: "a.yaml")
        let error = try #require(AudienceCatalog.check([try ProjectLoader.readAudience(path)], fieldTypes: ["gender": .gender, "city": .text]).first)
        #expect(error.location == SourceLocation(file: path, line: 2, column: 30))
    }

    @Test("CRLF files are split into the same lines")
    func crlf() throws {
        let yaml = Self.template(indicator: ">-").replacingOccurrences(of: "\n", with: "\r\n")
        let path = try writeTemporary(yaml, name: "crlf.yaml")
        let error = try #require(CompiledTemplate.check(try ProjectLoader.readTemplate(path), defaultLocale: "en").first)
        #expect(error.location == SourceLocation(file: path, line: 6, column: 24), "\(error)")
        #expect(error.sourceLine == "  and good {first_name luck!")
    }

    @Test("a YAML syntax error in a CRLF file shows its line")
    func crlfSyntaxError() throws {
        let path = try writeTemporary("title: x\r\nwhere: [gender = 'female'\r\n", name: "broken.yaml")
        let error = try #require(throws: OutreachError.self) { try YAMLFile.load(path) }
        #expect(error.message.hasPrefix("invalid YAML"))
        let line = try #require(error.location?.line)
        #expect(error.sourceLine == ["title: x", "where: [gender = 'female'", ""][line - 1])
    }
}
