import Testing
import OutreachCore

/// Imports `text` through `PopulationImporter`, feeding it in chunks of the
/// given sizes (cycled), as the project layer does with file reads.
func importPopulation(_ text: String, schema: PopulationSchema, format: PopulationFormat = .csv,
                      chunkSizes: [Int] = [1 << 20], fileName: String? = "people.csv") throws -> (Population, ImportReport) {
    try importPopulation(bytes: Array(text.utf8), schema: schema, format: format, chunkSizes: chunkSizes, fileName: fileName)
}

func importPopulation(bytes: [UInt8], schema: PopulationSchema, format: PopulationFormat = .csv,
                      chunkSizes: [Int] = [1 << 20], fileName: String? = "people.csv") throws -> (Population, ImportReport) {
    var importer = PopulationImporter(schema: schema, format: format, fileName: fileName)
    var offset = 0, k = 0
    while offset < bytes.count {
        let size = max(1, chunkSizes[k % chunkSizes.count])
        k += 1
        let end = min(bytes.count, offset + size)
        try bytes[offset..<end].withUnsafeBytes { try importer.consume($0) }
        offset = end
    }
    return try importer.finish()
}

/// Every row as text, "∅" for missing, in field order.
func rowTexts(_ population: Population) -> [[String]] {
    (0..<population.count).map { row in
        population.fieldNames.map { population.value(row: row, field: $0)?.description ?? "∅" }
    }
}

struct ImportTests {
    static let schema = PopulationSchema(idField: "id", fields: [
        "gender": .gender, "birth": .date, "mobile": .phone, "kids": .int, "student": .bool,
        "email": .email, "vaccine": .hijriDate, "score": .decimal,
    ])

    @Test func typedColumnsAreNormalised() throws {
        let csv = """
            id,name,gender,birth,mobile,kids,student,email,vaccine,score
            1,سارة,أنثى,1990-05-01,0551234567,٣,نعم,Sara@Example.COM,1447-07-12 هـ,4.5
            2, Ahmed ,M,2001-02-30,+966 50 123 4567,x,no,bad@,,
            """
        let (population, report) = try importPopulation(csv, schema: Self.schema)
        #expect(population.count == 2)
        #expect(population.value(row: 0, field: "gender") == .gender(.female))
        #expect(population.value(row: 0, field: "birth") == .date(Day(year: 1990, month: 5, day: 1)!))
        #expect(population.value(row: 0, field: "mobile") == .text("+966551234567"))
        #expect(population.value(row: 0, field: "kids") == .int(3))
        #expect(population.value(row: 0, field: "student") == .bool(true))
        #expect(population.value(row: 0, field: "email") == .text("Sara@example.com"))
        #expect(population.value(row: 0, field: "vaccine") == .date(UmmAlQura.day(year: 1447, month: 7, day: 12)!))
        #expect(population.value(row: 0, field: "score") == .decimal(4.5))
        #expect(population.value(row: 1, field: "name") == .text("Ahmed"))
        #expect(population.value(row: 1, field: "birth") == nil)
        #expect(population.value(row: 1, field: "kids") == nil)
        #expect(population.value(row: 1, field: "vaccine") == nil)
        #expect(report.rowsRead == 2 && report.rowsImported == 2 && report.totalRejectedRows == 0)
        #expect(report.rejectedValueCount(of: "birth") == 1)
        #expect(report.rejectedValueCount(of: "kids") == 1)
        #expect(report.rejectedValueCount(of: "email") == 1)
        #expect(report.rejectedValueCount(of: "vaccine") == 0)   // blank is missing, not rejected
        let birth = try #require(report.rejectedValues.first { $0.field == "birth" })
        #expect(birth.type == .date)
        #expect(birth.examples == [.init(line: 3, raw: "2001-02-30")])
    }

    @Test func valueExamplesAreCappedAtFiveButAllCounted() throws {
        var csv = "id,kids\n"
        for i in 1...12 { csv += "\(i),many\n" }
        let (population, report) = try importPopulation(csv, schema: Self.schema)
        #expect(population.count == 12)
        let kids = try #require(report.rejectedValues.first)
        #expect(kids.count == 12)
        #expect(kids.examples.map(\.line) == [2, 3, 4, 5, 6])
        #expect(kids.examples.allSatisfy { $0.raw == "many" })
    }

    @Test func rowExamplesAreCappedAtTenButAllCounted() throws {
        var csv = "id,kids\n"
        for _ in 1...15 { csv += ",1\n" }
        csv += "16,2\n"
        let (population, report) = try importPopulation(csv, schema: Self.schema)
        #expect(population.count == 1)
        #expect(report.rowsRead == 16 && report.rowsImported == 1 && report.totalRejectedRows == 15)
        let missing = try #require(report.rejectedRows.first)
        #expect(missing.reason == .missingID && missing.count == 15)
        #expect(missing.exampleLines == Array(2...11))
    }

    @Test func reportIsCodableAndReadable() throws {
        let csv = "id,kids\n1,2\n1,3\n2,x\n"
        let (_, report) = try importPopulation(csv, schema: Self.schema, fileName: "p.csv")
        #expect(report.file == "p.csv")
        #expect(report.count(of: .duplicateID) == 1)
        let text = report.description
        #expect(text.contains("3 rows read, 2 imported, 1 rejected"))
        #expect(text.contains("duplicate id"))
        #expect(text.contains("line 4: \"x\""))
    }

    @Test func schemaFieldsMissingFromTheFileExistAsMissing() throws {
        let (population, _) = try importPopulation("id,name\n1,a\n", schema: Self.schema)
        #expect(population.type(of: "birth") == .date)
        #expect(population.value(row: 0, field: "birth") == nil)
        #expect(population.fieldNames.prefix(2) == ["id", "name"])
    }

    @Test func intIDsAreComparedByValue() throws {
        let schema = PopulationSchema(idField: "id", fields: ["id": .int])
        let (population, report) = try importPopulation("id\n7\n007\n٧\nabc\n8\n", schema: schema)
        #expect(population.count == 2)
        #expect(report.count(of: .duplicateID) == 2)
        #expect(report.count(of: .invalidID) == 1)
        #expect(report.rejectedRows.first { $0.reason == .invalidID }?.exampleLines == [5])
    }

    /// Random garbage made of the bytes parsers care about never crashes
    /// either importer, and every record read is accounted for.
    @Test(arguments: [PopulationFormat.csv, .jsonLines])
    func garbageNeverCrashesAndIsAccountedFor(format: PopulationFormat) throws {
        let pieces: [[UInt8]] = [
            [0x2C], [0x22], [0x0D], [0x0A], [0x7B], [0x7D], [0x5B], [0x5D], [0x3A], [0x5C], [0x75], [0x31],
            [0x20], [0xD8], [0xB3], [0xEF, 0xBB, 0xBF], Array("\"id\": ".utf8), Array("id,kids\n".utf8),
            Array("true".utf8), Array("٣".utf8), [0xF0, 0x9F], [0x2D], [0x65],
        ]
        var state: UInt64 = 0xDEADBEEF
        for round in 0..<200 {
            var bytes: [UInt8] = format == .csv ? Array("id,kids,student\n".utf8) : []
            for _ in 0..<(round % 50 * 4) {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                bytes += pieces[Int(state >> 33) % pieces.count]
            }
            do {
                let (population, report) = try importPopulation(bytes: bytes, schema: Self.schema, format: format,
                                                                chunkSizes: [Int(state >> 60) + 1])
                #expect(report.rowsImported == population.count)
                #expect(report.rowsImported + report.totalRejectedRows == report.rowsRead)
            } catch is OutreachError {
                // fatal problems (empty file, header) are fine
            }
        }
    }

    @Test(arguments: [
        ("people.csv", PopulationFormat.csv), ("P.CSV", .csv), ("a.jsonl", .jsonLines), ("a.b.ndjson", .jsonLines),
    ])
    func formatFromFileName(name: String, format: PopulationFormat) {
        #expect(PopulationFormat(fileName: name) == format)
    }

    @Test func unknownExtensionHasNoFormat() {
        #expect(PopulationFormat(fileName: "people.xlsx") == nil)
        #expect(PopulationFormat(fileName: "people") == nil)
    }
}
