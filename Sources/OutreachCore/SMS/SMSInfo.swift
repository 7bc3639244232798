/// The size of an SMS body as a gateway sees it.
///
/// `characters` counts Unicode scalars (not user-perceived characters: an
/// emoji with a skin tone is two, `\r\n` is two) because that is what the
/// encoders consume. `units` is septets for GSM-7 (extension characters
/// cost two) and UTF-16 code units for UCS-2 (characters outside the BMP
/// cost two). `parts` is the number of messages billed; an empty body is
/// one (empty) message.
public struct SMSInfo: Sendable, Codable, Equatable {
    public var encoding: SMSEncoding
    public var characters: Int
    public var units: Int
    public var parts: Int

    public init(encoding: SMSEncoding, characters: Int, units: Int, parts: Int) {
        self.encoding = encoding
        self.characters = characters
        self.units = units
        self.parts = parts
    }
}
