import Testing
import OutreachCore

struct JSONLinesImportTests {
    static let schema = PopulationSchema(idField: "id", fields: ["age": .int, "student": .bool, "mobile": .phone, "gender": .gender])

    static let sample = """
        {"id": "1", "name": "سارة", "age": 30, "student": false, "mobile": "0551234567", "gender": "F"}
        {"id":"2","name":"Ali \\"the\\" \\u0627\\u0644\\u0623\\u0648\\u0644 \\ud83d\\ude00","age":"٤٢","student":"نعم","mobile":966501234567,"gender":null}

        {"id": "3", "name": {"first": "x"}, "age": 1.5, "tags": [1, 2]}
        {"id": "4", "name": "broken"
        ["not", "an", "object"]
        {"id": "1", "name": "dup"}
        {"name": "no id"}
        {"id": "5"}\r
        """

    @Test func importsValuesAndCountsProblems() throws {
        let (population, report) = try importPopulation(Self.sample, schema: Self.schema, format: .jsonLines, fileName: "p.jsonl")
        #expect(population.fieldNames.prefix(6) == ["id", "name", "age", "student", "mobile", "gender"])
        #expect(rowTexts(population).map { Array($0.prefix(6)) } == [
            ["1", "سارة", "30", "false", "+966551234567", "female"],
            ["2", "Ali \"the\" الأول 😀", "42", "true", "+966501234567", "∅"],
            ["3", "∅", "∅", "∅", "∅", "∅"],
            ["5", "∅", "∅", "∅", "∅", "∅"],
        ])
        #expect(report.rowsRead == 8)
        #expect(report.rowsImported == 4)
        let invalid = try #require(report.rejectedRows.first { $0.reason == .invalidJSON })
        #expect(invalid.exampleLines == [5, 6])
        #expect(invalid.examples[0].detail.hasPrefix("invalid JSON: expected ',' or '}'"))
        #expect(report.rejectedRows.first { $0.reason == .duplicateID }?.exampleLines == [7])
        #expect(report.rejectedRows.first { $0.reason == .missingID }?.exampleLines == [8])
        #expect(report.rejectedValues.first { $0.field == "name" }?.examples == [.init(line: 4, raw: "{\"first\": \"x\"}")])
        #expect(report.rejectedValues.first { $0.field == "age" }?.examples == [.init(line: 4, raw: "1.5")])
        // "tags" is not a column (not in the first line nor the schema): counted, not dropped silently.
        #expect(report.rejectedValueCount(of: "tags") == 1)
    }

    @Test func oneByteAtATimeAndEverySplitGiveTheSameResult() throws {
        let bytes = Array(Self.sample.utf8)
        let whole = try importPopulation(bytes: bytes, schema: Self.schema, format: .jsonLines)
        let bytewise = try importPopulation(bytes: bytes, schema: Self.schema, format: .jsonLines, chunkSizes: [1])
        #expect(rowTexts(bytewise.0) == rowTexts(whole.0))
        #expect(bytewise.1 == whole.1)
        for split in stride(from: 1, to: bytes.count, by: 3) {
            let parts = try importPopulation(bytes: bytes, schema: Self.schema, format: .jsonLines, chunkSizes: [split, bytes.count])
            #expect(rowTexts(parts.0) == rowTexts(whole.0), "split at \(split)")
            #expect(parts.1 == whole.1, "split at \(split)")
        }
    }

    @Test func bomAndCRLFAreAccepted() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("{\"id\": 1}\r\n{\"id\": 2}\r\n".utf8)
        let (population, report) = try importPopulation(bytes: bytes, schema: Self.schema, format: .jsonLines)
        #expect(rowTexts(population).map { $0[0] } == ["1", "2"])
        #expect(report.totalRejectedRows == 0)
    }

    @Test func invalidJSONMessagesSayWhere() throws {
        let lines = "{\"id\": \"1\"}\n{\"id\" \"2\"}\n{\"id\": tru}\n{\"id\": \"3\"} x\n{\"id\": \"\\q\"}\n"
        let (population, report) = try importPopulation(lines, schema: Self.schema, format: .jsonLines)
        #expect(population.count == 1)
        let details = report.rejectedRows.first?.examples.map(\.detail) ?? []
        #expect(details == [
            "invalid JSON: expected ':' at column 7",
            "invalid JSON: unknown literal at column 8",
            "invalid JSON: unexpected text after the object at column 13",
            "invalid JSON: invalid escape at column 10",
        ])
        #expect(report.rejectedRows.first?.exampleLines == [2, 3, 4, 5])
    }

    @Test func emptyFileIsFatal() {
        #expect(throws: OutreachError.self) { try importPopulation("\n\n", schema: Self.schema, format: .jsonLines) }
    }
}
