public import OutreachCore
public import OutreachStore

/// What delivery reports need of the ledger (the batcher's whole view of it).
public protocol DeliveryReportStore: Sendable {
    /// `accepted → delivered | failed | expired`, one transaction per call;
    /// idempotent and out-of-order safe (see `LedgerStore`).
    func recordDeliveryReports(_ reports: [DeliveryReport]) async throws -> RecordResult
}

/// What the webhooks need of the ledger.
public protocol WebhookStore: DeliveryReportStore, ReplyStore {
    /// Throws when the ledger does not answer (`/healthz`).
    func healthCheck() async throws
}

extension SQLiteLedger: MetricsLedgerReader {}

extension SQLiteLedger: WebhookStore {
    public func healthCheck() async throws {
        _ = try await appliedMigrations()
    }
}
