public import Foundation

/// The durable send ledger as the scheduler and dispatcher use it. The SQLite
/// implementation lives in OutreachStore; PostgreSQL can follow behind the
/// same protocol.
///
/// Rules every implementation keeps:
/// - (campaign, occurrence, recipient) is unique: materialising twice adds nothing.
/// - Moves follow `LedgerState.canMove(to:)`; a record for an entry not in the
///   expected state is ignored and counted, never applied.
/// - An address on the suppression list is never handed out: it is skipped
///   with `optedOut` at materialisation and again at claim time.
/// - Only entries of `launched` campaigns are claimed (unless `ClaimRequest.states` says otherwise:
///   `send --now` and `send --test`).
/// - Batches are one transaction each; times are passed in (`now`), so tests
///   and `--clock` can run a schedule in accelerated time.
public protocol LedgerStore: Sendable {
    /// What this ledger's message ids and person keys are made with: entries made for it must use it
    /// (`LedgerEntry.init(…, key:)`), as its frequency-cap query does; `materialise` refuses a batch
    /// holding an entry made with another key.
    var messageIDKey: MessageIDKey { get }

    // MARK: Materialise and claim

    /// Inserts an occurrence's entries; ones already present are left alone.
    /// Entries whose address is opted out are stored as `skipped(optedOut)`.
    func materialise(_ entries: [LedgerEntry], at now: Date) async throws -> MaterialisationResult

    /// Hands out up to `request.limit` due `queued` entries (earliest first),
    /// marked `sending` in the same transaction: no entry is handed out twice.
    /// Opted-out and over-cap entries met on the way are skipped, not returned.
    func claim(_ request: ClaimRequest) async throws -> [LedgerEntry]

    /// A campaign's due `queued` entries that their quiet hours hold at `now` (`LedgerEntry.quiet`; the
    /// claim leaves them), and the earliest moment one of them may leave.
    func heldByQuietHours(campaign: String, at now: Date) async throws -> (count: Int, resumesAt: Date?)

    /// Records the entries `heldByQuietHours` counts as `skipped(quietHoursOverflow)`; returns how many.
    func skipHeldByQuietHours(campaign: String, at now: Date) async throws -> Int

    /// Records a campaign's `queued` entries that are more than `lateness` overdue at `now` as
    /// `skipped(tooLate)` — a backlog found after the scheduler was stopped for days is not sent days late.
    /// An entry quiet hours held counts as due when its first quiet stretch ended. Returns how many.
    func skipOverdue(campaign: String, lateness: TimeInterval, at now: Date) async throws -> Int

    /// `sending → queued` for claimed messages that never left (graceful shutdown).
    func release(_ messageIDs: [String], at now: Date) async throws -> Int

    // MARK: Outcomes

    /// Final gateway outcomes (after retries): `sending → accepted | failed`.
    func record(_ outcomes: [DeliveryOutcome], at now: Date) async throws -> RecordResult

    /// Delivery reports: `accepted → delivered | failed | expired`.
    func recordDeliveryReports(_ reports: [DeliveryReport]) async throws -> RecordResult

    /// `queued | uncertain → skipped(reason)`.
    func skip(_ messageIDs: [String], reason: SkipReason, detail: String?, at now: Date) async throws -> Int

    /// Records that the first attempt at these `sending` messages is about to
    /// leave. Written before the attempt: a message claimed but never marked
    /// is known not to have been sent.
    func markAttempted(_ messageIDs: [String], at now: Date) async throws

    /// After a crash: `sending` entries whose first attempt never started go
    /// back to `queued` (they were claimed, not sent); the others become
    /// `uncertain` (they may or may not have left), and their number is
    /// returned. Call once at start-up, before claiming.
    func recoverInterrupted(at now: Date) async throws -> Int

    /// Settles a campaign's `uncertain` entries: `resend` queues them again,
    /// `skip` records them as `skipped(inDoubt)`.
    func resolveUncertain(campaign: String, policy: UncertainPolicy, at now: Date) async throws -> Int

    // MARK: Reading

    func entry(messageID: String) async throws -> LedgerEntry?

    /// A campaign's entries, optionally in one state, in due order.
    func entries(campaign: String, state: LedgerState?, limit: Int) async throws -> [LedgerEntry]

    func counts(campaign: String) async throws -> LedgerCounts

    /// The frequency-cap query: per recipient id, messages that may have
    /// reached them (`sending`, `accepted`, `delivered`, `uncertain`) sent at
    /// or after `since`, across all campaigns. Recipients with none are absent.
    func recentSends(recipients: [String], since: Date) async throws -> [String: Int]

    // MARK: Campaign states

    /// `draft` for a campaign the ledger has never seen.
    func campaignState(_ campaign: String) async throws -> CampaignState

    /// Moves a campaign (throws `CampaignTransitionError` for an illegal move);
    /// cancelling skips its queued and uncertain entries with reason `cancelled`.
    func setCampaignState(_ campaign: String, to state: CampaignState, at now: Date) async throws

    func campaigns() async throws -> [CampaignStatus]

    // MARK: Opt-outs

    /// Adds or refreshes entries; returns how many addresses were new.
    func addOptOuts(_ optOuts: [OptOut]) async throws -> Int

    /// Returns whether the address was on the list.
    func removeOptOut(_ address: ContactAddress) async throws -> Bool

    func optOuts() async throws -> [OptOut]

    /// The send path's check; `address` as the ledger or population holds it.
    func isOptedOut(_ address: String) async throws -> Bool
}

extension LedgerStore {
    public func addOptOut(_ optOut: OptOut) async throws -> Bool {
        try await addOptOuts([optOut]) == 1
    }
}

/// What `materialise` did.
public struct MaterialisationResult: Sendable, Hashable, Codable {
    /// New entries (any state).
    public var inserted: Int
    /// Entries already present for (campaign, occurrence, recipient): untouched.
    public var alreadyPresent: Int
    /// Of the new entries, those stored as `skipped(optedOut)`.
    public var optedOut: Int

    public init(inserted: Int = 0, alreadyPresent: Int = 0, optedOut: Int = 0) {
        self.inserted = inserted
        self.alreadyPresent = alreadyPresent
        self.optedOut = optedOut
    }
}

/// What `record` did.
public struct RecordResult: Sendable, Hashable, Codable {
    public var applied: Int
    /// Unknown ids or entries not in the state the record expects.
    public var ignored: Int
    /// Delivery reports that arrived before their message's gateway answer
    /// was recorded: kept, and applied when it is.
    public var deferred: Int

    public init(applied: Int = 0, ignored: Int = 0, deferred: Int = 0) {
        self.applied = applied
        self.ignored = ignored
        self.deferred = deferred
    }
}

/// Which entries to claim.
public struct ClaimRequest: Sendable, Hashable {
    public var limit: Int
    /// Entries due at or before this time are claimed; also the `sentAt` written.
    public var now: Date
    /// Only these campaigns (all launched ones when nil).
    public var campaigns: Set<String>?
    /// The project-wide cap; a campaign in `caps` uses its own instead.
    public var defaultCap: FrequencyCap?
    public var caps: [String: FrequencyCap]
    /// Campaigns exempt from caps (urgent warnings).
    public var uncapped: Set<String>
    /// Record the claimed entries as attempted in the claim's own transaction: for a dispatcher that starts
    /// them all within a few hundredths of a second (after a crash they are in doubt, not queued again).
    public var markAttempted = false
    /// Whom an opt-out stops at claim time (`opt_out_scope`): with `.person`, an entry is skipped when any
    /// address the ledger holds for its recipient (from any campaign or channel) is on the suppression list —
    /// an email unsubscribe that arrives after an SMS was queued stops the SMS.
    public var optOutScope: Suppression.Scope = .person
    /// Only this occurrence of the campaigns (`send --now` sends the one it made).
    public var occurrence: String?
    /// Entries of campaigns in these states are claimed: `launched` for the scheduler; `send --now` adds draft
    /// and completed, `send --test` takes every state. A campaign the ledger has never seen is a draft.
    public var states: Set<CampaignState> = [.launched]

    public init(limit: Int, now: Date, campaigns: Set<String>? = nil, defaultCap: FrequencyCap? = nil,
                caps: [String: FrequencyCap] = [:], uncapped: Set<String> = []) {
        self.limit = limit
        self.now = now
        self.campaigns = campaigns
        self.defaultCap = defaultCap
        self.caps = caps
        self.uncapped = uncapped
    }

    public func cap(for campaign: String) -> FrequencyCap? {
        if uncapped.contains(campaign) { return nil }
        return caps[campaign] ?? defaultCap
    }
}

/// A campaign as the ledger knows it.
public struct CampaignStatus: Sendable, Hashable, Codable {
    public var campaign: String
    public var state: CampaignState
    public var updatedAt: Date
    public var launchedAt: Date?

    public init(campaign: String, state: CampaignState, updatedAt: Date, launchedAt: Date? = nil) {
        self.campaign = campaign
        self.state = state
        self.updatedAt = updatedAt
        self.launchedAt = launchedAt
    }
}
