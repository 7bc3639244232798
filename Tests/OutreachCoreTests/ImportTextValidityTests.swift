import Testing
import OutreachCore

/// Values that are not valid text (control characters, bytes that are not
/// UTF-8) are rejected on import, counted and located — never stored, so
/// never cut short or turned into `�` on the way to a gateway.
struct ImportTextValidityTests {
    static let schema = PopulationSchema(idField: "id", fields: ["email": .email, "kids": .int])

    @Test("a NUL or another C0 control in a text value is a rejected value, with its line and byte")
    func controlCharactersAreRejected() throws {
        let csv = "id,name,email,kids\n1,Na\u{0}me,a@b.sa,1\n2,\u{1B}[2Jx,c@d.sa,2\n3,ok,\"e\u{7}@f.sa\",3\n4,fine,g@h.sa,4\n"
        let (population, report) = try importPopulation(csv, schema: Self.schema)
        #expect(population.count == 4)
        #expect(rowTexts(population).map { $0[1] } == ["∅", "∅", "ok", "fine"])
        let name = try #require(report.rejectedValues.first { $0.field == "name" })
        #expect(name.count == 2)
        #expect(name.examples[0] == .init(line: 2, raw: "Na\u{0}me", problem: TextProblem(kind: .controlCharacter, value: 0, byteOffset: 2)))
        #expect(name.examples[1].problem == TextProblem(kind: .controlCharacter, value: 0x1B, byteOffset: 0))
        #expect(report.rejectedValueCount(of: "email") == 1)
        #expect(report.rejectedValues.first { $0.field == "email" }?.examples.first?.problem?.value == 7)
    }

    @Test("tab and line breaks inside a quoted field are text")
    func tabAndQuotedLineBreaksAreText() throws {
        let csv = "id,note\r\n1,\"a\tb\r\nc\nd\"\r\n"
        let (population, report) = try importPopulation(csv, schema: PopulationSchema(idField: "id"))
        #expect(rowTexts(population) == [["1", "a\tb\r\nc\nd"]])
        #expect(report.rejectedValues.isEmpty)
    }

    @Test("DEL and C1 controls are rejected; Arabic, emoji and bidi marks are not")
    func delAndC1() throws {
        let csv = "id,name\n1,a\u{7F}b\n2,a\u{9B}b\n3,سارة \u{200F}😀\n"
        let (population, report) = try importPopulation(csv, schema: Self.schema)
        #expect(rowTexts(population).map { $0[1] } == ["∅", "∅", "سارة \u{200F}😀"])
        #expect(report.rejectedValueCount(of: "name") == 2)
    }

    @Test("an id holding a control character or invalid UTF-8 rejects its row instead of being cut at the NUL")
    func idsMustBeText() throws {
        let bytes = Array("id,name\n1001\u{0}X,a\n1001,b\n".utf8) + Array("10".utf8) + [0xC3] + Array(",c\n".utf8)
        let (population, report) = try importPopulation(bytes: bytes, schema: PopulationSchema(idField: "id"))
        #expect(rowTexts(population) == [["1001", "b"]])
        #expect(report.count(of: .invalidID) == 2)
        let details = report.rejectedRows.first { $0.reason == .invalidID }?.examples.map(\.detail)
        #expect(details == [
            "the id \"1001\u{0}X\" is not valid text: control character U+0000 (NUL) at byte 5",
            "the id \"10\\x{C3}\" is not valid text: byte 0xC3 at byte 3 is not UTF-8",
        ])
    }

    @Test("JSON Lines: a \\u0000 escape is a control character too")
    func jsonLinesEscapedControls() throws {
        let jsonl = #"{"id": "1", "name": "Na\u0000me"}"# + "\n" + #"{"id": "2", "name": "ok\ttab"}"# + "\n"
            + #"{"id": "3\u001b", "name": "x"}"# + "\n"
        let (population, report) = try importPopulation(jsonl, schema: PopulationSchema(idField: "id"), format: .jsonLines, fileName: "p.jsonl")
        #expect(rowTexts(population) == [["1", "∅"], ["2", "ok\ttab"]])
        #expect(report.rejectedValues.first { $0.field == "name" }?.examples.first?.problem?.value == 0)
        #expect(report.count(of: .invalidID) == 1)
    }

    @Test("TextProblem finds the first problem past the 8-byte fast path", arguments: 0..<20)
    func fastPathBoundaries(position: Int) {
        var bytes = Array(repeating: UInt8(ascii: "a"), count: 20)
        bytes[position] = 0
        let problem = bytes.withUnsafeBufferPointer { TextProblem.first(in: $0) }
        #expect(problem == TextProblem(kind: .controlCharacter, value: 0, byteOffset: position))
        bytes[position] = 0x7F
        #expect(bytes.withUnsafeBufferPointer { TextProblem.first(in: $0) }?.byteOffset == position)
        bytes[position] = 0x7E
        #expect(bytes.withUnsafeBufferPointer { TextProblem.first(in: $0) } == nil)
    }

    @Test("TextProblem agrees with Swift's UTF-8 validation on malformed sequences", arguments: [
        [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8], [0x80], [0xE2, 0x82],
        [0xC3, 0xA9], [0xE2, 0x82, 0xAC], [0xF0, 0x9F, 0x98, 0x80], [0xD8, 0xB3],
    ] as [[UInt8]])
    func utf8Validation(sequence: [UInt8]) {
        let bytes = Array("ab".utf8) + sequence + Array("cd".utf8)
        let swiftValid = String(validating: bytes, as: UTF8.self) != nil
        let problem = bytes.withUnsafeBufferPointer { TextProblem.first(in: $0) }
        #expect((problem == nil) == swiftValid)
        if let problem { #expect(problem.kind == .invalidUTF8 && problem.byteOffset == 2) }
    }

    @Test("the report text escapes what it prints, so a value cannot forge a report line")
    func reportEscapes() throws {
        let csv = "id,kids\n1,\"3\nline 2: forged\u{1B}[31m\"\n"
        let (_, report) = try importPopulation(csv, schema: Self.schema)
        let text = report.description
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains(#""3\nline 2: forged\u{1b}[31m""#))
        #expect(text.split(separator: "\n").count == 2)
    }
}
