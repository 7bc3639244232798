/// A campaign's life: it is `draft` until someone launches it on purpose.
///
/// `draft → launched ⇄ paused`, `launched → completed`, and
/// `draft | launched | paused → cancelled`. Only a `launched` campaign has
/// messages handed to the dispatcher; cancelling skips what is still queued.
/// A `cancelled` or `completed` campaign can be relaunched (`canRelaunch`):
/// a new generation, not a return to where it stopped, so it is not a move
/// `canMove` allows (`resume` of a cancelled campaign stays refused).
public enum CampaignState: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    case launched
    case paused
    case cancelled
    case completed

    public func canMove(to next: CampaignState) -> Bool {
        switch (self, next) {
        case (.draft, .launched), (.launched, .paused), (.paused, .launched),
             (.launched, .completed), (.draft, .cancelled), (.launched, .cancelled), (.paused, .cancelled):
            true
        default:
            false
        }
    }

    /// Whether `outreach relaunch` applies: the campaign's run is over.
    public var canRelaunch: Bool { self == .cancelled || self == .completed }

    /// The verb an operator uses to get here (`launch`, `pause`, …), for messages.
    public var verb: String {
        switch self {
        case .draft: "draft"
        case .launched: "launch"
        case .paused: "pause"
        case .cancelled: "cancel"
        case .completed: "complete"
        }
    }
}

/// A campaign state change the ledger refused.
public struct CampaignTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public var campaign: String
    public var from: CampaignState
    public var to: CampaignState

    public init(campaign: String, from: CampaignState, to: CampaignState) {
        self.campaign = campaign
        self.from = from
        self.to = to
    }

    public var description: String {
        if from == to { return "campaign '\(campaign)' is already \(from.rawValue)" }
        return "cannot \(to.verb) campaign '\(campaign)': it is \(from.rawValue)"
    }
}
