import Foundation

/// Splits per-row work over a large population into ranges run on all
/// cores at once (`DispatchQueue.concurrentPerform`); a small population
/// runs on the calling thread. Each range is a run of whole 64-row words,
/// so ranges never share a bitmap word.
enum RowRanges {
    /// Words (64 rows each) below which splitting costs more than it saves.
    static let minimumWords = 4096

    /// How many ranges `words` words are cut into.
    static func pieces(_ words: Int) -> Int {
        let cores = Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        return Swift.max(1, Swift.min(cores, words / minimumWords))
    }

    /// Runs `body` over disjoint ranges covering `0..<words` and ORs what
    /// the calls return. `body` may run on several threads at once.
    @inline(__always)
    static func reduceWords(_ words: Int, _ body: (Range<Int>) -> UInt64) -> UInt64 {
        let n = pieces(words)
        if n == 1 { return body(0..<words) }
        var results = [UInt64](repeating: 0, count: n)
        results.withUnsafeMutableBufferPointer { out in
            let shared = Unchecked(out)
            perform(n) { k in shared.value[k] = body(range(k, of: n, words)) }
        }
        return results.reduce(0, |)
    }

    /// Calls `body(0)` … `body(n - 1)` on all cores at once and returns
    /// when all are done. Each call must touch only its own part of any
    /// shared memory.
    static func perform(_ n: Int, _ body: (Int) -> Void) {
        if n == 1 { return body(0) }
        withoutActuallyEscaping(body) { body in
            // concurrentPerform returns when every call is done, so `body`
            // outlives the threads.
            let shared = Unchecked(body)
            DispatchQueue.concurrentPerform(iterations: n) { k in shared.value(k) }
        }
    }

    /// The `k`th of `n` near-equal ranges of `0..<total`.
    static func range(_ k: Int, of n: Int, _ total: Int) -> Range<Int> {
        (total * k / n)..<(total * (k + 1) / n)
    }
}

/// Hands a value to the threads of one `concurrentPerform` call, which
/// finishes before the caller goes on. Only for disjoint writes and reads.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
