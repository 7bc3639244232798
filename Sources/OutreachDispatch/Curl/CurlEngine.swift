import CCurl
import Foundation
import Glibc
import Logging
import Synchronization

/// The loop behind `CurlHTTPTransport`: one curl multi handle driven by one
/// dedicated thread.
///
/// Other threads only touch `inbox` (behind a `Mutex`) and call
/// `multi.wakeup()`, which libcurl allows from any thread. Everything else —
/// the easy handles, the per-host queues — belongs to the engine thread,
/// which is why the class is `@unchecked Sendable`.
///
/// The engine is also a `TaskExecutor`: a task that prefers it (the
/// dispatcher runs each attempt so) runs on the engine thread between two
/// rounds of libcurl work. Such a task builds its request, hands it over
/// and, when the answer comes, is resumed on the same thread — no thread
/// is woken and nothing changes hands across cores, as in a single-threaded
/// event loop. Tasks that do not prefer it work as before.
final class CurlEngine: CurlWorker, @unchecked Sendable {
    struct Limits: Sendable {
        var transfersPerHost: Int
        var userAgent: String
        var maxBodyBytes: Int
        var caBundlePath: String?
        var idleHandles: Int
    }

    private struct Inbox {
        /// Jobs of tasks that prefer this engine as their executor.
        var jobs: [UnownedJob] = []
        var submissions: [CurlSubmission] = []
        var cancellations: [UInt64] = []
        var stopping = false
        var nextID: UInt64 = 1
        /// The engine thread is in (or about to enter) `curl_multi_poll`.
        var polling = false
        /// A wakeup was already sent for this poll: one is enough.
        var wakeSent = false

        /// Whether a submitter must wake the engine: only when it sleeps in
        /// poll and nobody woke it yet (a wakeup is a syscall; at thousands of
        /// requests a second they add up).
        mutating func needsWakeup() -> Bool {
            guard polling, !wakeSent else { return false }
            wakeSent = true
            return true
        }
    }

    private let inbox = Mutex(Inbox())
    /// Requests handed to this engine and not yet answered (kept by the
    /// transport, which sends a request to the least busy engine).
    let outstanding = Atomic<Int>(0)
    var load: Int { outstanding.load(ordering: .relaxed) }
    /// Its share of a host's connections (times streams): what it runs at once for one gateway.
    var capacity: Int { limits.transfersPerHost }
    private let multi: CurlMultiHandle
    private let limits: Limits
    private let logger: Logger
    /// Signalled when the thread has left its loop (the synchronous `shutdown`'s join).
    private let finished = DispatchSemaphore(value: 0)
    /// Whether the thread has left its loop, and the tasks `stop()` resumes when it does.
    private let exit = Mutex<(started: Bool, done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, false, []))
    private let joined = Mutex(false)
    /// The engine thread, so `shutdown` called from it does not wait for itself.
    private let engineThread = Mutex<pthread_t?>(nil)
    /// The engine thread's id (0 until it starts), readable without a lock.
    private let threadID = Atomic<UInt>(0)

    // MARK: Engine-thread state
    private var waiting: [String: CurlFIFO<CurlSubmission>] = [:]
    private var activeByHost: [String: Int] = [:]
    private var active: [UnsafeMutableRawPointer: CurlEasyHandle] = [:]
    private var activeByID: [UInt64: CurlEasyHandle] = [:]
    private var idle: [CurlEasyHandle] = []
    /// Answers of this round, handed over once the round's work is done.
    private var answered: [(CurlSubmission, Result<HTTPResponse, TransportError>)] = []
    /// Cancellations that arrived before their submission did.
    private var earlyCancellations: Set<UInt64> = []

    private let handleDefaults: CurlEasyHandle.Defaults

    init(multi: CurlMultiHandle, limits: Limits, logger: Logger) {
        self.multi = multi
        self.limits = limits
        handleDefaults = CurlEasyHandle.Defaults(userAgent: limits.userAgent, maxBodyBytes: limits.maxBodyBytes,
                                                 caBundlePath: limits.caBundlePath)
        self.logger = logger
    }

    func start(name: String = "outreach-curl") {
        exit.withLock { $0.started = true }
        let thread = Thread { [self] in
            Thread.current.name = name // also names the OS thread (top, perf)
            engineThread.withLock { $0 = pthread_self() }
            threadID.store(UInt(pthread_self()), ordering: .releasing)
            run()
            let waiters = exit.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.done = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
            finished.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    // MARK: Any thread

    /// Whether the caller runs on this engine's thread (a task preferring it).
    var isCurrentThread: Bool {
        threadID.load(ordering: .acquiring) == UInt(pthread_self())
    }

    func makeID() -> UInt64 {
        inbox.withLock { box in
            defer { box.nextID += 1 }
            return box.nextID
        }
    }

    func submit(_ submission: CurlSubmission) {
        let (accepted, wake) = inbox.withLock { box -> (Bool, Bool) in
            guard !box.stopping else { return (false, false) }
            box.submissions.append(submission)
            return (true, box.needsWakeup())
        }
        if !accepted {
            submission.resume(.failure(Self.shutDownError))
        } else if wake {
            multi.wakeup()
        }
    }

    /// `TaskExecutor`: runs the job on the engine thread (from the engine
    /// thread itself, without waking anything). After shutdown, jobs go to
    /// the global executor, so no task is ever stranded.
    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let (accepted, wake) = inbox.withLock { box -> (Bool, Bool) in
            guard !box.stopping else { return (false, false) }
            box.jobs.append(unowned)
            return (true, box.needsWakeup())
        }
        if !accepted {
            globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        } else if wake {
            multi.wakeup()
        }
    }

    func cancel(_ id: UInt64) {
        inbox.withLock { $0.cancellations.append(id) }
        multi.wakeup()
    }

    /// Fails whatever is queued or in flight, stops the thread and waits for
    /// it, blocking the calling thread (synchronous callers only). Idempotent.
    func shutdown() {
        let first = joined.withLock { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        requestStop()
        if onOwnThread { return }
        finished.wait()
    }

    /// Asks the thread to fail what is queued or in flight and leave its loop, without waiting: what `deinit`
    /// calls (the thread holds the engine until it has left). Idempotent.
    func requestStop() {
        inbox.withLock { $0.stopping = true }
        multi.wakeup()
    }

    /// `shutdown()` for tasks: returns once the thread has left its loop, without blocking a thread.
    func stop() async {
        requestStop()
        // Called from the engine thread itself: the loop ends by itself once this returns.
        if onOwnThread { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = exit.withLock { state -> Bool in
                if state.done || !state.started { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Released on our own thread: the loop ends by itself on return.
    private var onOwnThread: Bool {
        if let engine = engineThread.withLock({ $0 }), pthread_equal(engine, pthread_self()) != 0 { return true }
        return false
    }

    static let shutDownError = TransportError(kind: .other, detail: "the HTTP transport was shut down")
    static let cancelledError = TransportError(kind: .other, detail: "cancelled")

    // MARK: Engine thread

    private func run() {
        let executor = asUnownedTaskExecutor()
        while true {
            var (jobs, stopping) = takeInbox()
            if stopping {
                failEverything()
                forwardJobs(jobs)
                return
            }
            if !jobs.isEmpty {
                // Tasks running here: they hand over requests (and finish
                // what the last answers started) without waking anyone.
                for job in jobs { job.runSynchronously(on: executor) }
                (jobs, stopping) = takeInbox()
                if stopping || !jobs.isEmpty {
                    // Run next round (a job that resumed another, or shutdown).
                    inbox.withLock { $0.jobs.insert(contentsOf: jobs, at: 0) }
                }
            }
            multi.perform()
            let completed = multi.completed()
            if !completed.isEmpty {
                for done in completed { complete(done.handle, done.result) }
                // Put the transfers that took the freed connections on the
                // wire before waking the callers.
                multi.perform()
                resumeAnswered()
            }
            // Sleep only when nothing arrived meanwhile; submitters see
            // `polling` and wake us. curl_multi_poll also honours libcurl's
            // own timers (timeouts), so one second is only an upper bound.
            let idle = inbox.withLock { box -> Bool in
                guard box.jobs.isEmpty, box.submissions.isEmpty, box.cancellations.isEmpty, !box.stopping else {
                    return false
                }
                box.polling = true
                return true
            }
            if idle {
                multi.poll(timeoutMilliseconds: 1000)
                inbox.withLock { box in
                    box.polling = false
                    box.wakeSent = false
                }
            }
        }
    }

    /// Takes what other threads (and this thread's tasks) left in the inbox:
    /// starts the submissions, applies the cancellations, returns the jobs.
    private func takeInbox() -> (jobs: [UnownedJob], stopping: Bool) {
        let (jobs, submissions, cancellations, stopping) = inbox.withLock { box in
            defer {
                box.jobs = []
                box.submissions = []
                box.cancellations = []
            }
            return (box.jobs, box.submissions, box.cancellations, box.stopping)
        }
        for submission in submissions {
            if earlyCancellations.remove(submission.id) != nil {
                submission.resume(.failure(Self.cancelledError))
            } else {
                enqueue(submission)
            }
        }
        for id in cancellations { cancelOnThread(id) }
        return (jobs, stopping)
    }

    /// After shutdown: jobs left here run on the global executor.
    private func forwardJobs(_ jobs: [UnownedJob]) {
        let late = inbox.withLock { box in
            defer { box.jobs = [] }
            return box.jobs
        }
        for job in jobs + late { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }

    private func enqueue(_ submission: CurlSubmission) {
        if activeByHost[submission.hostKey, default: 0] < limits.transfersPerHost {
            begin(submission)
        } else {
            // Queued here, not in libcurl: CURLOPT_TIMEOUT_MS would count the
            // time spent waiting for a free connection.
            waiting[submission.hostKey, default: CurlFIFO()].push(submission)
        }
    }

    private func begin(_ submission: CurlSubmission) {
        guard let easy = idle.popLast() ?? CurlEasyHandle() else {
            submission.resume(.failure(TransportError(kind: .other, detail: "libcurl could not create a handle")))
            return
        }
        if let error = easy.configure(for: submission.request, defaults: handleDefaults) {
            recycle(easy)
            submission.resume(.failure(SecretMask(submission.request.secrets).apply(error)))
            return
        }
        easy.submission = submission
        let code = multi.add(easy)
        guard code == CURLM_OK else {
            recycle(easy)
            let text = String(cString: curl_multi_strerror(code))
            submission.resume(.failure(TransportError(kind: .other, detail: "libcurl multi: \(text)")))
            return
        }
        active[easy.raw] = easy
        activeByID[submission.id] = easy
        activeByHost[submission.hostKey, default: 0] += 1
    }

    private func complete(_ raw: UnsafeMutableRawPointer, _ result: CURLcode) {
        guard let easy = active[raw], let submission = easy.submission else { return }
        let outcome: Result<HTTPResponse, TransportError>
        if result == CURLE_OK {
            outcome = .success(easy.response())
        } else {
            // Built here, on the failure path only: transport errors are rare next to answers.
            let error = SecretMask(submission.request.secrets).apply(CurlErrorMapping.error(for: result, message: easy.errorMessage,
                                                                                                requestSent: easy.requestSent))
            logger.debug("transfer failed", metadata: [
                "kind": "\(error.kind.rawValue)",
                "curl_code": "\(result.rawValue)",
            ])
            outcome = .failure(error)
        }
        finish(easy, submission)
        answered.append((submission, outcome))
    }

    /// Hands the answers of one round to their callers together.
    private func resumeAnswered() {
        for (submission, outcome) in answered { submission.resume(outcome) }
        answered.removeAll(keepingCapacity: true)
    }

    /// Takes a finished or cancelled transfer off the multi handle and lets
    /// the next one for its host start.
    private func finish(_ easy: CurlEasyHandle, _ submission: CurlSubmission) {
        multi.remove(easy)
        active[easy.raw] = nil
        activeByID[submission.id] = nil
        let host = submission.hostKey
        let remaining = activeByHost[host, default: 1] - 1
        activeByHost[host] = remaining > 0 ? remaining : nil
        recycle(easy)
        while activeByHost[host, default: 0] < limits.transfersPerHost, let next = waiting[host]?.pop() {
            begin(next)
        }
        if waiting[host]?.isEmpty == true { waiting[host] = nil }
    }

    private func recycle(_ easy: CurlEasyHandle) {
        easy.reset()
        if idle.count < limits.idleHandles { idle.append(easy) }
    }

    private func cancelOnThread(_ id: UInt64) {
        if let easy = activeByID[id], let submission = easy.submission {
            finish(easy, submission)
            submission.resume(.failure(Self.cancelledError))
            return
        }
        for (host, var queue) in waiting {
            if let submission = queue.remove(where: { $0.id == id }) {
                waiting[host] = queue.isEmpty ? nil : queue
                submission.resume(.failure(Self.cancelledError))
                return
            }
        }
        // Not seen yet (the task was cancelled before its submission landed)
        // or already finished; the submission path checks this set.
        earlyCancellations.insert(id)
        if earlyCancellations.count > 10_000 { earlyCancellations.removeAll() }
    }

    private func failEverything() {
        for easy in Array(active.values) {
            guard let submission = easy.submission else { continue }
            multi.remove(easy)
            easy.reset()
            submission.resume(.failure(Self.shutDownError))
        }
        active = [:]
        activeByID = [:]
        activeByHost = [:]
        for (_, var queue) in waiting {
            for submission in queue.drain() { submission.resume(.failure(Self.shutDownError)) }
        }
        waiting = [:]
        // Late arrivals after `stopping` are refused by `submit`; anything
        // that slipped into the inbox in between is failed here.
        let late = inbox.withLock { box in
            defer { box.submissions = [] }
            return box.submissions
        }
        for submission in late { submission.resume(.failure(Self.shutDownError)) }
        idle = []
    }
}
