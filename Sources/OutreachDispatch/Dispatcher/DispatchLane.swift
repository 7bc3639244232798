public import OutreachCore

/// One gateway as the dispatcher drives it: the gateway itself and the
/// limits it is held to (rate, concurrency, retries, circuit breaker).
public struct DispatchLane: Sendable {
    public var gateway: any MessageGateway
    /// Smooth rate limit; nil is unlimited.
    public var rate: RateLimit?
    /// Attempts in flight at once, at least 1.
    public var concurrency: Int
    public var retry: RetryPolicy
    public var breaker: CircuitBreaker.Policy

    public init(gateway: any MessageGateway, rate: RateLimit? = nil, concurrency: Int = 8,
                retry: RetryPolicy = RetryPolicy(), breaker: CircuitBreaker.Policy = CircuitBreaker.Policy()) {
        self.gateway = gateway
        self.rate = rate
        self.concurrency = max(1, concurrency)
        self.retry = retry
        self.breaker = breaker
    }

    /// The limits a project's `gateways.yaml` gives the gateway (its
    /// `breaker:` unless `breaker` is given).
    public init(gateway: any MessageGateway, configuration: GatewayConfiguration,
                breaker: CircuitBreaker.Policy? = nil) {
        let configured = configuration.breaker
        self.init(gateway: gateway, rate: configuration.rate, concurrency: configuration.concurrency,
                  retry: configuration.retry,
                  breaker: breaker ?? CircuitBreaker.Policy(threshold: configured.failures,
                                                            coolDownSeconds: configured.openSeconds,
                                                            maxCoolDownSeconds: configured.maxOpenSeconds))
    }
}
