/// What a consumer is told, on the event loop.
struct AMQPConsumerCallbacks: Sendable {
    /// A message arrived.
    var deliver: @Sendable (AMQPIncomingMessage) -> Void
    /// The broker cancelled the consumer, or its channel closed while the connection stayed up.
    var cancelled: @Sendable (AMQPError) -> Void
}
