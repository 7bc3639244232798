/// When a gateway that keeps failing is left alone (`gateways.yaml`'s
/// `breaker:`): after `failures` retryable failures in a row nothing is sent
/// to it for `openSeconds`; then one trial attempt decides — success closes
/// it, failure opens it again for twice as long, up to `maxOpenSeconds`.
public struct BreakerPolicy: Sendable, Equatable {
    public var failures: Int
    public var openSeconds: Double
    public var maxOpenSeconds: Double

    public init(failures: Int = 5, openSeconds: Double = 30, maxOpenSeconds: Double = 300) {
        self.failures = failures
        self.openSeconds = openSeconds
        self.maxOpenSeconds = maxOpenSeconds
    }
}
