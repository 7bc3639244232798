import Testing
import OutreachCore

/// Arbitrary bytes, in every declared encoding and delimiter, in chunks of
/// any size: the import ends in a report or an `OutreachError`, never a
/// crash, and the report's counts add up.
struct ImportRobustnessTests {
    /// Bytes biased towards what parsers branch on: quotes, delimiters,
    /// line ends, NUL, UTF-8 lead and continuation bytes, BOMs.
    /// `ascii`: only bytes below 0x80, so every encoding but UTF-16 reads
    /// the file and the fuzz reaches the record and value code.
    static func randomBytes(seed: UInt64, count: Int, ascii: Bool) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let interesting: [UInt8] = [0x22, 0x2C, 0x3B, 0x09, 0x7C, 0x0A, 0x0D, 0x00, 0x1B, 0x7F, 0xC2, 0x9B, 0xD8, 0xB3,
                                    0xE2, 0x80, 0xAE, 0xF0, 0x9F, 0xFF, 0xFE, 0xEF, 0xBB, 0xBF, 0x7B, 0x7D, 0x5C, 0x75]
        var bytes = Array("id,name\n".utf8)
        for _ in 0..<count {
            let r = next()
            var byte = r % 3 == 0 ? interesting[Int(r >> 8) % interesting.count] : UInt8(truncatingIfNeeded: r >> 16) & (r % 5 == 0 ? 0xFF : 0x7F)
            if ascii { byte &= 0x7F }
            bytes.append(byte)
        }
        return bytes
    }

    @Test("random bytes never crash the importer", arguments: 0..<24)
    func randomBytesNeverCrash(seed: Int) {
        let ascii = seed % 2 == 0
        let bytes = Self.randomBytes(seed: UInt64(seed + 1), count: 600 + seed * 40, ascii: ascii)
        let encoding = PopulationEncoding.allCases[(seed / 2) % PopulationEncoding.allCases.count]
        let delimiter = CSVDelimiter.allCases[(seed / 4) % CSVDelimiter.allCases.count]
        let schema = PopulationSchema(idField: "id", fields: ["name": .text, "n": .int, "e": .email],
                                      encoding: encoding, delimiter: delimiter)
        var imported = 0
        for format in [PopulationFormat.csv, .jsonLines] {
            for chunks in [[1 << 20], [1], [7, 3, 64]] {
                do {
                    let (population, report) = try importPopulation(bytes: bytes, schema: schema, format: format, chunkSizes: chunks)
                    #expect(report.rowsImported == population.count)
                    #expect(report.rowsRead - report.rowsImported == report.totalRejectedRows)
                    #expect(report.totalRejectedRows == report.rejectedRows.reduce(0) { $0 + $1.count })
                    _ = report.description
                    imported += 1
                } catch {
                    #expect(error is OutreachError)
                }
            }
        }
        // JSON Lines reads past bad lines; the fuzz reaches the row code.
        #expect(!ascii || encoding == .utf16 || imported > 0)
    }
}
