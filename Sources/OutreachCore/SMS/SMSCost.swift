/// What a segment's SMS messages cost and where a small cut pays: how many messages take each number of
/// parts in each encoding, how many of them would take one part fewer if the text were a few characters
/// shorter, and which characters alone force UCS-2 on an otherwise GSM-7 text. Built by `SMSCostTally`
/// from the texts as they leave (after smart encoding and `max_parts`).
public struct SMSCost: Sendable, Codable, Equatable {
    /// Messages of one encoding that take the same number of parts.
    public struct Group: Sendable, Codable, Equatable {
        public var encoding: SMSEncoding
        public var parts: Int
        public var messages: Int
        /// For `parts` ≥ 2, how many of them would take `parts − 1` if the text were at most `characters`
        /// characters shorter (cut from the end, in the same encoding): cumulative, one step per distinct cut,
        /// up to `SMSCostTally.trackedCut` characters.
        public var fitOneFewer: [Cut]
        /// The cut worth making, when there is one (`SMSCostTally.suggestion`).
        public var suggestion: Cut?
    }

    /// A shortening and what it buys: cutting at most `characters` characters saves one part on `messages`
    /// messages.
    public struct Cut: Sendable, Codable, Equatable {
        public var characters: Int
        public var messages: Int
    }

    /// A character outside GSM-7 in a text that is otherwise GSM-7, with the messages it appears in.
    public struct ForcingCharacter: Sendable, Codable, Equatable {
        public var character: String
        /// `U+00E7`.
        public var codePoint: String
        public var messages: Int
    }

    /// UCS-2 messages that are GSM-7 but for a few characters (at most a tenth of the text): what they take
    /// now, and would take with those characters written in GSM-7.
    public struct ForcedUCS2: Sendable, Codable, Equatable {
        public var messages: Int
        public var parts: Int
        public var partsIfGSM7: Int
        /// The characters responsible, most frequent first (at most ten).
        public var characters: [ForcingCharacter]
    }

    public var messages: Int
    public var parts: Int
    /// By encoding, then parts.
    public var groups: [Group]
    public var forcedUCS2: ForcedUCS2?

    public init(messages: Int = 0, parts: Int = 0, groups: [Group] = [], forcedUCS2: ForcedUCS2? = nil) {
        self.messages = messages
        self.parts = parts
        self.groups = groups
        self.forcedUCS2 = forcedUCS2
    }
}
