/// What a campaign would send, computed before launch: who is reached in
/// each segment, who cannot be reached or rendered and why, real sample
/// messages, and the SMS parts it would cost.
public struct CampaignPreview: Sendable, Codable {
    /// How many recipients one reason (unreachable, render failure, …) covers, with a few ids to inspect.
    public struct Count: Sendable, Codable, Equatable {
        public var reason: String
        public var count: Int
        /// A few recipient ids, to look at with `--recipient`.
        public var examples: [String]
    }

    /// One real message as it would be sent to one recipient: its text, address and, for SMS, encoding and parts.
    public struct Sample: Sendable, Codable {
        public var id: String
        public var segment: String
        public var gender: String?
        public var language: String
        public var channel: Channel
        public var address: String?
        public var subject: String?
        public var text: String
        public var encoding: SMSEncoding?
        public var characters: Int?
        public var parts: Int?
        /// The variant's template, when the segment has variants.
        public var variant: String? = nil
    }

    /// One of a segment's message variants: its share of the segment as written and as drawn.
    public struct Variant: Sendable, Codable {
        public var template: String
        /// The weight over the segment's total, in percent.
        public var weightPercent: Double
        /// Recipients drawn into this variant who get its message.
        public var ready: Int
        /// Recipients drawn into this variant who are held out instead.
        public var heldOut: Int
        public var totalParts: Int
        public var samples: [Sample]
    }

    /// One segment of the campaign: who it reaches, who it cannot and why, its samples and its SMS cost.
    public struct Segment: Sendable, Codable {
        public var name: String
        public var audience: String
        public var template: String
        public var channel: Channel
        /// Members of the audience, before removing exclusions and earlier segments.
        public var audienceCount: Int
        /// Members this segment is responsible for.
        public var recipients: Int
        /// Recipients with a usable address that rendered: the messages to send.
        public var ready: Int
        public var unreachable: [Count]
        public var renderFailures: [Count]
        /// On the suppression list: no message.
        public var optedOut = 0
        /// At an address another recipient already gets this occurrence's message at: no message.
        public var duplicateAddresses = 0
        /// Would get a message but are in the held-out control group (`holdout:`): no message.
        public var heldOut = 0
        /// The segment's held-out share, in percent; nil without a holdout.
        public var holdoutPercent: Double?
        /// The segment's variants (`variants:`), each with its own samples; empty without variants.
        public var variants: [Variant] = []
        /// Ready messages by channel (a segment falls back to another channel for people the first cannot reach).
        public var byChannel: [String: Int] = [:]
        /// SMS parts over all ready messages (0 for email).
        public var totalParts: Int
        /// Ready messages by encoding, e.g. ["UCS-2": 1200, "GSM-7": 40].
        public var encodings: [String: Int]
        /// Ready messages by part count, e.g. [1: 10, 2: 1230].
        public var partsHistogram: [Int: Int]
        /// Parts by encoding and count, and where a small cut pays (SMS only).
        public var cost = SMSCost()
        public var samples: [Sample]
    }

    public var campaign: String
    public var title: String
    public var today: Day
    public var population: Int
    /// People removed by `exclude` audiences.
    public var excluded: Int
    public var segments: [Segment]
    public var recipients: Int
    public var ready: Int
    public var optedOut: Int
    public var duplicateAddresses: Int
    /// People in the held-out control groups: not messaged.
    public var heldOut: Int = 0
    public var totalParts: Int
    public var warnings: [String]
    /// The campaign's staged sending (`test_phase:`), said once above the total; nil without one.
    public var testPhase: TestPhase? = nil
}
