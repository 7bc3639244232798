public import Foundation

/// One person of a launched campaign as the outcome report needs them, from the ledger and the imported
/// outcomes: their segment and variant, when they were messaged (or, held out, when they would have been),
/// what their messages cost, and the day of their outcome, if any.
public struct MeasuredPerson: Sendable, Equatable {
    /// The population id, as the ledger keys the person.
    public var id: String
    public var segment: String
    /// The variant's template (for the held out, the one they would have had); nil without variants.
    public var variant: String?
    /// Their first message the gateway took (accepted or delivered).
    public var firstSent: Date?
    /// For the held out, when their first message would have gone.
    public var heldOutAt: Date?
    /// SMS parts of their messages that went.
    public var parts: Int
    /// The day of their outcome (`outreach outcome import`), wherever it falls.
    public var outcome: Day?
    public var replies: Int
    public var optOuts: Int

    public init(id: String = "", segment: String, variant: String? = nil, firstSent: Date? = nil, heldOutAt: Date? = nil, parts: Int = 0,
                outcome: Day? = nil, replies: Int = 0, optOuts: Int = 0) {
        self.id = id
        self.segment = segment
        self.variant = variant
        self.firstSent = firstSent
        self.heldOutAt = heldOutAt
        self.parts = parts
        self.outcome = outcome
        self.replies = replies
        self.optOuts = optOuts
    }
}
