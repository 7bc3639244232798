import Foundation

/// A few SMTP sessions, each on its own thread, fed from one queue.
///
/// `curl_easy_perform` blocks, so it must never run on Swift's cooperative
/// pool: each session lives on a dedicated `Thread` that takes transfers off
/// the queue and resumes the caller's continuation when the server has
/// answered. Threads (and with them connections) are started lazily — a new
/// one only when every existing session is busy and fewer than
/// `maxSessions` exist — so messages sent one after another all travel over
/// one connection. `shutdown()` lets the threads finish their queue, clean
/// their handles up (libcurl sends `QUIT`) and exit.
final class SMTPSessionPool: @unchecked Sendable {  // all mutable state is behind `condition`
    private struct Job {
        var transfer: SMTPTransfer
        var continuation: CheckedContinuation<SMTPTransferResult, Never>
    }

    /// Everything mutable, behind `condition`'s lock.
    private struct State {
        var jobs: [Job] = []
        var head = 0
        /// Session threads alive, and how many of them are not performing.
        var sessions = 0
        var idle = 0
        var closed = false
        var finished: [CheckedContinuation<Void, Never>] = []
        /// Connections opened so far (for logs and tests).
        var connections = 0
    }

    let maxSessions: Int
    private let condition = NSCondition()
    private var state = State()
    private let threadName: String

    init(maxSessions: Int, name: String) {
        self.maxSessions = max(1, maxSessions)
        self.threadName = "outreach.smtp.\(name)"
    }

    /// Runs a transfer on a session thread and waits for its result without
    /// blocking the caller's thread.
    func perform(_ transfer: SMTPTransfer) async -> SMTPTransferResult {
        await withCheckedContinuation { continuation in
            condition.lock()
            if state.closed {
                condition.unlock()
                continuation.resume(returning: SMTPTransferResult(
                    curlCode: -1, replyCode: 0, replyLines: [], errorText: "the SMTP gateway is shut down", newConnection: false))
                return
            }
            state.jobs.append(Job(transfer: transfer, continuation: continuation))
            let pending = state.jobs.count - state.head
            let startThread = pending > state.idle && state.sessions < maxSessions
            if startThread {
                state.sessions += 1
                state.idle += 1  // it takes the job as soon as it runs
            }
            condition.signal()
            condition.unlock()
            if startThread { startSessionThread() }
        }
    }

    /// Connections the sessions have opened so far.
    var connectionsOpened: Int {
        condition.lock()
        defer { condition.unlock() }
        return state.connections
    }

    /// Stops taking work; returns once every session has finished its queue
    /// and closed its connection.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            state.closed = true
            if state.sessions == 0 {
                condition.unlock()
                continuation.resume()
                return
            }
            state.finished.append(continuation)
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Like `shutdown()` without waiting: for `deinit`, which cannot await.
    func close() {
        condition.lock()
        state.closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func startSessionThread() {
        let thread = Thread { [self] in runSession() }
        thread.name = threadName
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// The body of one session thread. Threads hold the pool strongly
    /// while they run.
    private func runSession() {
        do {
            let session = SMTPSession()
            while let job = nextJob() {
                let result = session?.perform(job.transfer) ?? SMTPTransferResult(
                    curlCode: -1, replyCode: 0, replyLines: [], errorText: "libcurl could not create a handle",
                    newConnection: false)
                condition.lock()
                if result.newConnection { state.connections += 1 }
                state.idle += 1
                condition.unlock()
                job.continuation.resume(returning: result)
            }
            // Leaving this scope cleans the handle up (QUIT) before we report done.
        }
        condition.lock()
        state.sessions -= 1
        var waiting: [CheckedContinuation<Void, Never>] = []
        if state.sessions == 0 {
            waiting = state.finished
            state.finished = []
        }
        condition.unlock()
        for continuation in waiting { continuation.resume() }
    }

    /// Waits for the next job; nil once the pool is closed and drained.
    private func nextJob() -> Job? {
        condition.lock()
        defer { condition.unlock() }
        while state.head == state.jobs.count {
            if state.closed {
                state.idle -= 1
                return nil
            }
            condition.wait()
        }
        let job = state.jobs[state.head]
        state.head += 1
        if state.head == state.jobs.count {
            state.jobs.removeAll(keepingCapacity: true)
            state.head = 0
        }
        state.idle -= 1
        return job
    }
}
