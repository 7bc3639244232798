/// A campaign as written in `campaigns/NAME.yaml`: who (one audience or
/// several segments, minus exclusions), what (a template per segment), and
/// how (channel, gateway, sender).
///
/// The schedule is read and checked here; `outreach plan` shows it and the
/// scheduler (`outreach run`, OutreachScheduler) runs it.
public struct CampaignDefinition: Sendable {
    /// One part of the audience with the template variant it receives.
    public struct Segment: Sendable, Equatable {
        /// Shown in previews and reports; the audience name unless given.
        public var name: String
        public var audience: String
        /// The segment's template; with `variants`, the first variant's.
        public var template: String
        /// Two or more templates the segment's people are split between (`variants:`), each person by a
        /// stable keyed draw (`ExperimentAssignment`); empty: everyone gets `template`.
        public var variants: [Variant] = []
        /// This segment's held-out share, overriding the campaign's `holdout`.
        public var holdout: HoldoutShare?

        public init(name: String, audience: String, template: String, variants: [Variant] = [], holdout: HoldoutShare? = nil) {
            self.name = name
            self.audience = audience
            self.template = template
            self.variants = variants
            self.holdout = holdout
        }

        /// Every template the segment sends: its variants', else its own.
        public var templates: [String] { variants.isEmpty ? [template] : variants.map(\.template) }
    }

    /// One of a segment's message variants: a template and its relative weight (`{template: vax_warm, weight: 50}`).
    public struct Variant: Sendable, Equatable, Codable {
        public var template: String
        /// Positive; a variant's share is its weight over the segment's total.
        public var weight: Double

        public init(template: String, weight: Double) {
            self.template = template
            self.weight = weight
        }
    }

    public var name: String
    public var file: String?
    public var title: String
    /// Segments in priority order: a person in several gets the first one's message.
    public var segments: [Segment]
    /// Audiences whose members never receive this campaign.
    public var exclude: [String]
    /// Preferred channel first; later channels are fallbacks for people the
    /// first cannot reach.
    public var channels: [Channel]
    /// The gateway for every channel, unless `channelGateways` names one
    /// for it (`gateway: {sms: kannel, email: mail}` in the campaign file).
    public var gateway: String?
    public var channelGateways: [Channel: String] = [:]
    /// The share of each segment's would-be recipients deliberately not messaged (`holdout: 5%`), recorded as
    /// `skipped(holdout)`: the control group outcomes are compared with. A segment's own `holdout` wins.
    public var holdout: HoldoutShare?
    /// Where `gateway:` is written, for errors about it.
    public var gatewayLocation: SourceLocation?
    public var sender: String?
    /// When it sends; nil for campaigns sent only by hand (`outreach send --now`).
    public var schedule: CampaignSchedule?
    /// Messages per second for this campaign (`throttle: 100/s`), on top of the gateway's own rate.
    public var throttle: RateLimit?
    /// This campaign's cap, overriding the project's; `.some(nil)` is `frequency_cap: none`.
    public var frequencyCap: FrequencyCap??
    public var onUncertain: UncertainPolicy
    /// What becomes of its messages still queued when quiet hours begin.
    public var quietHoursOverflow: QuietHoursOverflow = .hold
    /// Replace typographic characters with GSM equivalents before counting and sending.
    public var smartEncoding: Bool
    /// One message per address in an occurrence (`duplicate_addresses: skip`, the default), or one per recipient.
    public var duplicateAddresses: DuplicateAddressPolicy = .skip
    /// The most SMS parts one message may cost (`max_parts`, else the
    /// project's): a longer message is a render failure for its recipient,
    /// counted in preview and never sent — a 7 MB field must not become a
    /// 45,000-part bill.
    public var maxParts: Int = ConfigurationLimits.defaultMaxParts
    /// How long after a send an outcome counts for it (`attribution: 14d`, the default; `outreach report --outcomes`).
    public var attribution: AttributionWindow = .default
    /// Where the file writes each name this campaign refers to, so an error
    /// about one points at it.
    public var sources = CampaignSourceMap()

    public init(name: String, file: String? = nil, title: String, segments: [Segment], exclude: [String] = [],
                channels: [Channel], gateway: String? = nil, sender: String? = nil, schedule: CampaignSchedule? = nil,
                throttle: RateLimit? = nil, frequencyCap: FrequencyCap?? = nil, onUncertain: UncertainPolicy = .skip,
                smartEncoding: Bool = false) {
        self.name = name
        self.file = file
        self.title = title
        self.segments = segments
        self.exclude = exclude
        self.channels = channels
        self.gateway = gateway
        self.sender = sender
        self.schedule = schedule
        self.throttle = throttle
        self.frequencyCap = frequencyCap
        self.onUncertain = onUncertain
        self.smartEncoding = smartEncoding
    }

    /// Every template the campaign's segments send (variants included), each once, in order.
    public var templateNames: [String] {
        var seen: Set<String> = []
        return segments.flatMap(\.templates).filter { seen.insert($0).inserted }
    }

    /// Whether people are split between variants or held out: message composition then needs the ledger's key.
    public var hasExperiment: Bool {
        holdout != nil || segments.contains { !$0.variants.isEmpty || $0.holdout != nil }
    }

    /// Staged sending (`test_phase:`): the variants to a share first, the leading one to the rest later.
    public var testPhase: TestPhase?

    /// Why this campaign cannot be sent yet, or nil: staged sending is read, checked and planned, but the
    /// scheduler does not yet hold the rest of the audience back for the decision, so a campaign with
    /// `test_phase:` is refused at launch and send rather than sent to everyone at once.
    public var unsupportedForSending: String? {
        testPhase == nil ? nil : "staged sending (test_phase:) is checked and planned but not sent yet: the rest of the audience is not held back for the decision"
    }

    /// The held-out share of a segment: its own, else the campaign's, else none.
    public func holdout(of segment: Segment) -> HoldoutShare? { segment.holdout ?? holdout }

    /// The gateway that carries this campaign's messages on `channel`.
    public func gateway(for channel: Channel) -> String? { channelGateways[channel] ?? gateway }

    /// The cap that applies: the campaign's own, else the project's.
    public func effectiveFrequencyCap(project: FrequencyCap?) -> FrequencyCap? {
        switch frequencyCap {
        case .some(let own): own
        case .none: project
        }
    }
}
