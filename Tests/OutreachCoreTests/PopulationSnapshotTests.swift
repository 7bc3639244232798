import Testing
@testable import OutreachCore

/// The snapshot round trip: a population imported from CSV, written as a
/// snapshot and read back, gives the same values, the same audience counts
/// and the same rendered messages; a damaged snapshot is an error, never a crash.
@Suite("Population snapshots")
struct PopulationSnapshotTests {
    static let today = Day(iso: "2026-11-29")!

    /// 3,000 generated records (messy on purpose), imported as the CLI does.
    static let imported: Population = {
        var generator = PopulationGenerator(seed: 11, today: today)
        var csv = PopulationGenerator.header + "\n"
        for _ in 0..<3_000 { csv += generator.nextLine() + "\n" }
        let schema = PopulationSchema(idField: "national_id", fields: [
            "gender": .gender, "birth_date": .date, "mobile": .phone, "email": .email, "children": .int,
            "youngest_child_birth_date": .date, "student": .bool, "next_vaccination": .hijriDate, "permit_expiry": .date,
        ])
        var importer = PopulationImporter(schema: schema, format: .csv, fileName: "generated.csv")
        var bytes = Array(csv.utf8)
        try! bytes.withUnsafeBytes { b in try importer.consume(b) }
        return try! importer.finish().0
    }()

    static func snapshot(_ population: Population) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try PopulationSnapshot.write(population) { b in bytes.append(contentsOf: b) }
        return bytes
    }

    static func read(_ bytes: [UInt8], fields: Set<String>? = nil) throws -> Population {
        try bytes.withUnsafeBytes { b in try PopulationSnapshot.read(b, fields: fields, file: "test.snap") }
    }

    static let catalog = try! AudienceCatalog([
        ("mothers", "gender = 'female' AND children > 0"),
        ("infants", "IN AUDIENCE mothers AND age(youngest_child_birth_date) < 2"),
        ("holy", "city IN ('مكة المكرمة', 'المدينة المنورة')"),
        ("students", "student AND age(birth_date) BETWEEN 6 AND 24"),
        ("vaccination", "days_until(next_vaccination) BETWEEN 0 AND 30"),
        ("reachable", "mobile IS NOT EMPTY OR email CONTAINS 'gmail'"),
        ("residents", "nationality NOT IN ('SA') AND nationality IS NOT EMPTY"),
    ].map { AudienceDefinition(name: $0.0, title: $0.0, description: "", rule: SourceText($0.1)) })

    @Test("every value survives the round trip")
    func values() throws {
        let original = Self.imported
        let copy = try Self.read(Self.snapshot(original))
        #expect(copy.count == original.count)
        #expect(copy.fieldNames == original.fieldNames)
        #expect(copy.fieldTypes == original.fieldTypes)
        #expect(copy.idField == original.idField)
        for field in original.fieldNames {
            for row in 0..<original.count where copy.value(row: row, field: field) != original.value(row: row, field: field) {
                Issue.record("\(field) row \(row): \(String(describing: copy.value(row: row, field: field))) ≠ \(String(describing: original.value(row: row, field: field)))")
                return
            }
        }
    }

    @Test("the same audiences, whole or with only the columns the rules read")
    func counts() throws {
        let bytes = try Self.snapshot(Self.imported)
        let names = Self.catalog.names
        let expected = try Self.catalog.evaluate(names, over: Self.imported, today: Self.today)
        let whole = try Self.catalog.evaluate(names, over: Self.read(bytes), today: Self.today)
        let fields = Self.catalog.referencedFields
        #expect(fields == ["gender", "children", "youngest_child_birth_date", "city", "student", "birth_date",
                           "next_vaccination", "mobile", "email", "nationality"])
        let projected = try Self.read(bytes, fields: fields)
        #expect(Set(projected.fieldNames) == fields)
        let partial = try Self.catalog.evaluate(names, over: projected, today: Self.today)
        for name in names {
            #expect(whole[name] == expected[name], "\(name)")
            #expect(partial[name] == expected[name], "\(name)")
            #expect(expected[name]!.count > 0, "\(name) should not be empty on 3,000 records")
        }
    }

    @Test("the same rendered messages")
    func messages() throws {
        let copy = try Self.read(Self.snapshot(Self.imported))
        let text = "{gender, select, female {عزيزتي} other {عزيزي}} {first_name}، {children, plural, one {طفلك} two {طفليك} other {# أطفال}} {birth_date, date, hijri} {next_vaccination, date, long} {mobile}"
        let template = try CompiledTemplate(text: SourceText(text), locale: "ar-SA")
        var rendered = 0
        for row in 0..<Self.imported.count {
            let a = template.render(Self.imported.record(row)), b = template.render(copy.record(row))
            #expect(a == b, "row \(row)")
            if case .success = a { rendered += 1 }
        }
        #expect(rendered > 0)
    }

    @Test("an empty population round-trips")
    func empty() throws {
        let empty = Population(schema: PopulationSchema(idField: "id", fields: ["n": .int, "city": .text]), fieldNames: ["id", "city"])
        let copy = try Self.read(Self.snapshot(empty))
        #expect(copy.count == 0)
        #expect(copy.fieldNames == empty.fieldNames)
    }

    @Test("damaged snapshots are errors, not crashes")
    func damaged() throws {
        let good = try Self.snapshot(Self.imported)
        // Not a snapshot; cut anywhere; a text code past its dictionary; a bad gender byte.
        var cases: [[UInt8]] = [[], Array("national_id,first_name\n".utf8), Array(good.prefix(20))]
        for fraction in [0.1, 0.5, 0.9, 0.999] { cases.append(Array(good.prefix(Int(Double(good.count) * fraction)))) }
        let header = try good.withUnsafeBytes { b in try PopulationSnapshot.header(b, file: nil) }
        if let city = header.fields.first(where: { $0.name == "city" }) {
            var bad = good
            bad[city.offset + 3] = 0x7F
            cases.append(bad)
        }
        if let gender = header.fields.first(where: { $0.name == "gender" }) {
            var bad = good
            bad[gender.offset] = 7
            cases.append(bad)
        }
        var garbledHeader = good
        garbledHeader[20] = UInt8(ascii: "{")
        cases.append(garbledHeader)
        for bytes in cases {
            #expect(throws: OutreachError.self) { try Self.read(bytes) }
        }
    }
}

@Suite("Population row reader")
struct PopulationRowReaderTests {
    @Test("answers every field as PopulationRecord does, resolved or not")
    func sameValues() {
        let population = PopulationSnapshotTests.imported
        let reader = PopulationRowReader(population, fields: ["first_name", "gender", "children", "birth_date",
                                                              "student", "mobile", "no_such_field"])
        for row in 0..<population.count {
            let fast = reader.record(row), slow = population.record(row)
            for field in population.fieldNames + ["no_such_field"] where fast.value(field) != slow.value(field) {
                Issue.record("\(field) row \(row)")
                return
            }
        }
    }
}
