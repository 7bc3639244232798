import Foundation

/// RFC 2047 encoded-words (`=?UTF-8?B?…?=`) for text that is not plain
/// ASCII, such as an Arabic subject or display name.
///
/// B (base64) encoding is used throughout: for Arabic it is far shorter
/// than Q. Each word is at most 75 characters and holds whole characters
/// only — a grapheme (a letter with its diacritics) is never split across
/// two words, since RFC 2047 §5 forbids splitting a character and many
/// readers mis-render a split combining sequence.
public enum EncodedWord {
    static let prefix = "=?UTF-8?B?"
    static let suffix = "?="
    public static let maxLength = 75

    /// Splits `text` into encoded-words: the first at most `firstRoom`
    /// characters long, the others at most 75.
    public static func encode(_ text: String, firstRoom: Int = maxLength) -> [String] {
        guard !text.isEmpty else { return [] }
        var words: [String] = []
        var chunk: [UInt8] = []
        var capacity = byteCapacity(room: max(firstRoom, minimumRoom))
        func flush() {
            guard !chunk.isEmpty else { return }
            // A word's base64 (at most 63 characters) never reaches the 76 of a line break.
            var word = Array(prefix.utf8)
            TransferEncoding.writeBase64(chunk, into: &word)
            word += suffix.utf8
            words.append(String(decoding: word, as: UTF8.self))
            chunk.removeAll(keepingCapacity: true)
            capacity = byteCapacity(room: maxLength)
        }
        for character in text {
            let bytes = character.utf8
            if chunk.count + bytes.count <= capacity {
                chunk += bytes
                continue
            }
            flush()
            if bytes.count <= capacity {
                chunk += bytes
            } else {
                // A grapheme longer than a whole word (a long emoji sequence):
                // fall back to scalar boundaries, which still never split a character.
                for scalar in character.unicodeScalars {
                    let scalarBytes = String(scalar).utf8
                    if chunk.count + scalarBytes.count > capacity { flush() }
                    chunk += scalarBytes
                }
            }
        }
        flush()
        return words
    }

    /// A word must hold at least one 4-byte scalar: 12 characters of
    /// wrapper plus 8 of base64.
    static let minimumRoom = 20

    /// UTF-8 bytes that fit in a word of `room` characters.
    static func byteCapacity(room: Int) -> Int {
        let base64Characters = (min(room, maxLength) - prefix.utf8.count - suffix.utf8.count) / 4 * 4
        return base64Characters / 4 * 3
    }

    /// Decodes a header value that may contain B or Q encoded-words (UTF-8
    /// or US-ASCII), joining adjacent words as RFC 2047 says. For tests and
    /// tools; the gateway never needs to decode.
    public static func decode(_ value: String) -> String? {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        var out: [UInt8] = []
        var pendingSpace: [UInt8] = []
        var lastWasEncoded = false
        var rest = Substring(unfolded)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let word = parseWord(rest) {
                if !lastWasEncoded { out += pendingSpace }
                pendingSpace = []
                out += word.bytes
                rest = rest[word.end...]
                lastWasEncoded = true
            } else {
                let character = rest.removeFirst()
                if character == " " || character == "\t" {
                    pendingSpace += Array(String(character).utf8)
                } else {
                    out += pendingSpace + Array(String(character).utf8)
                    pendingSpace = []
                    lastWasEncoded = false
                }
            }
        }
        out += pendingSpace
        return String(validating: out, as: UTF8.self)
    }

    private static func parseWord(_ text: Substring) -> (bytes: [UInt8], end: Substring.Index)? {
        let body = text.dropFirst(2)
        guard let q1 = body.firstIndex(of: "?") else { return nil }
        let charset = body[..<q1].lowercased()
        guard charset == "utf-8" || charset == "us-ascii" else { return nil }
        let afterCharset = body[body.index(after: q1)...]
        guard let q2 = afterCharset.firstIndex(of: "?") else { return nil }
        let encoding = afterCharset[..<q2].uppercased()
        let payloadStart = afterCharset.index(after: q2)
        guard let close = afterCharset[payloadStart...].range(of: "?=") else { return nil }
        let payload = String(afterCharset[payloadStart..<close.lowerBound])
        switch encoding {
        case "B":
            guard let data = Data(base64Encoded: payload) else { return nil }
            return (Array(data), close.upperBound)
        case "Q":
            var bytes: [UInt8] = []
            var iterator = Array(payload.utf8).makeIterator()
            while let byte = iterator.next() {
                if byte == UInt8(ascii: "_") {
                    bytes.append(0x20)
                } else if byte == UInt8(ascii: "="), let h = iterator.next(), let l = iterator.next(),
                          let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                }
            }
            return (bytes, close.upperBound)
        default:
            return nil
        }
    }
}
