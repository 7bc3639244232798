public import ServiceLifecycle
import Foundation

/// `outreach run` as a ServiceLifecycle service: on graceful shutdown
/// (SIGTERM, or the first SIGINT) it stops claiming, lets the attempts in
/// flight finish and records them, then returns.
public struct SchedulerService: Service {
    public let scheduler: CampaignScheduler
    public let once: Bool
    public let onTick: (@Sendable (TickReport) -> Void)?

    public init(scheduler: CampaignScheduler, once: Bool, onTick: (@Sendable (TickReport) -> Void)? = nil) {
        self.scheduler = scheduler
        self.once = once
        self.onTick = onTick
    }

    public func run() async throws {
        let scheduler = self.scheduler
        try await withGracefulShutdownHandler {
            try await scheduler.run(once: once, onTick: onTick)
        } onGracefulShutdown: {
            Task { await scheduler.stop() }
        }
    }
}
