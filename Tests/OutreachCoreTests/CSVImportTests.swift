import Testing
import OutreachCore

struct CSVImportTests {
    static let textSchema = PopulationSchema(idField: "id")

    /// A file with everything that can straddle a chunk boundary.
    static let tricky: [UInt8] = [0xEF, 0xBB, 0xBF] + Array((
        "id,name,note\r\n" +
        "1,\"Santos, Jr.\",\"first line\r\nsecond line\"\r\n" +
        "2,سارة القحطاني,\"she said \"\"مرحبا\"\"\"\r\n" +
        "\r\n" +
        "3,😀 emoji,\n" +
        "4,short\n" +
        "5,\"\",\"\"\r\n" +
        "2,again,dup\n" +
        ",blank,id\r\n" +
        "6,last,no newline"
    ).utf8)

    @Test func parsesQuotingNewlinesAndBOM() throws {
        let (population, report) = try importPopulation(bytes: Self.tricky, schema: Self.textSchema)
        #expect(population.fieldNames == ["id", "name", "note"])
        #expect(rowTexts(population) == [
            ["1", "Santos, Jr.", "first line\r\nsecond line"],
            ["2", "سارة القحطاني", "she said \"مرحبا\""],
            ["3", "😀 emoji", "∅"],
            ["5", "∅", "∅"],
            ["6", "last", "no newline"],
        ])
        #expect(report.rowsRead == 8)
        #expect(report.rowsImported == 5)
        #expect(report.totalRejectedRows == 3)
        // The quoted CRLF makes record 2 start on line 4; the blank line is 5.
        #expect(report.rejectedRows.first { $0.reason == .wrongColumnCount }?.exampleLines == [7])
        #expect(report.rejectedRows.first { $0.reason == .duplicateID }?.exampleLines == [9])
        #expect(report.rejectedRows.first { $0.reason == .missingID }?.exampleLines == [10])
        #expect(report.rejectedRows.first { $0.reason == .wrongColumnCount }?.examples.first?.detail == "expected 3 columns, found 2")
    }

    @Test func oneByteAtATimeGivesTheSameResult() throws {
        let whole = try importPopulation(bytes: Self.tricky, schema: Self.textSchema)
        let bytewise = try importPopulation(bytes: Self.tricky, schema: Self.textSchema, chunkSizes: [1])
        #expect(rowTexts(bytewise.0) == rowTexts(whole.0))
        #expect(bytewise.1 == whole.1)
    }

    @Test func everyTwoChunkSplitGivesTheSameResult() throws {
        let whole = try importPopulation(bytes: Self.tricky, schema: Self.textSchema)
        for split in 1..<Self.tricky.count {
            let parts = try importPopulation(bytes: Self.tricky, schema: Self.textSchema, chunkSizes: [split, Self.tricky.count])
            #expect(rowTexts(parts.0) == rowTexts(whole.0), "split at \(split)")
            #expect(parts.1 == whole.1, "split at \(split)")
        }
    }

    @Test(arguments: [1 as UInt64, 2, 3, 4, 5])
    func randomChunkSizesGiveTheSameResult(seed: UInt64) throws {
        var generator = PopulationGenerator(seed: seed, today: Day(year: 2026, month: 11, day: 29)!)
        var text = PopulationGenerator.header + "\r\n"
        for _ in 0..<300 { text += generator.nextLine() + "\r\n" }
        let bytes = Array(text.utf8)
        let schema = try #require(GeneratorTests.schema)
        var state = seed
        var sizes: [Int] = []
        for _ in 0..<64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            sizes.append(Int(state >> 33) % 97 + 1)
        }
        let whole = try importPopulation(bytes: bytes, schema: schema)
        let chunked = try importPopulation(bytes: bytes, schema: schema, chunkSizes: sizes)
        #expect(whole.0.count > 250)
        #expect(rowTexts(chunked.0) == rowTexts(whole.0))
        #expect(chunked.1 == whole.1)
    }

    @Test func crlfAndLFGiveTheSameRows() throws {
        let lf = "id,name\n1,a\n2,\"b\nc\"\n"
        let crlf = "id,name\r\n1,a\r\n2,\"b\nc\"\r\n"
        let a = try importPopulation(lf, schema: Self.textSchema)
        let b = try importPopulation(crlf, schema: Self.textSchema)
        #expect(rowTexts(a.0) == rowTexts(b.0))
        #expect(a.1.rowsImported == 2)
    }

    @Test func lineNumbersFollowPhysicalLines() throws {
        let csv = "id,note\n1,\"a\nb\nc\"\n2,x,extra\n3,\"d\"\"\ne\"\n4\n"
        let (_, report) = try importPopulation(csv, schema: Self.textSchema)
        #expect(report.rejectedRows.first { $0.reason == .wrongColumnCount }?.exampleLines == [5, 8])
    }

    @Test func unterminatedQuoteIsReported() throws {
        let (population, report) = try importPopulation("id,note\n1,ok\n2,\"never closed\n3,x\n", schema: Self.textSchema)
        #expect(population.count == 1)
        // The record of line 4 was swallowed too: two records lost.
        #expect(report.count(of: .unterminatedQuote) == 2)
        #expect(report.rowsRead == 3 && report.totalRejectedRows == 2)
        #expect(report.rejectedRows.first?.exampleLines == [3])
    }

    @Test func textAfterAClosingQuoteRejectsTheRow() throws {
        let (population, report) = try importPopulation("id,note\n1,\"a\"b\n2,c\"d\n", schema: Self.textSchema)
        #expect(rowTexts(population) == [["2", "c\"d"]])   // a quote inside an unquoted field is text
        #expect(report.count(of: .malformedQuotes) == 1)
    }

    @Test func blankIDIsRejectedWhole() throws {
        let (population, report) = try importPopulation("id,name\n  ,a\n\"\",b\n3,c\n", schema: Self.textSchema)
        #expect(population.count == 1)
        #expect(report.rejectedRows == [RowRejection(reason: .missingID, count: 2, examples: [
            .init(line: 2, detail: "the id \"id\" is blank"), .init(line: 3, detail: "the id \"id\" is blank"),
        ])])
    }

    @Test func headerWithoutTheIDColumnIsFatal() {
        #expect(throws: OutreachError.self) { try importPopulation("name,city\na,b\n", schema: Self.textSchema) }
        do {
            _ = try importPopulation("name,city\na,b\n", schema: Self.textSchema, fileName: "x.csv")
        } catch let error as OutreachError {
            #expect(error.code == .unknownField)
            #expect(error.location == SourceLocation(file: "x.csv", line: 1, column: 1))
            #expect(error.hint?.contains("name, city") == true)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func duplicateHeaderNamesAreFatal() {
        #expect(throws: OutreachError.self) { try importPopulation("id,name, name\n1,a,b\n", schema: Self.textSchema) }
    }

    @Test func emptyHeaderNameIsFatal() {
        #expect(throws: OutreachError.self) { try importPopulation("id,name,\n1,a,b\n", schema: Self.textSchema) }
    }

    @Test(arguments: ["", "\u{FEFF}", "\n\n"])
    func emptyFileIsFatal(text: String) {
        #expect(throws: OutreachError.self) { try importPopulation(text, schema: Self.textSchema) }
    }

    @Test func headerOnlyGivesAnEmptyPopulation() throws {
        let (population, report) = try importPopulation("id,name", schema: Self.textSchema)
        #expect(population.count == 0)
        #expect(population.fieldNames == ["id", "name"])
        #expect(report.rowsRead == 0)
    }

    @Test func afterAFatalErrorConsumeKeepsThrowing() throws {
        var importer = PopulationImporter(schema: Self.textSchema, format: .csv, fileName: nil)
        // More than the 64 KiB held back to check the encoding, so the
        // first consume already reads the header.
        let bad = Array(("name\n" + String(repeating: "x\n", count: 40_000)).utf8)
        #expect(throws: OutreachError.self) { try bad.withUnsafeBytes { try importer.consume($0) } }
        #expect(throws: OutreachError.self) { try bad.withUnsafeBytes { try importer.consume($0) } }
        #expect(throws: OutreachError.self) { _ = try importer.finish() }
    }
}

struct CSVOversizedRecordTests {
    @Test func aRunawayQuoteStopsTheImportInsteadOfBufferingTheFile() throws {
        var importer = PopulationImporter(schema: PopulationSchema(idField: "id"), format: .csv, fileName: "big.csv")
        let head = Array("id,note\n1,ok\n2,\"never closed\n".utf8)
        try head.withUnsafeBytes { try importer.consume($0) }
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        var thrown: OutreachError?
        for _ in 0..<12 where thrown == nil {
            do {
                try chunk.withUnsafeBytes { try importer.consume($0) }
            } catch {
                thrown = error as? OutreachError
            }
        }
        let error = try #require(thrown)
        #expect(error.location?.line == 3)
        #expect(error.message.contains("longer than 8 MiB"))
        #expect(error.hint?.contains("the quote opened on line 3 is probably not closed") == true)
    }

    @Test func anOversizedLineWithoutQuotesIsNotBlamedOnAQuote() throws {
        var importer = PopulationImporter(schema: PopulationSchema(idField: "id"), format: .csv, fileName: "big.csv")
        try Array("id,note\n1,\"quoted\"\n2,".utf8).withUnsafeBytes { try importer.consume($0) }
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        var thrown: OutreachError?
        for _ in 0..<12 where thrown == nil {
            do { try chunk.withUnsafeBytes { try importer.consume($0) } } catch { thrown = error as? OutreachError }
        }
        let error = try #require(thrown)
        #expect(error.location?.line == 3)
        #expect(error.hint?.contains("quote") == false)
    }
}
