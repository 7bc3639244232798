import Foundation

/// A file of addresses to suppress: one per line, or CSV whose first column
/// holds them (an export from a complaints system, a STOP-reply log). Every
/// line that is not a usable number or email is counted and reported with
/// its line number; nothing is dropped silently.
public struct OptOutList: Sendable, Equatable {
    /// A usable address and the line it came from.
    public struct Item: Sendable, Equatable {
        public var line: Int
        public var address: ContactAddress

        public init(line: Int, address: ContactAddress) {
            self.line = line
            self.address = address
        }
    }

    /// A line that is not a usable number or email: its line number, the value read, and why it was refused.
    public struct Reject: Sendable, Equatable, Codable {
        public var line: Int
        public var value: String
        public var message: String

        public init(line: Int, value: String, message: String) {
            self.line = line
            self.value = value
            self.message = message
        }
    }

    /// Usable addresses, first occurrence of each, in file order.
    public var items: [Item] = []
    public var rejects: [Reject] = []
    /// Lines naming an address already seen earlier in the file.
    public var duplicates = 0
    /// Non-blank records read (the header included).
    public var recordsRead = 0
    /// The header's first field, when the file has one.
    public var header: String?

    /// Reads a whole file's bytes (UTF-8, optional BOM; LF, CRLF or CR).
    public init(bytes: [UInt8]) {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var parser = CSVParser()
        var seen: Set<String> = []
        bytes.withContiguousStorageIfAvailable { buffer in
            var offset = 0
            while parser.next(in: buffer, offset: &offset) {
                handle(parser, seen: &seen)
                parser.clearRecord()
            }
        }
        if parser.finish() { handle(parser, seen: &seen) }
    }

    public init(text: String) {
        self.init(bytes: Array(text.utf8))
    }

    private mutating func handle(_ parser: CSVParser, seen: inout Set<String>) {
        guard parser.fieldCount > 0 else { return }
        recordsRead += 1
        let raw = String(decoding: parser.bytes[parser.fieldRange(0)], as: UTF8.self)
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty, parser.fieldCount == 1 { recordsRead -= 1; return }  // a line of spaces
        guard let address = ContactAddress(trimmed) else {
            // A first line without digits or @ is a header ("phone", "رقم الجوال").
            if recordsRead == 1, !trimmed.contains("@"), !trimmed.unicodeScalars.contains(where: { Self.isDigit($0) }) {
                header = trimmed
            } else {
                rejects.append(Reject(line: parser.recordLine, value: trimmed,
                                      message: trimmed.isEmpty ? "the first column is empty"
                                          : "not a mobile number or an email address"))
            }
            return
        }
        if seen.insert(address.value).inserted {
            items.append(Item(line: parser.recordLine, address: address))
        } else {
            duplicates += 1
        }
    }

    private static func isDigit(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x0660...0x0669, 0x06F0...0x06F9: true
        default: false
        }
    }
}
