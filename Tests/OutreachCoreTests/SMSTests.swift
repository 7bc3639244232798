import Testing
import OutreachCore

struct SMSTests {
    static func repeated(_ s: String, _ n: Int) -> String { String(repeating: s, count: n) }

    @Test(arguments: [
        (159, 1), (160, 1), (161, 2), (305, 2), (306, 2), (307, 3), (459, 3), (460, 4),
    ])
    func gsmPartBoundaries(length: Int, parts: Int) {
        let text = Self.repeated("a", length)
        #expect(SMSText.info(text) == SMSInfo(encoding: .gsm7, characters: length, units: length, parts: parts))
        #expect(SMSText.split(text).count == parts)
    }

    @Test(arguments: [
        (69, 1), (70, 1), (71, 2), (133, 2), (134, 2), (135, 3), (201, 3), (202, 4),
    ])
    func ucs2PartBoundaries(length: Int, parts: Int) {
        let text = Self.repeated("ب", length)
        #expect(SMSText.info(text) == SMSInfo(encoding: .ucs2, characters: length, units: length, parts: parts))
        #expect(SMSText.split(text).count == parts)
    }

    @Test func concatenatedPartsHold153Septets() {
        let parts = SMSText.split(Self.repeated("x", 400))
        #expect(parts.map(\.count) == [153, 153, 94])
    }

    @Test func escapePairNeverStraddlesAPart() {
        // 152 septets + '€' (2 septets) would need 154: the euro starts part 2.
        let text = Self.repeated("a", 152) + "€" + Self.repeated("b", 10)
        let info = SMSText.info(text)
        #expect(info == SMSInfo(encoding: .gsm7, characters: 163, units: 164, parts: 2))
        let parts = SMSText.split(text)
        #expect(parts == [Self.repeated("a", 152), "€" + Self.repeated("b", 10)])
        // With 151 before it, the euro still fits in part 1 (151 + 2 = 153).
        let fits = Self.repeated("a", 151) + "€" + Self.repeated("b", 10)
        #expect(SMSText.split(fits).first == Self.repeated("a", 151) + "€")
    }

    @Test func singleMessageCountsExtensionCharactersTwice() {
        #expect(SMSText.info(Self.repeated("a", 158) + "€") == SMSInfo(encoding: .gsm7, characters: 159, units: 160, parts: 1))
        #expect(SMSText.info(Self.repeated("a", 159) + "€").parts == 2)
    }

    @Test func surrogatePairNeverStraddlesAPart() {
        let text = Self.repeated("ب", 66) + "😀" + Self.repeated("ت", 10)
        #expect(SMSText.info(text) == SMSInfo(encoding: .ucs2, characters: 77, units: 78, parts: 2))
        #expect(SMSText.split(text) == [Self.repeated("ب", 66), "😀" + Self.repeated("ت", 10)])
        let fits = Self.repeated("ب", 65) + "😀" + Self.repeated("ت", 10)
        #expect(SMSText.split(fits).first == Self.repeated("ب", 65) + "😀")
    }

    @Test func arabicIsUCS2() {
        let text = "عزيزتي سارة، موعد تطعيم طفلك غدا"
        let info = SMSText.info(text)
        #expect(info.encoding == .ucs2)
        #expect(info.units == text.utf16.count)
        #expect(info.parts == 1)
    }

    @Test func theDefaultAlphabetIncludesItsAccentedAndGreekLetters() {
        let text = "éèùìòÇØøÅåÄÖÑÜ§¿äöñüàÉÆæßΔΦΓΛΩΠΨΣΘΞ£¥¤¡@$_!\"#%&'()*+,-./:;<=>?\n\r"
        let info = SMSText.info(text)
        #expect(info.encoding == .gsm7)
        #expect(info.units == text.unicodeScalars.count)
    }

    @Test(arguments: ["^", "{", "}", "\\", "[", "~", "]", "|", "€", "\u{0C}"])
    func extensionCharactersCostTwo(char: String) {
        #expect(SMSText.info("a" + char) == SMSInfo(encoding: .gsm7, characters: 2, units: 3, parts: 1))
    }

    @Test(arguments: ["ç", "á", "ê", "`", "’", "Ä€ب", "\u{00A0}"])
    func charactersOutsideGSMForceUCS2(text: String) {
        #expect(SMSText.info(text).encoding == .ucs2)
    }

    @Test func charactersAreUnicodeScalars() {
        let info = SMSText.info("👍🏽")   // one grapheme, two scalars, four UTF-16 units
        #expect(info == SMSInfo(encoding: .ucs2, characters: 2, units: 4, parts: 1))
        #expect(SMSText.info("a\r\nb").characters == 4)
    }

    @Test func emptyTextIsOneEmptyMessage() {
        #expect(SMSText.info("") == SMSInfo(encoding: .gsm7, characters: 0, units: 0, parts: 1))
        #expect(SMSText.split("") == [""])
    }

    @Test func splitPartsRejoinAndAgreeWithInfo() {
        let pieces = ["a", "€", "[", "ب", "😀", "é", " ", "\n", "👍🏽"]
        var state: UInt64 = 12345
        for _ in 0..<300 {
            var text = ""
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let length = Int(state >> 40) % 420
            let gsmOnly = state & 1 == 0
            for _ in 0..<length {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let limit = gsmOnly ? 3 : pieces.count
                let i = Int(state >> 33) % (gsmOnly ? limit : pieces.count)
                text += gsmOnly ? ["a", "€", "[", "é", " ", "\n"][Int(state >> 33) % 6] : pieces[i]
            }
            let parts = SMSText.split(text)
            let info = SMSText.info(text)
            #expect(parts.joined() == text)
            #expect(parts.count == info.parts)
            if parts.count > 1 {
                for part in parts {
                    #expect(SMSText.info(part).units <= (info.encoding == .gsm7 ? 153 : 67))
                }
            }
        }
    }

    @Test func smartEncodingReplacesTypography() {
        let text = "“Hello” — it’s ‘fine’… see\u{00A0}you\u{200B} – ok"
        let smart = SMSText.smartEncoded(text)
        #expect(smart == "\"Hello\" - it's 'fine'... see you - ok")
        #expect(SMSText.info(smart).encoding == .gsm7)
        #expect(SMSText.info(text).encoding == .ucs2)
    }

    @Test func smartEncodingLeavesTextThatStaysUCS2() {
        let persian = "می\u{200C}خواهم “سلام”"
        #expect(SMSText.smartEncoded(persian) == persian)
        #expect(SMSText.smartEncoded("plain text") == "plain text")
    }
}
