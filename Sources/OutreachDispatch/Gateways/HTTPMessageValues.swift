public import OutreachCore

/// The placeholder values of one message, as an HTTP gateway sends it: the
/// number in the provider's format, the text after smart encoding, its
/// encoding and parts. Pure; computed once per attempt.
public struct HTTPMessageValues: Sendable, Equatable {
    public var to: String
    public var text: String
    public var sender: String
    public var messageID: String
    public var encoding: SMSEncoding
    public var parts: Int

    public init(_ message: OutboundMessage, numberFormat: HTTPGatewaySettings.NumberFormat,
                smartEncoding: Bool, defaultSender: String?) {
        to = Self.format(message.to, numberFormat)
        text = smartEncoding ? SMSText.smartEncoded(message.text) : message.text
        sender = message.sender ?? defaultSender ?? ""
        messageID = message.id
        let info = SMSText.info(text)
        encoding = info.encoding
        parts = info.parts
    }

    public func value(_ placeholder: GatewayPlaceholder) -> String {
        switch placeholder {
        case .to: to
        case .text: text
        case .sender: sender
        case .messageID: messageID
        case .encoding: encoding == .gsm7 ? "gsm7" : "ucs2"
        case .coding: encoding == .gsm7 ? "0" : "8"
        case .parts: String(parts)
        case .gsm7Text: encoding == .gsm7 ? text : ""
        case .ucs2Hex: encoding == .ucs2 ? Self.utf16Hex(text) : ""
        }
    }

    /// `+9665…` (e164), `9665…` (digits) or `009665…` (00), from an E.164
    /// number (a number already written `00…` or as bare digits is read too).
    public static func format(_ number: String, _ format: HTTPGatewaySettings.NumberFormat) -> String {
        var digits = Substring(number.trimmingCharacters(in: .whitespaces))
        if digits.hasPrefix("+") { digits = digits.dropFirst() } else if digits.hasPrefix("00") { digits = digits.dropFirst(2) }
        let clean = String(digits.filter { $0.isASCII && $0.isNumber })
        guard !clean.isEmpty else { return "" }
        switch format {
        case .plus: return "+" + clean
        case .digits: return clean
        case .doubleZero: return "00" + clean
        }
    }

    /// UTF-16 big-endian, as lower-case hex (Jasmin's `hex-content` for UCS-2).
    public static func utf16Hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf16.count * 4)
        for unit in text.utf16 {
            for shift in stride(from: 12, through: 0, by: -4) { out.append(digits[Int(unit >> UInt16(shift) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
