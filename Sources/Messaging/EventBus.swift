/// Fans live messages out from publishers (camera pipelines) to subscribers (WebSocket clients).
public protocol EventBus: Sendable {
    /// Delivers `message` to every current subscriber. Never blocks on a slow subscriber.
    func publish(_ message: LiveMessage) async
    /// A stream of the messages published from now on. Cancelling the consuming task ends it.
    func subscribe() -> AsyncStream<LiveMessage>
}
