/// How an SMS body is carried: GSM 03.38 7-bit when every character is in
/// the default alphabet or its extension table, UCS-2 otherwise.
public enum SMSEncoding: String, Sendable, Codable {
    case gsm7 = "GSM-7"
    case ucs2 = "UCS-2"

    /// Capacity of a single message, in this encoding's units.
    public var singleCapacity: Int { self == .gsm7 ? 160 : 70 }
    /// Capacity of one part of a concatenated message (the rest is the UDH).
    public var partCapacity: Int { self == .gsm7 ? 153 : 67 }
}
