/// What a shorter or differently written text would cost: the measures behind `SMSCostTally`, with the
/// same splitting rules as `SMSText.info` (an escape pair or surrogate pair never straddles two parts).
extension SMSText {
    /// Parts `text` takes when carried in `encoding`; in GSM-7 a character outside the alphabet counts as
    /// one septet, as if it were replaced by a GSM-7 one.
    public static func parts(_ text: String, as encoding: SMSEncoding) -> Int {
        var units = 0
        for s in text.unicodeScalars { units += cost(s, encoding) }
        if units <= encoding.singleCapacity { return 1 }
        var count = 1, used = 0
        for s in text.unicodeScalars {
            let c = cost(s, encoding)
            if used + c > encoding.partCapacity {
                count += 1
                used = 0
            }
            used += c
        }
        return count
    }

    /// How many characters (Unicode scalars) must go from the end of `text` for it to fit in `parts` parts
    /// of `encoding` (its own encoding): 0 when it fits already. One pass, no allocation.
    public static func cut(_ text: String, toFit parts: Int, as encoding: SMSEncoding) -> Int {
        precondition(parts >= 1)
        var characters = 0, kept = 0
        var units = 0                 // single-message fill
        var part = 1, used = 0        // concatenated fill
        var fitsSingle = true, fitsParts = true
        var keptSingle = 0, keptParts = 0
        for s in text.unicodeScalars {
            characters += 1
            let c = cost(s, encoding)
            if fitsSingle {
                units += c
                if units <= encoding.singleCapacity { keptSingle = characters } else { fitsSingle = false }
            }
            if fitsParts {
                if used + c > encoding.partCapacity {
                    part += 1
                    used = 0
                }
                used += c
                if part <= parts { keptParts = characters } else { fitsParts = false }
            }
        }
        // One part holds a single message's capacity; several hold `partCapacity` each (the UDH takes the rest).
        kept = parts == 1 ? keptSingle : max(keptSingle, keptParts)
        return characters - kept
    }
}
