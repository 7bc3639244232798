public import Logging
public import OutreachCore

/// Sends messages from a `MessageSource` through gateways, each held to its
/// rate limit, concurrency cap, retry policy and circuit breaker, and
/// reports every message's one final outcome to an `OutcomeSink`.
///
/// One coordinating loop owns all the state (queues, token buckets,
/// breakers) and never blocks: attempts run as child tasks of a task group
/// and their answers, like timer wake-ups, come back to the loop as events.
/// A message ends exactly once — accepted, rejected (never retried) or
/// failed after its retries — and waits, without failing, while its
/// gateway's breaker is open.
public struct Dispatcher: Sendable {
    /// Batch sizes, timing and limits of one run, with defaults.
    public struct Configuration: Sendable {
        /// Messages taken from the source at a time (and the most kept waiting).
        public var batchSize: Int = 256
        /// Outcomes handed to the sink at a time (sooner when the run waits).
        public var outcomeBatchSize: Int = 64
        /// Longest an outcome waits in the buffer before it is handed over, in
        /// seconds. With a durable ledger this bounds what a crash leaves in doubt.
        public var outcomeMaxAge: Double = 0.5
        /// Most often a progress snapshot is published, in clock seconds.
        public var progressInterval: Double = 0.25
        /// Messages expected in all, for the ETA.
        public var expectedTotal: Int?
        public init() {}
    }

    public var lanes: [DispatchLane]
    public var configuration: Configuration
    public var clock: any DispatchClock
    /// Draws the back-off jitter.
    public var random: any RandomNumberGenerator & Sendable
    public var logger: Logger
    /// Picks the gateway for a message (by name); default: the first lane
    /// whose gateway has the message's channel.
    public var route: @Sendable (OutboundMessage) -> String?

    public init(lanes: [DispatchLane], configuration: Configuration = Configuration(),
                clock: any DispatchClock = SystemDispatchClock(),
                random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
                logger: Logger = Logger(label: "outreach.dispatch"),
                route: (@Sendable (OutboundMessage) -> String?)? = nil) {
        self.lanes = lanes
        self.configuration = configuration
        self.clock = clock
        self.random = random
        self.logger = logger
        let byChannel = lanes.map { ($0.gateway.channel, $0.gateway.name) }
        self.route = route ?? { message in byChannel.first { $0.0 == message.channel }?.1 }
    }

    /// Runs until the source is exhausted and every message taken from it
    /// has its final outcome. Throws what the source or sink throws (after
    /// waiting for attempts in flight), or `DispatchCancelled` when the task
    /// is cancelled: attempts in flight are waited for and reported, nothing
    /// new leaves, and the messages still waiting are listed as unfinished.
    /// `stop`, when requested, ends the run gracefully: nothing new leaves, attempts in flight finish, and the
    /// run returns with the rest in `DispatchSummary.unfinishedMessageIDs`.
    @discardableResult
    public func run(source: any MessageSource, sink: any OutcomeSink, stop: DispatchStop? = nil,
                    progress: (@Sendable (DispatchProgress) -> Void)? = nil) async throws -> DispatchSummary {
        // The loop runs where the attempts answer (the first gateway's engine thread, when it has one):
        // an answer resumes it without waking a thread of the global pool.
        if let executor = lanes.lazy.compactMap(\.gateway.preferredExecutor).first {
            return try await withTaskExecutorPreference(executor) {
                var run = DispatchRun(self, progress: progress)
                return try await run.run(source: source, sink: sink, stop: stop)
            }
        }
        var run = DispatchRun(self, progress: progress)
        return try await run.run(source: source, sink: sink, stop: stop)
    }
}

/// Thrown by `Dispatcher.run` when its task is cancelled, with what was
/// done and the messages that never got an outcome (a ledger queues them again).
public struct DispatchCancelled: Error, Sendable {
    public var summary: DispatchSummary
    public var unfinishedMessageIDs: [String]
}

/// One message on its way: where it is in its attempts.
struct PendingMessage: Sendable {
    var message: OutboundMessage
    var lane: Int
    /// Attempts made so far.
    var attempts = 0
    /// When its first attempt left.
    var firstAttempt: Double?
    /// When it may be attempted again.
    var due: Double = 0
    /// When the dispatcher took it from the source: its retry deadline runs from here until a first attempt.
    var takenAt: Double = 0
    /// Order of arrival, to keep retries that fall due together in order.
    var sequence: Int
}

enum DispatchEvent: Sendable {
    case answered(PendingMessage, DeliveryOutcome, trial: Bool)
    case timer(Double)
    case stopRequested
}

/// The mutable state of one `Dispatcher.run`, owned by the coordinating loop.
struct DispatchRun {
    struct Lane {
        let spec: DispatchLane
        let schedule: RetrySchedule
        let latency: GatewayLatency
        var bucket: TokenBucket?
        var breaker: CircuitBreaker
        var fresh: [PendingMessage] = []
        var freshHead = 0
        var retries = RetryQueue()
        var inFlight = 0

        var freshCount: Int { fresh.count - freshHead }
        var waiting: Int { freshCount + retries.count }
        var name: String { spec.gateway.name }

        mutating func popFresh() -> PendingMessage {
            let item = fresh[freshHead]
            freshHead += 1
            if freshHead > 1024, freshHead * 2 > fresh.count {
                fresh.removeFirst(freshHead)
                freshHead = 0
            }
            return item
        }

        /// The earliest time something could leave, when that depends only
        /// on time (nil: nothing waits, or it needs an answer to come back first).
        mutating func nextWake(now: Double) -> Double? {
            guard inFlight < spec.concurrency, waiting > 0 else { return nil }
            var t: Double
            switch breaker.state {
            case .open(let until): t = until
            case .halfOpen(let trialInFlight): if trialInFlight { return nil } else { t = now }
            case .closed: t = now
            }
            let work = freshCount > 0 ? now : retries.earliestDue!
            t = max(t, work)
            if let bucket { t = max(t, bucket.nextToken(now: t)) }
            return t
        }
    }

    let dispatcher: Dispatcher
    let progress: (@Sendable (DispatchProgress) -> Void)?
    var lanes: [Lane]
    var laneByName: [String: Int] = [:]
    var random: any RandomNumberGenerator & Sendable
    let start: Double

    var exhausted = false
    var sequence = 0
    /// Fresh messages already announced to the sink as about to be attempted
    /// (announced a round ahead, so the ledger writes one transaction per
    /// round of the gateways' concurrency rather than one per message).
    var announced: Set<String> = []
    var taken = 0, sent = 0, attempts = 0, accepted = 0, rejected = 0, failed = 0
    var finishedBuffer: [DeliveryOutcome] = []
    var oldestBuffered: Double?
    var rejectedReasons = ReasonTally()
    var failedReasons = ReasonTally()
    var lastProgress = -Double.infinity
    var rateSamples: [(time: Double, finished: Int)] = []
    /// Deadlines of timer tasks still sleeping.
    var timers: [Double] = []
    /// Messages given back unsent from behind an open breaker.
    var givenBack: [String] = []

    init(_ dispatcher: Dispatcher, progress: (@Sendable (DispatchProgress) -> Void)?) {
        self.dispatcher = dispatcher
        self.progress = progress
        self.random = dispatcher.random
        let now = dispatcher.clock.now
        start = now
        lanes = dispatcher.lanes.map { spec in
            Lane(spec: spec, schedule: RetrySchedule(spec.retry), latency: GatewayLatency(gateway: spec.gateway.name), bucket: spec.rate.map { TokenBucket($0, now: now) },
                 breaker: CircuitBreaker(spec.breaker))
        }
        for (i, lane) in lanes.enumerated() where laneByName[lane.name] == nil { laneByName[lane.name] = i }
    }

    var inFlight: Int { lanes.reduce(0) { $0 + $1.inFlight } }
    var waiting: Int { lanes.reduce(0) { $0 + $1.waiting } }
    var retrying: Int { lanes.reduce(0) { $0 + $1.retries.count } }
    var freshWaiting: Int { lanes.reduce(0) { $0 + $1.freshCount } }
    var now: Double { dispatcher.clock.now }

    mutating func run(source: any MessageSource, sink: any OutcomeSink, stop: DispatchStop?) async throws -> DispatchSummary {
        let clock = dispatcher.clock
        let batchSize = max(1, dispatcher.configuration.batchSize)
        var cancelled = false
        var failure: (any Error)?

        try await withThrowingTaskGroup(of: DispatchEvent.self) { group in
            if let stop {
                group.addTask {
                    await stop.wait()
                    return .stopRequested
                }
            }
            while true {
                if Task.isCancelled { cancelled = true }
                let stopping = cancelled || failure != nil || stop?.isRequested == true
                if !stopping { expireBehindOpenBreakers() }

                if !stopping && !exhausted && freshWaiting < batchSize {
                    do {
                        let batch = try await source.next(max: batchSize)
                        if batch.isEmpty {
                            exhausted = true
                        } else {
                            try await sink.willSend(batch)
                            enqueue(batch)
                        }
                    } catch {
                        failure = error
                    }
                    continue
                }
                if !stopping {
                    do {
                        try await launch(into: &group, sink: sink)
                    } catch {
                        failure = error
                        continue
                    }
                }
                if inFlight == 0 && (stopping || (exhausted && waiting == 0)) { break }

                if inFlight == 0 || finishedBuffer.count >= dispatcher.configuration.outcomeBatchSize
                    || (oldestBuffered.map { now - $0 >= dispatcher.configuration.outcomeMaxAge } ?? false) {
                    if let error = await flush(sink) { failure = failure ?? error }
                }
                publishProgress(force: false)

                if !stopping {
                    let current = now
                    var wake: Double?
                    for i in lanes.indices {
                        if let t = lanes[i].nextWake(now: current) { wake = min(wake ?? t, t) }
                        if let t = expiryWake(lane: i) { wake = min(wake ?? t, t) }
                    }
                    if let wake, !timers.contains(where: { $0 <= wake }) {
                        timers.append(wake)
                        group.addTask {
                            try? await clock.sleep(until: wake)
                            return .timer(wake)
                        }
                    }
                    if inFlight == 0 && wake == nil {
                        // Cannot happen: waiting messages always have a time to wake.
                        dispatcher.logger.error("dispatcher stalled with \(waiting) message(s) waiting")
                        break
                    }
                }
                guard let event = try await group.next() else { break }
                handle(event)
            }
            group.cancelAll()
        }
        if let error = await flush(sink) { failure = failure ?? error }
        publishProgress(force: true)
        if let failure { throw failure }
        if cancelled { throw DispatchCancelled(summary: summary, unfinishedMessageIDs: unfinishedIDs) }
        return summary
    }

    /// Messages taken but not finished (after a stop or a cancellation, or given back from behind an open breaker).
    var unfinishedIDs: [String] {
        givenBack + lanes.flatMap { lane in lane.fresh[lane.freshHead...].map(\.message.id) + lane.retries.items.map(\.message.id) }
    }

    /// When the first message waiting behind lane `i`'s open breaker reaches its retry deadline.
    func expiryWake(lane i: Int) -> Double? {
        // Only while the breaker holds everything back: with a trial in flight its answer wakes the loop.
        guard case .open = lanes[i].breaker.state, lanes[i].waiting > 0 else { return nil }
        let deadline = lanes[i].schedule.policy.deadlineSeconds
        var first: Double?
        if lanes[i].freshCount > 0 { first = lanes[i].fresh[lanes[i].freshHead].takenAt }
        for item in lanes[i].retries.items {
            let start = item.firstAttempt ?? item.takenAt
            first = min(first ?? start, start)
        }
        return first.map { $0 + deadline }
    }

    /// The retry deadline holds whatever the circuit breaker does: behind an open breaker, a message
    /// retried past its deadline gives up (failed), and one never attempted is given back unsent (it
    /// goes to `unfinishedIDs`, for the next run), so a run ends in bounded time against a gateway that
    /// stays down.
    mutating func expireBehindOpenBreakers() {
        let current = now
        for i in lanes.indices where lanes[i].breaker.isOpen && lanes[i].waiting > 0 {
            let deadline = lanes[i].schedule.policy.deadlineSeconds
            while lanes[i].freshCount > 0, current - lanes[i].fresh[lanes[i].freshHead].takenAt >= deadline {
                givenBack.append(lanes[i].popFresh().message.id)
            }
            let expired = lanes[i].retries.removeAll { current - ($0.firstAttempt ?? $0.takenAt) >= deadline }
            for item in expired {
                finish(DeliveryOutcome(messageID: item.message.id, kind: .retryable,
                                       detail: "gave up: the gateway's circuit breaker stayed open past the \(RetrySchedule.format(deadline)) retry deadline",
                                       attempts: item.attempts))
            }
        }
    }

    mutating func enqueue(_ batch: [OutboundMessage]) {
        taken += batch.count
        for message in batch {
            sequence += 1
            guard let name = dispatcher.route(message), let lane = laneByName[name] else {
                let outcome = DeliveryOutcome(messageID: message.id, kind: .rejected,
                                              detail: "no gateway for \(message.channel.rawValue) messages", attempts: 0)
                finish(outcome)
                continue
            }
            lanes[lane].fresh.append(PendingMessage(message: message, lane: lane, due: now, takenAt: now, sequence: sequence))
        }
    }

    /// One attempt about to leave.
    struct Launch {
        var gateway: any MessageGateway
        var item: PendingMessage
        var trial: Bool
    }

    /// Takes every attempt that may leave now (concurrency, breaker, rate)
    /// and counts it as in flight.
    mutating func takeLaunchable() -> [Launch] {
        let current = now
        var launches: [Launch] = []
        for i in lanes.indices {
            while lanes[i].inFlight < lanes[i].spec.concurrency, lanes[i].waiting > 0 {
                let hasFresh = lanes[i].freshCount > 0
                let retryDue = lanes[i].retries.earliestDue.map { $0 <= current } ?? false
                guard retryDue || hasFresh else { break }
                guard lanes[i].breaker.allows(now: current) else { break }
                if lanes[i].bucket != nil, !lanes[i].bucket!.take(now: current) { break }
                var item = retryDue ? lanes[i].retries.pop() : lanes[i].popFresh()
                let trial = lanes[i].breaker.didStart()
                lanes[i].inFlight += 1
                item.attempts += 1
                attempts += 1
                if item.firstAttempt == nil {
                    item.firstAttempt = current
                    sent += 1
                }
                launches.append(Launch(gateway: lanes[i].spec.gateway, item: item, trial: trial))
            }
        }
        return launches
    }

    /// Tells the sink which messages are about to make their first attempt
    /// (the ledger writes it before anything leaves) — these and, in the same
    /// call, the next round's — then starts them. If
    /// the sink cannot record it, nothing is started: the run fails and
    /// those messages were never attempted.
    mutating func launch(into group: inout ThrowingTaskGroup<DispatchEvent, any Error>, sink: any OutcomeSink) async throws {
        let launches = takeLaunchable()
        guard !launches.isEmpty else { return }
        let first = launches.filter { $0.item.attempts == 1 }.map(\.item.message.id)
        let unannounced = first.filter { !announced.contains($0) }
        if !unannounced.isEmpty {
            // Announce these and the next round's fresh messages together.
            let ahead = lanes.reduce(0) { $0 + $1.spec.concurrency }
            var upcoming: [String] = []
            for lane in lanes where upcoming.count < ahead {
                for pending in lane.fresh[lane.freshHead...].prefix(ahead - upcoming.count)
                where !announced.contains(pending.message.id) {
                    upcoming.append(pending.message.id)
                }
            }
            do {
                try await sink.willAttempt(unannounced + upcoming)
            } catch {
                for launch in launches { lanes[launch.item.lane].inFlight -= 1 }
                throw error
            }
            announced.formUnion(upcoming)
        }
        for id in first { announced.remove(id) }
        for launch in launches {
            let (gateway, attempt, trial) = (launch.gateway, launch.item, launch.trial)
            let latency = lanes[attempt.lane].latency
            // On the gateway's own executor when it has one (an HTTP
            // gateway's libcurl engine thread): no thread hop per attempt.
            group.addTask(executorPreference: gateway.preferredExecutor) {
                let started = ContinuousClock.now
                let outcome = await gateway.send(attempt.message, attempt: attempt.attempts)
                latency.record(outcome.kind, ContinuousClock.now - started)
                return .answered(attempt, outcome, trial: trial)
            }
        }
    }

    mutating func handle(_ event: DispatchEvent) {
        switch event {
        case .timer(let deadline):
            if let i = timers.firstIndex(of: deadline) { timers.remove(at: i) }
        case .stopRequested:
            break   // the loop reads the request
        case .answered(var item, var outcome, let trial):
            let current = now
            let i = item.lane
            lanes[i].inFlight -= 1
            outcome.messageID = item.message.id
            outcome.attempts = item.attempts
            let wasOpen = lanes[i].breaker.isOpen
            switch outcome.kind {
            case .accepted, .rejected:
                lanes[i].breaker.recordSuccess(trial: trial)
                finish(outcome)
            case .retryable:
                lanes[i].breaker.recordFailure(trial: trial, now: current)
                let delay = lanes[i].schedule.delay(afterAttempt: item.attempts, jitter: drawJitter(),
                                                    retryAfter: outcome.retryAfterSeconds)
                let retryAt = current + delay
                if let reason = lanes[i].schedule.giveUp(attempts: item.attempts, firstAttempt: item.firstAttempt ?? current,
                                                         retryAt: retryAt) {
                    outcome.detail = outcome.detail.isEmpty ? reason : "\(outcome.detail) (\(reason))"
                    finish(outcome)
                } else {
                    item.due = retryAt
                    lanes[i].retries.push(item)
                }
            }
            let isOpen = lanes[i].breaker.isOpen
            if isOpen && !wasOpen, let until = lanes[i].breaker.reopensAt {
                dispatcher.logger.warning("circuit breaker open", metadata: [
                    "gateway": "\(lanes[i].name)", "until_seconds": "\(until - start)"])
            } else if wasOpen && !isOpen {
                dispatcher.logger.info("circuit breaker closed", metadata: ["gateway": "\(lanes[i].name)"])
            }
        }
    }

    mutating func finish(_ outcome: DeliveryOutcome) {
        switch outcome.kind {
        case .accepted: accepted += 1
        case .rejected:
            rejected += 1
            rejectedReasons.add(Self.reason(outcome), id: outcome.messageID)
        case .retryable:
            failed += 1
            failedReasons.add(Self.reason(outcome), id: outcome.messageID)
        }
        if finishedBuffer.isEmpty { oldestBuffered = now }
        finishedBuffer.append(outcome)
    }

    /// How a final outcome is counted in the summary: the status and the
    /// answer's first line, shortened (the give-up note left out so that
    /// "HTTP 503" counts as one reason whatever the attempt count).
    static func reason(_ outcome: DeliveryOutcome) -> String {
        var detail = outcome.detail
        if let cut = detail.firstRange(of: " (gave up") { detail = String(detail[..<cut.lowerBound]) }
        if let newline = detail.firstIndex(where: \.isNewline) { detail = String(detail[..<newline]) }
        if detail.count > 80 { detail = String(detail.prefix(77)) + "…" }
        if let status = outcome.status, !detail.hasPrefix(String(status)) { return "\(status) \(detail)" }
        return detail.isEmpty ? "no detail" : detail
    }

    mutating func flush(_ sink: any OutcomeSink) async -> (any Error)? {
        guard !finishedBuffer.isEmpty else { return nil }
        let outcomes = finishedBuffer
        finishedBuffer.removeAll(keepingCapacity: true)
        oldestBuffered = nil
        do {
            try await sink.didFinish(outcomes)
            return nil
        } catch {
            return error
        }
    }

    mutating func drawJitter() -> Double {
        Double(random.next() >> 11) * 0x1p-53
    }

    mutating func publishProgress(force: Bool) {
        guard let progress else { return }
        let current = now
        guard force || current - lastProgress >= dispatcher.configuration.progressInterval else { return }
        lastProgress = current
        progress(snapshot(at: current))
    }

    mutating func snapshot(at current: Double) -> DispatchProgress {
        let finished = accepted + rejected + failed
        rateSamples.append((current, finished))
        if let cut = rateSamples.firstIndex(where: { current - $0.time <= 10 }), cut > 0 {
            rateSamples.removeFirst(cut)
        }
        let elapsed = current - start
        var rate = elapsed > 0 ? Double(finished) / elapsed : 0
        if let oldest = rateSamples.first, current - oldest.time >= 1 {
            rate = Double(finished - oldest.finished) / (current - oldest.time)
        }
        var eta: Double?
        if let total = dispatcher.configuration.expectedTotal {
            let left = max(0, total - finished)
            eta = left == 0 ? 0 : (rate > 0 ? Double(left) / rate : nil)
        }
        return DispatchProgress(
            elapsedSeconds: elapsed, total: dispatcher.configuration.expectedTotal, taken: taken, sent: sent,
            attempts: attempts, inFlight: inFlight, accepted: accepted, rejected: rejected, failed: failed,
            retrying: retrying, ratePerSecond: rate, etaSeconds: eta,
            openBreakers: lanes.filter { $0.breaker.isOpen }.map(\.name))
    }

    var summary: DispatchSummary {
        DispatchSummary(
            messages: taken, accepted: accepted, rejected: rejected, failed: failed,
            unfinished: taken - accepted - rejected - failed, attempts: attempts, elapsedSeconds: now - start,
            rejectedByReason: rejectedReasons.reasons, failedByReason: failedReasons.reasons,
            breakerOpenings: Dictionary(lanes.map { ($0.name, $0.breaker.openings) }, uniquingKeysWith: +),
            unfinishedMessageIDs: unfinishedIDs)
    }
}

/// Retries waiting for their time: a binary heap on (due, arrival order).
struct RetryQueue {
    private var heap: [PendingMessage] = []

    var count: Int { heap.count }
    /// In no particular order.
    var items: [PendingMessage] { heap }
    var earliestDue: Double? { heap.first?.due }

    /// Removes and returns the items matching `predicate`.
    mutating func removeAll(where predicate: (PendingMessage) -> Bool) -> [PendingMessage] {
        guard heap.contains(where: predicate) else { return [] }
        let removed = heap.filter(predicate)
        let kept = heap.filter { !predicate($0) }
        heap = []
        for item in kept { push(item) }
        return removed
    }

    private static func before(_ a: PendingMessage, _ b: PendingMessage) -> Bool {
        a.due != b.due ? a.due < b.due : a.sequence < b.sequence
    }

    mutating func push(_ item: PendingMessage) {
        heap.append(item)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.before(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> PendingMessage {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var best = parent
                if left < heap.count, Self.before(heap[left], heap[best]) { best = left }
                if right < heap.count, Self.before(heap[right], heap[best]) { best = right }
                if best == parent { break }
                heap.swapAt(parent, best)
                parent = best
            }
        }
        return top
    }
}

/// Counts reasons with a few example message ids each.
struct ReasonTally {
    private var order: [String] = []
    private var entries: [String: (count: Int, examples: [String])] = [:]

    mutating func add(_ reason: String, id: String) {
        if var entry = entries[reason] {
            entry.count += 1
            if entry.examples.count < 3 { entry.examples.append(id) }
            entries[reason] = entry
        } else {
            order.append(reason)
            entries[reason] = (1, [id])
        }
    }

    var reasons: [DispatchSummary.Reason] {
        order.enumerated().map { index, reason in
            (index, DispatchSummary.Reason(reason: reason, count: entries[reason]!.count, examples: entries[reason]!.examples))
        }
        .sorted { $0.1.count != $1.1.count ? $0.1.count > $1.1.count : $0.0 < $1.0 }
        .map(\.1)
    }
}
