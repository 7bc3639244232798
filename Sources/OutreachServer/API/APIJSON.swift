import Foundation
import Hummingbird

/// How the API writes JSON: keys sorted, dates ISO 8601 in UTC with milliseconds
/// (`2026-12-08T07:00:00.000Z`), optional fields left out when they have no value.
enum APIJSON {
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return Array(try encoder.encode(value))
    }

    static func encodeError(_ message: String) -> [UInt8] {
        (try? encode(["error": message])) ?? Array(#"{"error":"error"}"#.utf8)
    }

    static func response(_ value: some Encodable) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: try encode(value))))
    }
}
