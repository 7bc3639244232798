public import OutreachCore
import Synchronization

/// Messages already in memory (`outreach send --now` renders the whole
/// occurrence first), handed out `max` at a time.
public final class ArrayMessageSource: MessageSource {
    private let queue: Mutex<ArraySlice<OutboundMessage>>

    public init(_ messages: [OutboundMessage]) {
        queue = Mutex(messages[...])
    }

    public func next(max: Int) async throws -> [OutboundMessage] {
        queue.withLock { queue in
            let batch = Array(queue.prefix(Swift.max(0, max)))
            queue = queue.dropFirst(batch.count)
            return batch
        }
    }
}
