import Foundation
import Testing
@testable import OutreachCore

@Suite struct SMSCostTests {
    /// A text of `n` scalars drawn from `alphabet`, seeded.
    static func text(_ n: Int, _ alphabet: [Character], seed: UInt64) -> String {
        var random = SplitMix64(seed: seed)
        return String((0..<n).map { _ in alphabet[random.below(alphabet.count)] })
    }

    static let gsm: [Character] = Array("abcdefghij klmnop,.") + ["€", "[", "^"]          // extension characters cost two septets
    static let ucs: [Character] = Array("سارة موعد التطعيم") + ["😀"]                       // an emoji costs two UTF-16 units

    @Test(arguments: [(gsm, 0 as UInt64), (ucs, 1 as UInt64)])
    func theCutIsTheShortestThatSavesAPart(alphabet: [Character], seed: UInt64) {
        var checked = 0
        for i in 0..<400 {
            let t = Self.text(60 + i, alphabet, seed: seed &+ UInt64(i))
            let info = SMSText.info(t)
            guard info.parts >= 2 else { continue }
            let cut = SMSText.cut(t, toFit: info.parts - 1, as: info.encoding)
            let scalars = Array(t.unicodeScalars)
            func parts(keeping k: Int) -> Int { SMSText.parts(String(String.UnicodeScalarView(scalars.prefix(k))), as: info.encoding) }
            #expect(cut >= 1)
            #expect(parts(keeping: scalars.count - cut) == info.parts - 1, "\(t)")
            #expect(parts(keeping: scalars.count - cut + 1) == info.parts, "\(t)")
            checked += 1
        }
        #expect(checked > 200)
    }

    @Test func partsInTheTextsOwnEncodingAgreeWithInfo() {
        for i in 0..<300 {
            let t = Self.text(20 + i * 2, i % 2 == 0 ? Self.gsm : Self.ucs, seed: UInt64(i))
            let info = SMSText.info(t)
            #expect(SMSText.parts(t, as: info.encoding) == info.parts)
        }
    }

    @Test func groupsSuggestionsAndFitCounts() {
        var tally = SMSCostTally()
        // 100 messages of 165 GSM-7 characters (2 parts; a 5-character cut fits 1), 20 of 200 (a 40-character cut).
        for _ in 0..<100 { let t = String(repeating: "a", count: 165); tally.add(t, info: SMSText.info(t)) }
        for _ in 0..<20 { let t = String(repeating: "b", count: 200); tally.add(t, info: SMSText.info(t)) }
        for _ in 0..<7 { let t = "short"; tally.add(t, info: SMSText.info(t)) }
        let cost = tally.cost
        #expect(cost.messages == 127)
        #expect(cost.parts == 100 * 2 + 20 * 2 + 7)
        let two = try! #require(cost.groups.first { $0.encoding == .gsm7 && $0.parts == 2 })
        #expect(two.messages == 120)
        #expect(two.fitOneFewer == [SMSCost.Cut(characters: 5, messages: 100), SMSCost.Cut(characters: 40, messages: 120)])
        // 5 characters save a part for 100 of 120 (83%, under the 90% target): the largest small cut that pays is 5.
        #expect(two.suggestion == SMSCost.Cut(characters: 5, messages: 100))
        #expect(cost.groups.first { $0.parts == 1 }?.suggestion == nil)
        #expect(cost.forcedUCS2 == nil)
    }

    @Test func charactersForcingUCS2AreNamedAndPriced() {
        var tally = SMSCostTally()
        // 150 GSM-7 characters and one 'ç': UCS-2, 3 parts; in GSM-7 one part.
        let forced = String(repeating: "x", count: 150) + "ç"
        for _ in 0..<10 { tally.add(forced, info: SMSText.info(forced)) }
        // Arabic throughout is not "otherwise GSM-7".
        let arabic = String(repeating: "سلام ", count: 20)
        for _ in 0..<5 { tally.add(arabic, info: SMSText.info(arabic)) }
        let f = try! #require(tally.cost.forcedUCS2)
        #expect(f.messages == 10)
        #expect(f.parts == 30 && f.partsIfGSM7 == 10)
        #expect(f.characters == [SMSCost.ForcingCharacter(character: "ç", codePoint: "U+00E7", messages: 10)])
    }
}
