import Foundation
import Testing
import OutreachCore
import OutreachProject

/// schema.yaml's `encoding:` and `delimiter:`, and reading a population
/// file's columns as `validate` does.
struct PopulationSchemaFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/encodings")

    private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @Test("encoding and delimiter are read, in their usual spellings", arguments: [
        ("encoding: windows-1256\ndelimiter: \";\"\n", PopulationEncoding.windows1256, CSVDelimiter.semicolon),
        ("encoding: CP1256\ndelimiter: \"\\t\"\n", .windows1256, .tab),
        ("encoding: iso-8859-6\ndelimiter: tab\n", .iso88596, .tab),
        ("encoding: utf-16\ndelimiter: \"|\"\n", .utf16, .pipe),
        ("", .utf8, .comma),
    ])
    func schemaKeys(yaml: String, encoding: PopulationEncoding, delimiter: CSVDelimiter) throws {
        let path = try temporaryFile("schema.yaml", Array(("id: national_id\nfields:\n  mobile: phone\n" + yaml).utf8))
        let schema = try ProjectLoader.readSchema(path)
        #expect(schema.encoding == encoding && schema.delimiter == delimiter)
        #expect(schema.fields == ["mobile": .phone])
    }

    @Test("an unknown encoding or delimiter is located at its value", arguments: [
        ("encoding: latin1\n", "unknown encoding 'latin1'", 4, 11),
        ("delimiter: \":\"\n", "unknown delimiter ':'", 4, 12),
    ])
    func badSchemaKeys(yaml: String, message: String, line: Int, column: Int) throws {
        let path = try temporaryFile("schema.yaml", Array(("id: national_id\nfields:\n  mobile: phone\n" + yaml).utf8))
        #expect { try ProjectLoader.readSchema(path) } throws: { error in
            let e = error as! OutreachError
            return e.message == message && e.location?.line == line && e.location?.column == column
        }
    }

    @Test("columns of a CRLF file are its header's names, not its rows")
    func crlfColumns() throws {
        let path = try temporaryFile("p.csv", Array("national_id,first_name,city\r\n1,Rajesh,Riyadh\r\n2,Sara,Jeddah\r\n".utf8))
        #expect(try PopulationFile.columns(path, schema: PopulationSchema(idField: "national_id")) == ["national_id", "first_name", "city"])
    }

    @Test("columns follow the schema's encoding and delimiter, and say what the import would say")
    func columnsFollowTheSchema() throws {
        let cp1256 = Self.fixtures.appendingPathComponent("people-cp1256.csv").path
        let declared = PopulationSchema(idField: "national_id", encoding: .windows1256)
        #expect(try PopulationFile.columns(cp1256, schema: declared) == ["national_id", "first_name", "city", "mobile"])
        #expect(throws: OutreachError.self) { try PopulationFile.columns(cp1256, schema: PopulationSchema(idField: "national_id")) }

        let semicolons = try temporaryFile("p.csv", Array("national_id;name\n1;x\n".utf8))
        #expect(try PopulationFile.columns(semicolons, schema: PopulationSchema(idField: "national_id", delimiter: .semicolon)) == ["national_id", "name"])

        let jsonl = try temporaryFile("p.jsonl", Array("not json\r\n{\"national_id\": \"1\", \"b\": 2}\r\n".utf8))
        #expect(try PopulationFile.columns(jsonl, schema: PopulationSchema(idField: "national_id")) == ["national_id", "b"])
    }
}
