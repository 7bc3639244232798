import Foundation
import Testing
import OutreachCore

struct GeneratorTests {
    static let today = Day(year: 2026, month: 11, day: 29)!

    /// The schema read back from `schemaYAML` (a tiny reader for its two-level shape).
    static let schema: PopulationSchema? = {
        var id: String?
        var fields: [String: FieldType] = [:]
        for line in PopulationGenerator.schemaYAML.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "id" { id = parts[1] } else if line.hasPrefix("  ") {
                guard let type = FieldType(rawValue: parts[1]) else { return nil }
                fields[parts[0]] = type
            }
        }
        return id.map { PopulationSchema(idField: $0, fields: fields) }
    }()

    @Test func schemaMatchesTheHeader() throws {
        let schema = try #require(Self.schema)
        #expect(schema.idField == "national_id")
        let columns = PopulationGenerator.header.split(separator: ",").map(String.init)
        #expect(columns.count == 17)
        #expect(Set(columns) == Set(schema.fields.keys))
        #expect(schema.type(of: "mobile") == .phone)
        #expect(schema.type(of: "next_vaccination") == .hijriDate)
        #expect(schema.type(of: "children") == .int)
    }

    @Test func sameSeedSameLines() {
        var a = PopulationGenerator(seed: 42, today: Self.today)
        var b = PopulationGenerator(seed: 42, today: Self.today)
        var c = PopulationGenerator(seed: 43, today: Self.today)
        let linesA = (0..<500).map { _ in a.nextLine() }
        let linesB = (0..<500).map { _ in b.nextLine() }
        let linesC = (0..<500).map { _ in c.nextLine() }
        #expect(linesA == linesB)
        #expect(linesA != linesC)
    }

    @Test func fiftyThousandLinesImportWithFewCountedRejects() throws {
        let schema = try #require(Self.schema)
        var generator = PopulationGenerator(seed: 7, today: Self.today)
        var text = PopulationGenerator.header + "\n"
        text.reserveCapacity(50_000 * 220)
        for _ in 0..<50_000 {
            text += generator.nextLine()
            text += "\n"
        }
        let (population, report) = try importPopulation(text, schema: schema, chunkSizes: [1 << 20, 777_777])
        #expect(report.rowsRead == 50_000)
        try #require(population.count > 49_000)
        #expect(report.rowsImported == population.count)
        #expect(report.rowsImported + report.totalRejectedRows == report.rowsRead)
        #expect(report.totalRejectedRows >= 1 && report.totalRejectedRows < 50)
        #expect(report.count(of: .wrongColumnCount) < 20)
        #expect(report.count(of: .duplicateID) < 15)
        let rejects = Dictionary(uniqueKeysWithValues: report.rejectedValues.map { ($0.field, $0.count) })
        #expect((380...620).contains(rejects["mobile"] ?? 0))         // ~1% invalid
        #expect((170...330).contains(rejects["email"] ?? 0))          // ~0.5% invalid
        #expect((20...90).contains(rejects["gender"] ?? 0))           // 0.1% junk: ~50
        #expect((50...150).contains(rejects["birth_date"] ?? 0))      // 0.2% invalid
        #expect(rejects["next_vaccination"] == nil)
        #expect(rejects["permit_expiry"] == nil)
        #expect(rejects["student"] == nil)
        #expect(rejects["children"] == nil)

        // The mix looks like the population it pretends to be.
        guard case .text(let nationality)? = population.column("nationality"),
              case .gender(let genders)? = population.column("gender"),
              case .text(let mobiles)? = population.column("mobile") else {
            Issue.record("unexpected column types")
            return
        }
        let saudis = nationality.codes.filter { nationality.dictionary[Int($0)] == "SA" }.count
        #expect(abs(Double(saudis) / Double(population.count) - 0.65) < 0.02)
        let missingGender = genders.filter { $0 == 255 }.count
        #expect(missingGender > population.count / 200 && missingGender < population.count / 50)
        let phones = mobiles.codes.filter { $0 != 0 }.count
        #expect(Double(phones) / Double(population.count) > 0.95)
        #expect(mobiles.dictionary.dropFirst().allSatisfy { $0.hasPrefix("+9665") && $0.utf8.count == 13 })
        #expect(population.value(row: 0, field: "national_id")?.description.utf8.count == 10)
    }
}
