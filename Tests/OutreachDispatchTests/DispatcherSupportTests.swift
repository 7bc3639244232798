import OutreachCore
@testable import OutreachDispatch
import Synchronization
import Testing

// Test doubles for the dispatcher. The gateway here is fault injection: it
// answers 429 with Retry-After, 5xx, rejections and hangs on a script, on
// demand and in virtual time, which no real gateway can be made to do
// deterministically. The real gateways are tested against real servers in
// their own suites.

/// Virtual time: sleeping moves the clock to the deadline at once, so hours of back-off take microseconds —
/// but never past an earlier sleeper's deadline. Each sleeper registers its deadline, lets other tasks run, and
/// only the earliest one moves the clock (after it has stayed the earliest for a few yields, so a lane about
/// to sleep to an earlier instant registers first). Without that, one lane's long sleep (a breaker's cool-down)
/// moved the clock past another lane's next send, and times seen by the gateways depended on thread scheduling.
final class VirtualClock: DispatchClock {
    private struct State {
        var time: Double = 0
        var sleepers: [Int: Double] = [:]
        var nextID = 0
    }
    private let state = Mutex(State())
    /// Yields a sleeper stays the earliest before it moves the clock.
    private let settleYields = 8

    var now: Double { state.withLock { $0.time } }

    func sleep(until deadline: Double) async throws {
        try Task.checkCancellation()
        let id = state.withLock { s in
            s.nextID += 1
            s.sleepers[s.nextID] = deadline
            return s.nextID
        }
        defer { state.withLock { _ = $0.sleepers.removeValue(forKey: id) } }
        var earliestFor = 0
        while true {
            await Task.yield()
            try Task.checkCancellation()
            let woken = state.withLock { s -> Bool in
                if s.time >= deadline { return true }
                // The earliest deadline (ties: the first registered) moves the clock once it has settled.
                let first = s.sleepers.min { a, b in a.value < b.value || (a.value == b.value && a.key < b.key) }
                guard first?.key == id else {
                    earliestFor = 0
                    return false
                }
                earliestFor += 1
                guard earliestFor >= settleYields else { return false }
                s.time = max(s.time, deadline)
                return true
            }
            if woken { return }
        }
    }
}

/// Always the same draw: `.max` gives jitter ≈ 1 (the back-off ceiling), 0 gives no back-off.
struct FixedRandom: RandomNumberGenerator, Sendable {
    var value: UInt64
    mutating func next() -> UInt64 { value }
}

/// SplitMix64, for reproducible "random" faults and jitter.
struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One attempt the gateway saw.
struct Call: Sendable, Equatable {
    var messageID: String
    var attempt: Int
    var time: Double
}

/// A scripted gateway (fault injection, see above): `script` decides each
/// attempt's answer from the message, the attempt number and the virtual time.
final class ScriptedGateway: MessageGateway {
    let name: String
    let channel: Channel
    let clock: VirtualClock
    /// Yields while "in flight", so attempts overlap and the concurrency cap is exercised.
    let holdYields: Int
    let script: @Sendable (OutboundMessage, Int, Double) -> DeliveryOutcome
    let journal: Journal?
    private let state = Mutex<(calls: [Call], inFlight: Int, maxInFlight: Int)>(([], 0, 0))

    init(name: String = "g", channel: Channel = .sms, clock: VirtualClock, holdYields: Int = 0, journal: Journal? = nil,
         script: @escaping @Sendable (OutboundMessage, Int, Double) -> DeliveryOutcome) {
        self.name = name
        self.channel = channel
        self.clock = clock
        self.holdYields = holdYields
        self.journal = journal
        self.script = script
    }

    func send(_ message: OutboundMessage, attempt: Int) async -> DeliveryOutcome {
        let now = clock.now
        journal?.append(.attempt(message.id, attempt))
        state.withLock {
            $0.calls.append(Call(messageID: message.id, attempt: attempt, time: now))
            $0.inFlight += 1
            $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
        }
        for _ in 0..<holdYields { await Task.yield() }
        state.withLock { $0.inFlight -= 1 }
        return script(message, attempt, now)
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    static func accepted(_ m: OutboundMessage) -> DeliveryOutcome {
        DeliveryOutcome(messageID: m.id, kind: .accepted, status: 202, detail: "Accepted for delivery")
    }
    static func unavailable(_ m: OutboundMessage, retryAfter: Double? = nil) -> DeliveryOutcome {
        DeliveryOutcome(messageID: m.id, kind: .retryable, status: retryAfter == nil ? 503 : 429,
                        detail: retryAfter == nil ? "Service Unavailable" : "Too Many Requests", retryAfterSeconds: retryAfter)
    }
    static func rejected(_ m: OutboundMessage) -> DeliveryOutcome {
        DeliveryOutcome(messageID: m.id, kind: .rejected, status: 400, detail: "invalid number")
    }
}

/// What happened, in order, across source, sink and gateway.
final class Journal: Sendable {
    enum Entry: Sendable, Equatable {
        case willSend(String)
        case attempt(String, Int)
        case finished(String)
    }
    private let entries = Mutex<[Entry]>([])
    func append(_ e: Entry) { entries.withLock { $0.append(e) } }
    var all: [Entry] { entries.withLock { $0 } }
}

/// Hands out messages from an array, `max` at a time.
final class ArraySource: MessageSource {
    private let queue: Mutex<ArraySlice<OutboundMessage>>
    init(_ messages: [OutboundMessage]) { queue = Mutex(messages[...]) }
    func next(max: Int) async throws -> [OutboundMessage] {
        queue.withLock { q in
            let batch = Array(q.prefix(max))
            q = q.dropFirst(batch.count)
            return batch
        }
    }
}

/// Keeps everything it is told.
final class CollectingSink: OutcomeSink {
    let journal: Journal?
    private let state = Mutex<(willSend: [String], outcomes: [DeliveryOutcome], calls: Int)>(([], [], 0))
    init(journal: Journal? = nil) { self.journal = journal }

    func willSend(_ messages: [OutboundMessage]) async throws {
        for m in messages { journal?.append(.willSend(m.id)) }
        state.withLock { $0.willSend += messages.map(\.id) }
    }

    func didFinish(_ outcomes: [DeliveryOutcome]) async throws {
        for o in outcomes { journal?.append(.finished(o.messageID)) }
        state.withLock {
            $0.outcomes += outcomes
            $0.calls += 1
        }
    }

    var willSendIDs: [String] { state.withLock { $0.willSend } }
    var outcomes: [DeliveryOutcome] { state.withLock { $0.outcomes } }
    func outcome(_ id: String) -> DeliveryOutcome? { outcomes.first { $0.messageID == id } }
}

func messages(_ count: Int, channel: Channel = .sms) -> [OutboundMessage] {
    (0..<count).map { i in
        OutboundMessage(id: "c/o/\(i)", channel: channel, recipientID: "\(i)",
                        to: channel == .sms ? "+96655\(String(1_000_000 + i))" : "p\(i)@example.sa", text: "رسالة \(i)")
    }
}

/// A dispatcher on virtual time with one lane.
func dispatcher(_ gateway: ScriptedGateway, rate: RateLimit? = nil, concurrency: Int = 1,
                retry: RetryPolicy = RetryPolicy(), breaker: CircuitBreaker.Policy = CircuitBreaker.Policy(threshold: 1000),
                random: any RandomNumberGenerator & Sendable = FixedRandom(value: .max),
                batchSize: Int = 64) -> Dispatcher {
    var configuration = Dispatcher.Configuration()
    configuration.batchSize = batchSize
    return Dispatcher(lanes: [DispatchLane(gateway: gateway, rate: rate, concurrency: concurrency, retry: retry, breaker: breaker)],
                      configuration: configuration, clock: gateway.clock, random: random)
}
