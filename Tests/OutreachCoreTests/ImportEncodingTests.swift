import Foundation
import Testing
@testable import OutreachCore

/// Population files in other encodings than UTF-8: refused with the fix
/// when undeclared, converted when the schema declares them.
struct ImportEncodingTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/encodings")

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    /// What every `people-*.csv` fixture holds.
    static let people: [[String]] = [
        ["1012345678", "سارة", "الرياض", "+966551234567"],
        ["1023456789", "نورة", "مكة المكرمة", "+966507654321"],
        ["1034567890", "عبدالله", "جدة", "+966561112222"],
    ]

    static func schema(_ encoding: PopulationEncoding) -> PopulationSchema {
        PopulationSchema(idField: "national_id", fields: ["mobile": .phone], encoding: encoding)
    }

    static func convert(_ bytes: [UInt8], _ encoding: PopulationEncoding, chunk: Int = 1 << 20) throws -> String {
        var transcoder = PopulationTranscoder(encoding: encoding, fileName: nil)
        var out: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            try bytes[offset..<end].withUnsafeBufferPointer { try transcoder.convert($0, into: &out) }
            offset = end
        }
        try transcoder.finish()
        return String(decoding: out, as: UTF8.self)
    }

    @Test("Windows-1256: every byte 0x80–0xFF converts as Python's cp1256 codec does")
    func windows1256MatchesPython() throws {
        let expected = String(decoding: try Self.fixture("cp1256-upper.txt"), as: UTF8.self)
        let converted = try Self.convert(try Self.fixture("cp1256-upper.bin"), .windows1256)
        #expect(converted.unicodeScalars.count == 128)
        #expect(Array(converted.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test("ISO-8859-6: every assigned byte converts as Python's iso8859_6 codec does; the others are located errors")
    func iso88596MatchesPython() throws {
        let assigned = try Self.fixture("iso-8859-6-assigned.bin")
        let expected = String(decoding: try Self.fixture("iso-8859-6-assigned.txt"), as: UTF8.self)
        #expect(Array(try Self.convert(assigned, .iso88596).unicodeScalars) == Array(expected.unicodeScalars))
        let unassigned = (0x80...0xFF).map(UInt8.init).filter { !assigned.contains($0) }
        #expect(unassigned.count == 45)
        for byte in unassigned {
            #expect(throws: OutreachError.self) { try Self.convert(Array("ok\n".utf8) + [byte], .iso88596) }
        }
        do {
            _ = try Self.convert(Array("a\nb\n".utf8) + [0xA1], .iso88596)
            Issue.record("expected an error")
        } catch let error as OutreachError {
            #expect(error.description.contains("byte 0xA1 is not a character in ISO-8859-6 (byte offset 4, line 3)"))
        }
    }

    @Test("a declared encoding is converted on import, whatever the chunk size", arguments: [
        ("people-cp1256.csv", PopulationEncoding.windows1256),
        ("people-iso-8859-6.csv", .iso88596),
        ("people-utf16le.csv", .utf16),
        ("people-utf16be.csv", .utf16),
    ])
    func declaredEncodingImports(file: String, encoding: PopulationEncoding) throws {
        let bytes = try Self.fixture(file)
        for chunks in [[1 << 20], [1], [3, 7]] {
            let (population, report) = try importPopulation(bytes: bytes, schema: Self.schema(encoding), chunkSizes: chunks)
            #expect(population.fieldNames == ["national_id", "first_name", "city", "mobile"])
            #expect(rowTexts(population) == Self.people, "\(file), chunks \(chunks)")
            #expect(report.rowsImported == 3 && report.totalRejectedRows == 0 && report.rejectedValues.isEmpty)
        }
    }

    @Test("a Windows-1256 export read as UTF-8 is refused, located, with the encoding and the fix")
    func windows1256ReadAsUTF8() throws {
        let bytes = try Self.fixture("people-cp1256.csv")
        do {
            _ = try importPopulation(bytes: bytes, schema: Self.schema(.utf8), fileName: "data/people.csv")
            Issue.record("expected an error")
        } catch let error as OutreachError {
            // Line 2 starts at byte 36; the name starts 11 bytes in.
            #expect(error.location == SourceLocation(file: "data/people.csv", line: 2, column: 12))
            #expect(error.message.contains("byte offset 47 (line 2)"))
            #expect(error.message.contains("Windows-1256"))
            #expect(error.hint?.contains("iconv -f CP1256 -t UTF-8 people.csv > converted.csv") == true)
            #expect(error.hint?.contains("encoding: windows-1256") == true)
            // No population value in the message.
            #expect(!error.description.contains("1012345678"))
        }
    }

    @Test("an ISO-8859-6 export read as UTF-8 names ISO-8859-6")
    func iso88596ReadAsUTF8() throws {
        let bytes = try Self.fixture("people-iso-8859-6.csv")
        #expect { try importPopulation(bytes: bytes, schema: Self.schema(.utf8)) } throws: { error in
            let e = error as! OutreachError
            return e.message.contains("ISO-8859-6") && e.hint?.contains("encoding: iso-8859-6") == true
        }
    }

    @Test("a UTF-16 file read as UTF-8 is refused with its byte order", arguments: [
        ("people-utf16le.csv", "UTF-16 LE"), ("people-utf16be.csv", "UTF-16 BE"),
    ])
    func utf16ReadAsUTF8(file: String, name: String) throws {
        let bytes = try Self.fixture(file)
        #expect { try importPopulation(bytes: bytes, schema: Self.schema(.utf8), chunkSizes: [1]) } throws: { error in
            let e = error as! OutreachError
            return e.message.contains("the file is \(name), not UTF-8") && e.message.contains("byte-order mark")
                && e.hint?.contains("encoding: utf-16") == true && e.location?.line == 1
        }
    }

    @Test("a UTF-8 file declared as Windows-1256 is refused rather than turned into mojibake")
    func utf8DeclaredAsWindows1256() throws {
        let text = "national_id,first_name\n1,سارة\n"
        #expect { try importPopulation(text, schema: Self.schema(.windows1256)) } throws: { error in
            (error as! OutreachError).message.contains("the schema says the file is windows-1256, but it is UTF-8")
        }
    }

    @Test("a UTF-8 byte-order mark is accepted and stripped")
    func utf8BOMIsStripped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("national_id,a\n1,x\n".utf8)
        let (population, _) = try importPopulation(bytes: bytes, schema: PopulationSchema(idField: "national_id"), chunkSizes: [1])
        #expect(population.fieldNames == ["national_id", "a"])
        #expect(rowTexts(population) == [["1", "x"]])
    }

    @Test("a few bad bytes in a UTF-8 file are rejected values, not a wrong-encoding error")
    func strayBadBytesAreValues() throws {
        let bytes = Array("national_id,first_name\n1,سارة\n2,Bad".utf8) + [0xFF, 0xFE] + Array("UTF\n3,ok\n".utf8)
        let (population, report) = try importPopulation(bytes: bytes, schema: Self.schema(.utf8))
        #expect(population.count == 3)
        #expect(rowTexts(population)[1][1] == "∅")
        let example = try #require(report.rejectedValues.first { $0.field == "first_name" }?.examples.first)
        #expect(example.line == 3 && example.raw == "Bad\\x{FF}\\x{FE}UTF")
        #expect(example.problem == TextProblem(kind: .invalidUTF8, value: 0xFF, byteOffset: 3))
    }

    @Test("schema encoding names and aliases")
    func encodingNames() {
        #expect(PopulationEncoding(name: "CP1256") == .windows1256)
        #expect(PopulationEncoding(name: "windows-1256") == .windows1256)
        #expect(PopulationEncoding(name: "ISO-8859-6") == .iso88596)
        #expect(PopulationEncoding(name: "utf16") == .utf16)
        #expect(PopulationEncoding(name: "UTF-8") == .utf8)
        #expect(PopulationEncoding(name: "latin1") == nil)
    }
}
