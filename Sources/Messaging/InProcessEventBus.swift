import Synchronization

/// The embedded event bus: subscribers in this process only.
///
/// Each subscriber has a bounded buffer; a subscriber that falls behind loses its oldest
/// messages rather than slowing publishers or growing without bound.
public final class InProcessEventBus: EventBus {
    private struct State {
        var nextID = 0
        var subscribers: [Int: AsyncStream<LiveMessage>.Continuation] = [:]
    }

    private let state = Mutex(State())
    private let bufferSize: Int

    /// - Parameter bufferSize: messages kept per subscriber before the oldest are dropped.
    public init(bufferSize: Int = 1_024) {
        self.bufferSize = bufferSize
    }

    /// Number of live subscriptions.
    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    public func publish(_ message: LiveMessage) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers { subscriber.yield(message) }
    }

    public func subscribe() -> AsyncStream<LiveMessage> {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveMessage.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}
