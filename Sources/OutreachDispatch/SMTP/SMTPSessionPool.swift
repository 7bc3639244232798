internal import CCurl
import Foundation
import Synchronization

/// SMTP sessions driven by one thread through one libcurl multi handle,
/// fed from one queue. `SMTPGateway` gives each session a pool of its own:
/// libcurl 7.88 waits for the answer to a message's final "." inside
/// `curl_multi_perform`, holding up the thread's other sessions meanwhile.
///
/// libcurl blocks, so it never runs on Swift's cooperative pool: one
/// dedicated thread owns the multi handle and every session (easy handle).
/// It takes as many queued transfers as there are free sessions in one go,
/// drives all of them with `curl_multi_perform`, sleeps in
/// `curl_multi_poll` on all their sockets at once, and resumes the callers
/// of every transaction that finished in one pass. So a message costs no
/// thread hand-off of its own: with several sessions busy, one wake-up
/// serves whichever replies have arrived, and a caller wakes the thread
/// (`curl_multi_wakeup`) only when it is asleep with a session free.
///
/// Connections live in the multi handle's cache: a transaction takes an idle
/// one, and a new one is opened only when every open connection is busy and
/// fewer than `maxSessions` transactions run — so messages sent one after
/// another all travel over one connection, and there are never more than
/// `maxSessions`. Sessions (and the thread) are made lazily. `shutdown()`
/// lets the thread finish the queue, close the connections (libcurl sends
/// `QUIT`) and exit.
///
/// The pool is also a `TaskExecutor` (the gateway's `preferredExecutor`): a
/// task that prefers it — the dispatcher runs each attempt so — runs on the
/// pool's thread between two rounds of libcurl work. It builds its message,
/// hands it over and, when the server has answered, is resumed on the same
/// thread: no thread is woken for it, as in a single-threaded event loop.
/// Tasks that do not prefer it work as before. After shutdown, jobs go to
/// the global executor, so no task is ever stranded.
final class SMTPSessionPool: CurlWorker, @unchecked Sendable {  // shared state is behind `inbox`; the rest is the thread's
    private struct Job {
        var transfer: SMTPTransfer
        var continuation: UnsafeContinuation<SMTPTransferResult, Never>
    }

    /// What callers and the thread share, behind one lock.
    private struct Inbox {
        var jobs: [Job] = []
        var head = 0
        var pending: Int { jobs.count - head }
        /// Transactions the thread is running (it takes no more than
        /// `maxSessions - running` jobs).
        var running = 0
        var started = false
        var closed = false
        /// Tasks that prefer this executor, to run on the thread.
        var tasks: [UnownedJob] = []
        /// The thread has left its loop and is cleaning the multi handle
        /// up: tasks go to the global executor from now on.
        var cleaning = false
        /// The thread has cleaned up and exited its loop.
        var finished = false
        /// The thread is in (or about to enter) `curl_multi_poll`, and
        /// whether someone already woke it (one wakeup is enough).
        var polling = false
        var wakeSent = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        /// Connections opened so far (for logs and tests).
        var connections = 0
    }

    let maxSessions: Int
    private let endpoint: SMTPEndpoint
    private let inbox = Mutex(Inbox())
    private let multi: UnsafeMutableRawPointer?
    private let threadName: String
    /// The thread's id once it runs (0 before), readable without a lock.
    private let threadID = Atomic<UInt>(0)
    /// Transfers handed to this pool and not yet answered (the gateway
    /// sends a caller that is not on a pool thread to the least busy pool).
    let outstanding = Atomic<Int>(0)
    var load: Int { outstanding.load(ordering: .relaxed) }
    var capacity: Int { maxSessions }

    // MARK: The thread's own state
    private var idle: [SMTPSession] = []
    private var active: [(session: SMTPSession, continuation: UnsafeContinuation<SMTPTransferResult, Never>)] = []

    init(maxSessions: Int, endpoint: SMTPEndpoint, name: String) {
        self.maxSessions = max(1, maxSessions)
        self.endpoint = endpoint
        self.threadName = "outreach.smtp.\(name)"
        multi = SMTPSessionPool.globalInit ? curl_multi_init() : nil
        if let multi {
            // At most one cached connection per session.
            _ = outreach_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, self.maxSessions)
        }
    }

    deinit {
        // The thread holds the pool while it runs, so it has cleaned up;
        // only a pool that never started has a multi handle left.
        let cleaned = inbox.withLock { $0.cleaning }
        if let multi, !cleaned { curl_multi_cleanup(multi) }
    }

    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    /// Runs a transfer on a session and waits for its result without
    /// blocking the caller's thread.
    func perform(_ transfer: SMTPTransfer) async -> SMTPTransferResult {
        outstanding.wrappingAdd(1, ordering: .relaxed)
        defer { outstanding.wrappingSubtract(1, ordering: .relaxed) }
        return await withUnsafeContinuation { continuation in
            enum Action { case refuse, start, wake, none }
            let action = inbox.withLock { inbox -> Action in
                if inbox.closed || multi == nil { return .refuse }
                inbox.jobs.append(Job(transfer: transfer, continuation: continuation))
                if !inbox.started {
                    inbox.started = true
                    return .start
                }
                if inbox.polling && !inbox.wakeSent && inbox.running < maxSessions && !inbox.cleaning {
                    inbox.wakeSent = true
                    // Under the lock, so the thread cannot have cleaned up.
                    curl_multi_wakeup(multi)
                    return .wake
                }
                return .none
            }
            switch action {
            case .refuse:
                continuation.resume(returning: SMTPTransferResult(
                    curlCode: -1, replyCode: 0, replyLines: [],
                    errorText: multi == nil ? "libcurl could not create a multi handle" : "the SMTP gateway is shut down",
                    newConnection: false))
            case .start:
                startThread()
            case .wake, .none:
                break
            }
        }
    }

    /// `TaskExecutor`: runs the job on the pool's thread (from the thread
    /// itself, without waking anything); starts the thread if needed.
    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        enum Action { case global, start, wake, none }
        let action = inbox.withLock { inbox -> Action in
            if inbox.cleaning || multi == nil { return .global }
            inbox.tasks.append(unowned)
            if !inbox.started {
                inbox.started = true
                return .start
            }
            if inbox.polling && !inbox.wakeSent {
                inbox.wakeSent = true
                if let multi { curl_multi_wakeup(multi) }  // under the lock: the thread has not cleaned up
                return .wake
            }
            return .none
        }
        switch action {
        case .global: globalConcurrentExecutor.enqueue(ExecutorJob(unowned))
        case .start: startThread()
        case .wake, .none: break
        }
    }

    /// Connections the sessions have opened so far.
    var connectionsOpened: Int {
        inbox.withLock { $0.connections }
    }

    /// Stops taking work; returns once the queue is done and every
    /// connection is closed.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = inbox.withLock { inbox -> Bool in
                inbox.closed = true
                if !inbox.started || inbox.finished { return true }
                inbox.waiters.append(continuation)
                if !inbox.cleaning, let multi { curl_multi_wakeup(multi) }
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Like `shutdown()` without waiting: for `deinit`, which cannot await.
    func close() {
        inbox.withLock { inbox in
            inbox.closed = true
            if inbox.started && !inbox.cleaning, let multi { curl_multi_wakeup(multi) }
        }
    }

    /// Whether the caller runs on this pool's thread (a task preferring it).
    var isCurrentThread: Bool {
        threadID.load(ordering: .acquiring) == UInt(pthread_self())
    }

    private func startThread() {
        let thread = Thread { [self] in
            threadID.store(UInt(pthread_self()), ordering: .releasing)
            run()
        }
        thread.name = threadName
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Results waiting to be handed back, and connections opened meanwhile.
    private var results: [(UnsafeContinuation<SMTPTransferResult, Never>, SMTPTransferResult)] = []

    /// The body of the thread. It holds the pool strongly while it runs.
    private func run() {
        guard let multi else { return }
        let executor = asUnownedTaskExecutor()
        while true {
            // Tasks that prefer this thread: each builds its message and
            // hands it over (or finishes with the answer it was resumed for).
            let tasks = inbox.withLock { inbox -> [UnownedJob] in
                defer { inbox.tasks.removeAll(keepingCapacity: true) }
                return inbox.tasks
            }
            for task in tasks { task.runSynchronously(on: executor) }
            if takeJobs(multi: multi) { break }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            if collectFinished(multi: multi) > 0 {
                // Start the freed sessions' next transactions (their
                // MAIL FROM goes out now) before waking the callers.
                _ = takeJobs(multi: multi)
                curl_multi_perform(multi, &running)
                _ = collectFinished(multi: multi)
            }
            if !results.isEmpty {
                for (continuation, result) in results { continuation.resume(returning: result) }
                results.removeAll(keepingCapacity: true)
            }

            let free = maxSessions - active.count
            let sleep = inbox.withLock { inbox -> Bool in
                inbox.running = active.count
                if !inbox.tasks.isEmpty || (inbox.pending > 0 && free > 0)
                    || (inbox.closed && inbox.pending == 0 && active.isEmpty) {
                    return false
                }
                inbox.polling = true
                inbox.wakeSent = false
                return true
            }
            if sleep {
                var ready: Int32 = 0
                curl_multi_poll(multi, nil, 0, 1_000, &ready)
                inbox.withLock { $0.polling = false }
            }
        }

        // Cleaning the multi handle up closes the cached connections, each
        // with QUIT; the sessions go first (none is in the multi handle).
        idle.removeAll()
        curl_multi_cleanup(multi)
        let waiters = inbox.withLock { inbox -> [CheckedContinuation<Void, Never>] in
            inbox.finished = true
            let waiters = inbox.waiters
            inbox.waiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Takes as many queued jobs as there are free sessions and starts
    /// them. True when the pool is closed and everything is done.
    private func takeJobs(multi: UnsafeMutableRawPointer) -> Bool {
        let room = maxSessions - active.count
        let (taken, stop) = inbox.withLock { inbox -> ([Job], Bool) in
            let n = min(room, inbox.pending)
            let taken = Array(inbox.jobs[inbox.head..<inbox.head + n])
            inbox.head += n
            if inbox.head == inbox.jobs.count {
                inbox.jobs.removeAll(keepingCapacity: true)
                inbox.head = 0
            }
            inbox.running = active.count + n
            // Done: closed, nothing queued or running, no task to run, no
            // answer to hand back. Decided under the lock, so no task can
            // slip in after it (they go to the global executor).
            let stop = inbox.closed && inbox.pending == 0 && inbox.running == 0 && inbox.tasks.isEmpty
                && results.isEmpty
            if stop { inbox.cleaning = true }
            return (taken, stop)
        }
        for job in taken {
            if let failure = start(job, multi: multi) { results.append(failure) }
        }
        return stop
    }

    /// Moves the transactions libcurl has finished out of the multi handle
    /// into `results`; returns how many.
    private func collectFinished(multi: UnsafeMutableRawPointer) -> Int {
        var finished = 0
        var opened = 0
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let index = active.firstIndex(where: { $0.session.handle == UnsafeMutableRawPointer(easy) }) else {
                continue
            }
            let code = message.pointee.data.result
            let (session, continuation) = active.remove(at: index)
            curl_multi_remove_handle(multi, session.handle)
            let result = session.finish(code: code)
            if result.newConnection { opened += 1 }
            idle.append(session)
            results.append((continuation, result))
            finished += 1
        }
        if opened > 0 { inbox.withLock { $0.connections += opened } }
        return finished
    }

    /// Puts a job on a free session (made if needed) in the multi handle;
    /// returns the job's result instead when it cannot even start.
    private func start(_ job: Job, multi: UnsafeMutableRawPointer)
        -> (UnsafeContinuation<SMTPTransferResult, Never>, SMTPTransferResult)? {
        guard let session = idle.popLast() ?? SMTPSession(endpoint: endpoint) else {
            return (job.continuation, SMTPTransferResult(curlCode: -1, replyCode: 0, replyLines: [],
                                                         errorText: "libcurl could not create a handle", newConnection: false))
        }
        var code = session.begin(job.transfer)
        if code == CURLE_OK {
            let added = curl_multi_add_handle(multi, session.handle)
            if added == CURLM_OK {
                active.append((session, job.continuation))
                return nil
            }
            code = CURLE_FAILED_INIT
        }
        let result = session.finish(code: code)
        idle.append(session)
        return (job.continuation, result)
    }
}
