import Testing
import OutreachCore

/// Importing only some columns (`PopulationImporter(fields:)`, what counting
/// audiences does) keeps the same rows as a full import.
struct ImportProjectionTests {
    static let schema = PopulationSchema(idField: "id", fields: [
        "gender": .gender, "birth": .date, "mobile": .phone, "kids": .int, "student": .bool,
        "email": .email, "vaccine": .hijriDate,
    ])

    /// Blank, invalid, repeated ids, wrong column counts, bad quotes and
    /// values that do not parse, in kept and skipped columns.
    static let messy = #"""
        id,name,gender,birth,mobile,kids,student,email,city
        1,سارة,أنثى,1990-05-01,0551234567,٣,نعم,Sara@Example.COM,مكة
        2, Ahmed ,M,2001-02-30,not a phone,x,no,bad@,الرياض
        ,nobody,m,1990-01-01,,,,,جدة
        1,again,f,1991-01-01,,,,,جدة
        3,short,m
        4,"quoted ""name""",f,1980-12-31,+966 50 123 4567,2,maybe,a@b.co," مكة "
        5,"bad"x,m,,,,,,
         1 ,spaced repeat,m,,,,,,
        6,,female,,,0,yes,,
        """#

    static func imported(_ text: String, fields: Set<String>?, format: PopulationFormat = .csv,
                         chunk: Int = 1 << 20) throws -> (Population, ImportReport) {
        var importer = PopulationImporter(schema: schema, format: format, fileName: "people", fields: fields)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            try bytes[offset..<end].withUnsafeBytes { try importer.consume($0) }
            offset = end
        }
        return try importer.finish()
    }

    static func column(_ population: Population, _ field: String) -> [String] {
        (0..<population.count).map { population.value(row: $0, field: field)?.description ?? "∅" }
    }

    @Test(arguments: [1, 7, 1 << 20])
    func keptColumnsMatchTheFullImport(chunk: Int) throws {
        let fields: Set<String> = ["gender", "kids", "city", "vaccine"]
        let (full, fullReport) = try Self.imported(Self.messy, fields: nil)
        let (some, someReport) = try Self.imported(Self.messy, fields: fields, chunk: chunk)
        #expect(some.count == full.count)
        // File order, then schema fields absent from the file; nothing else.
        #expect(some.fieldNames == ["gender", "kids", "city", "vaccine"])
        for field in fields {
            #expect(Self.column(some, field) == Self.column(full, field))
            #expect(some.type(of: field) == full.type(of: field))
        }
        #expect(some.column("name") == nil)
        #expect(some.id(row: 0) == "")
        #expect(someReport.rowsRead == fullReport.rowsRead)
        #expect(someReport.rowsImported == fullReport.rowsImported)
        #expect(someReport.rejectedRows == fullReport.rejectedRows)
        #expect(someReport.count(of: .duplicateID) == 2)
        // Values are checked only in the kept columns.
        #expect(fullReport.rejectedValueCount(of: "mobile") == 1)
        #expect(someReport.rejectedValueCount(of: "mobile") == 0)
        #expect(someReport.rejectedValues == fullReport.rejectedValues.filter { fields.contains($0.field) })
    }

    @Test func keepingTheIDColumnKeepsTheIDs() throws {
        let (full, _) = try Self.imported(Self.messy, fields: nil)
        let (some, _) = try Self.imported(Self.messy, fields: ["id", "student"])
        #expect(some.fieldNames == ["id", "student"])
        #expect(Self.column(some, "id") == Self.column(full, "id"))
        #expect(Self.column(some, "student") == Self.column(full, "student"))
        #expect(some.row(forID: "4") == full.row(forID: "4"))
    }

    @Test func jsonLinesProjection() throws {
        let lines = """
            {"id": "1", "kids": 2, "name": "a", "extra": "x"}
            {"id": "2", "kids": "many", "name": {"nested": true}}
            {"id": "1", "kids": 3}
            {"id": 7, "city": "جدة", "kids": null}
            """
        let fields: Set<String> = ["kids", "city"]
        let (full, fullReport) = try Self.imported(lines, fields: nil, format: .jsonLines)
        let (some, someReport) = try Self.imported(lines, fields: fields, format: .jsonLines)
        #expect(some.count == 3 && full.count == 3)
        // "city" is neither a key of the first object nor in the schema.
        #expect(some.fieldNames == ["kids"])
        for field in fields { #expect(Self.column(some, field) == Self.column(full, field)) }
        #expect(someReport.rejectedRows == fullReport.rejectedRows)
        #expect(someReport.rejectedValues == fullReport.rejectedValues.filter { fields.contains($0.field) })
    }

    @Test func repeatedIDsAreFoundByTheirValue() throws {
        // An int id is compared as a number; a text id as its trimmed text.
        let schema = PopulationSchema(idField: "id", fields: ["id": .int])
        var importer = PopulationImporter(schema: schema, format: .csv, fileName: nil, fields: ["x"])
        try Array("id,x\n1,a\n٠١,b\n+1,c\n2,d\n".utf8).withUnsafeBytes { try importer.consume($0) }
        let (population, report) = try importer.finish()
        #expect(population.count == 2)
        #expect(report.count(of: .duplicateID) == 2)
        #expect(report.rejectedRows.first?.examples.first?.detail == "id 1 was already imported")

        let (text, textReport) = try Self.imported("id,city\nأحمد,a\nأحمد ,b\nاحمد,c\n", fields: ["city"])
        #expect(text.count == 2)
        #expect(textReport.count(of: .duplicateID) == 1)
    }

    @Test func manyIDsGrowTheIndex() throws {
        var csv = "id,kids\n"
        for i in 0..<5_000 { csv += "n\(i),\(i % 4)\n" }
        for i in stride(from: 0, to: 5_000, by: 7) { csv += "n\(i),9\n" }
        let (population, report) = try Self.imported(csv, fields: ["kids"], chunk: 4096)
        #expect(population.count == 5_000)
        #expect(report.count(of: .duplicateID) == (5_000 + 6) / 7)
        #expect(Self.column(population, "kids").allSatisfy { $0 != "9" })
    }

    /// The size hint only sizes the columns: right, wrong or absent, the
    /// import is the same.
    @Test(arguments: [nil, 1, 50_000, 1 << 30] as [Int?])
    func sizeHintChangesNothing(hint: Int?) throws {
        var csv = "id,kids,city\n"
        for i in 0..<3_000 { csv += "n\(i % 2_900),\(i % 5),c\(i % 7)\n" }
        let bytes = Array(csv.utf8)
        for fields in [nil, ["kids"]] as [Set<String>?] {
            var importer = PopulationImporter(schema: Self.schema, format: .csv, fileName: "people", fields: fields)
            importer.expectedBytes = hint ?? bytes.count
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + 4_000)
                try bytes[offset..<end].withUnsafeBytes { try importer.consume($0) }
                offset = end
            }
            let (population, report) = try importer.finish()
            let (plain, plainReport) = try Self.imported(csv, fields: fields)
            #expect(population.count == 2_900 && report == plainReport)
            for field in plain.fieldNames { #expect(Self.column(population, field) == Self.column(plain, field)) }
        }
    }

    @Test func invalidUTF8TextIsRejectedNotStoredRepaired() throws {
        var bytes = Array("id,name\n1,a".utf8) + [0xFF] + Array("b\n2,a\u{FFFD}b\n3,a".utf8) + [0xFF] + Array("b\n".utf8)
        bytes += Array("4,ok\n".utf8)
        var importer = PopulationImporter(schema: Self.schema, format: .csv, fileName: nil, fields: ["name"])
        try bytes.withUnsafeBytes { try importer.consume($0) }
        let (population, report) = try importer.finish()
        guard case .text(let column)? = population.column("name") else {
            Issue.record("name is not a text column")
            return
        }
        // A real U+FFFD is text; a byte that is not UTF-8 is a rejected value.
        #expect(column.dictionary == ["", "a\u{FFFD}b", "ok"])
        #expect(column.codes == [0, 1, 0, 2])
        #expect(report.rejectedValueCount(of: "name") == 2)
        #expect(report.rejectedValues.first?.examples.map(\.raw) == ["a\\x{FF}b", "a\\x{FF}b"])
    }
}

@Suite("Fields an audience reads")
struct AudienceFieldsTests {
    static let catalog = try! AudienceCatalog([
        ("mothers", "gender = 'female' AND children > 0"),
        ("infants", "IN AUDIENCE mothers AND age(youngest) < 2"),
        ("holy", "city IN ('مكة المكرمة') OR IN AUDIENCE loop"),
        ("loop", "IN AUDIENCE holy AND len(name) > 2"),
    ].map { AudienceDefinition(name: $0.0, title: $0.0, description: "", rule: SourceText($0.1)) })

    @Test func includedAudiencesAddTheirFields() {
        #expect(Self.catalog.referencedFields(of: ["infants"]) == ["gender", "children", "youngest"])
        #expect(Self.catalog.referencedFields(of: ["mothers"]) == ["gender", "children"])
        #expect(Self.catalog.referencedFields(of: ["holy"]) == ["city", "name"])
        #expect(Self.catalog.referencedFields(of: ["nobody"]).isEmpty)
        #expect(Self.catalog.referencedFields(of: Self.catalog.names) == Self.catalog.referencedFields)
    }
}
