/// The deliveries of one queue, as an async sequence. Created by `AMQPClient.consume(queue:prefetch:)`.
///
/// The consumer survives reconnects: after the client reconnects it opens a new channel, sets the prefetch and
/// consumes again, and deliveries keep coming from the same sequence. The sequence ends when the client stops, when
/// `cancel()` is called, or with an `AMQPError` when the broker cancels the consumer (for example its queue was
/// deleted) or closes its channel (for example after acknowledging an unknown delivery tag).
public struct AMQPConsumer: AsyncSequence, Sendable {
    /// Each element is one delivery, to be settled with `ack`, `nack` or `reject`.
    public typealias Element = AMQPDelivery

    /// The queue consumed from.
    public let queue: String
    let id: Int
    let stream: AsyncThrowingStream<AMQPDelivery, Error>
    let client: AMQPClient

    /// Iterates over deliveries.
    public func makeAsyncIterator() -> AsyncThrowingStream<AMQPDelivery, Error>.AsyncIterator {
        stream.makeAsyncIterator()
    }

    /// Stops consuming: cancels the consumer at the broker (unsettled deliveries are requeued) and ends the sequence.
    public func cancel() async {
        await client.cancelConsumer(id: id)
    }
}
