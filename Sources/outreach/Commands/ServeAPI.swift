import CoreMetrics
import Foundation
import OutreachCore
import OutreachDispatch
import OutreachServer
import Prometheus

/// The API's audience counts: the project loaded afresh for each question (audience files and the
/// population as they are now, evaluated on the project's today), counted by the code `outreach audience
/// list` and `outreach audience count` run.
struct ProjectAudienceCounter: AudienceCounter {
    let options: ProjectOptions

    func audienceCounts(_ names: [String]?) async throws -> AudienceCounts {
        let workspace = try options.load()
        let counted = try workspace.audienceCounts(names)
        return AudienceCounts(audiences: counted.audiences.map {
            AudienceCount(name: $0.name, title: $0.title, description: $0.description, count: $0.count)
        }, population: counted.population, evaluatedOn: workspace.today.iso)
    }
}

enum ServeMetrics {
    /// Gateway answer times from a millisecond (a file outbox) to the longest timeout worth waiting for.
    static let latencyBuckets: [Duration] = [.milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25),
                                             .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
                                             .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30)]

    /// The process's metrics go to one Prometheus registry, which `/metrics` serves: bootstrapped here, in
    /// the executable, once, before the dispatcher makes its timers.
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[GatewayLatency.label] = latencyBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
