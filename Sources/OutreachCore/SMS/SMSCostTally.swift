/// Counts SMS texts as they leave into an `SMSCost`: per message a pass over the text for its size (the one
/// `SMSText.info` the caller already has), one more for the cut to one part fewer when it takes two or more,
/// and one for the characters forcing UCS-2 when it is UCS-2. Nothing is allocated per message beyond the
/// forcing characters' counts.
public struct SMSCostTally: Sendable {
    /// Cuts longer than this are not tracked (no one shortens a text by more to save a part).
    public static let trackedCut = 60
    /// A cut is small when it is at most this share of a part (22 characters in GSM-7, 10 in UCS-2).
    public static let smallCutShare = 0.15
    /// A suggested cut saves a part for at least this share of its group…
    public static let worthwhileShare = 0.05
    /// … and is the smallest that saves one for this share, when a small cut reaches it.
    public static let targetShare = 0.9

    private struct Key: Hashable { var encoding: SMSEncoding; var parts: Int }
    private var messages = 0
    private var parts = 0
    private var byGroup: [Key: Int] = [:]
    /// Per group with parts ≥ 2, messages by cut (index = characters), up to `trackedCut`.
    private var cuts: [Key: [Int]] = [:]
    private var forcedMessages = 0, forcedParts = 0, forcedPartsIfGSM7 = 0
    private var forcing: [Unicode.Scalar: Int] = [:]
    private var seen: [Unicode.Scalar] = []

    public init() {}

    /// One message's text as it leaves, with its `SMSText.info`.
    public mutating func add(_ text: String, info: SMSInfo) {
        messages += 1
        parts += info.parts
        let key = Key(encoding: info.encoding, parts: info.parts)
        byGroup[key, default: 0] += 1
        if info.parts >= 2 {
            let cut = SMSText.cut(text, toFit: info.parts - 1, as: info.encoding)
            if cut <= Self.trackedCut {
                if cuts[key] == nil { cuts[key] = Array(repeating: 0, count: Self.trackedCut + 1) }
                cuts[key]![cut] += 1
            }
        }
        if info.encoding == .ucs2 { countForcing(text, info: info) }
    }

    private mutating func countForcing(_ text: String, info: SMSInfo) {
        var outside = 0
        for s in text.unicodeScalars where GSMAlphabet.septets(s) == nil { outside += 1 }
        guard outside * 10 <= info.characters else { return }
        forcedMessages += 1
        forcedParts += info.parts
        forcedPartsIfGSM7 += SMSText.parts(text, as: .gsm7)
        // Each character once per message (a buffer kept between messages: nothing allocated per message).
        seen.removeAll(keepingCapacity: true)
        for s in text.unicodeScalars where GSMAlphabet.septets(s) == nil && !seen.contains(s) {
            seen.append(s)
            forcing[s, default: 0] += 1
        }
    }

    public var cost: SMSCost {
        var groups: [SMSCost.Group] = []
        for (key, count) in byGroup {
            var fit: [SMSCost.Cut] = []
            if let byCut = cuts[key] {
                var total = 0
                for (characters, n) in byCut.enumerated() where n > 0 {
                    total += n
                    fit.append(SMSCost.Cut(characters: characters, messages: total))
                }
            }
            groups.append(SMSCost.Group(encoding: key.encoding, parts: key.parts, messages: count, fitOneFewer: fit,
                                        suggestion: Self.suggestion(fit, messages: count, encoding: key.encoding)))
        }
        groups.sort { ($0.encoding.rawValue, $0.parts) < ($1.encoding.rawValue, $1.parts) }
        var forced: SMSCost.ForcedUCS2?
        if forcedMessages > 0 {
            let characters = forcing.sorted { ($1.value, $0.key.value) < ($0.value, $1.key.value) }.prefix(10).map {
                SMSCost.ForcingCharacter(character: String($0.key), codePoint: Self.codePoint($0.key), messages: $0.value)
            }
            forced = SMSCost.ForcedUCS2(messages: forcedMessages, parts: forcedParts, partsIfGSM7: forcedPartsIfGSM7,
                                        characters: characters)
        }
        return SMSCost(messages: messages, parts: parts, groups: groups, forcedUCS2: forced)
    }

    /// The smallest small cut that saves a part for `targetShare` of the group; failing that, the largest
    /// small cut, if it saves one for `worthwhileShare`; nil when no small cut pays.
    static func suggestion(_ fit: [SMSCost.Cut], messages: Int, encoding: SMSEncoding) -> SMSCost.Cut? {
        let small = Int(Double(encoding.partCapacity) * smallCutShare)
        let within = fit.filter { $0.characters >= 1 && $0.characters <= small }
        if let target = within.first(where: { Double($0.messages) >= targetShare * Double(messages) }) { return target }
        guard let best = within.last, Double(best.messages) >= worthwhileShare * Double(messages) else { return nil }
        return best
    }

    static func codePoint(_ s: Unicode.Scalar) -> String {
        let hex = String(s.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
