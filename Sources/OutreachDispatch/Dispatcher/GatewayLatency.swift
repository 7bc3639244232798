public import CoreMetrics
public import OutreachCore

/// How long each gateway takes to answer one attempt, by outcome (`accepted`, `rejected`, `retryable`): a
/// swift-metrics `Timer` per pair, labelled `outreach_gateway_send_duration_seconds` with `gateway` and
/// `outcome`. Made from the metrics factory in force when a dispatch run starts (`MetricsSystem.factory`: a
/// no-op unless the executable bootstrapped one), once per lane, so an attempt costs one `recordNanoseconds`.
public struct GatewayLatency: Sendable {
    public static let label = "outreach_gateway_send_duration_seconds"

    private let accepted: Timer
    private let rejected: Timer
    private let retryable: Timer

    public init(gateway: String, factory: any MetricsFactory = MetricsSystem.factory) {
        func timer(_ outcome: String) -> Timer {
            Timer(label: Self.label, dimensions: [("gateway", gateway), ("outcome", outcome)], factory: factory)
        }
        accepted = timer("accepted")
        rejected = timer("rejected")
        retryable = timer("retryable")
    }

    public func record(_ kind: DeliveryOutcome.Kind, _ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        switch kind {
        case .accepted: accepted.recordNanoseconds(nanoseconds)
        case .rejected: rejected.recordNanoseconds(nanoseconds)
        case .retryable: retryable.recordNanoseconds(nanoseconds)
        }
    }
}
