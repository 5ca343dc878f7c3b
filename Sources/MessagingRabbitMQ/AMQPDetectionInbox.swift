import Foundation
import Messaging
import NIOCore
import Synchronization

/// Pushed detections on RabbitMQ: one durable queue per camera, `footfall.detections.<camera>`,
/// with a single active consumer.
///
/// A push is one persistent message (the JSON array of its batches) and returns once the broker
/// has confirmed it, so batches wait for whichever worker takes the camera, even across a broker
/// restart. A message is acknowledged once its last batch is: acknowledging a batch in the
/// middle of one settles the messages before it, and the rest of it comes again to the next
/// receiver. Only one receiver gets
/// deliveries at a time; a second waits until the first has gone, and then receives, in order,
/// everything the first did not acknowledge. A camera nobody counts keeps its newest
/// `maximumBacklog` pushes.
public final class AMQPDetectionInbox: DetectionInbox {
    private let client: AMQPClient
    private let prefetch: UInt16
    private let maximumBacklog: Int
    private let declared = Mutex<Set<String>>([])

    /// - Parameters:
    ///   - prefetch: pushes (messages) a receiver holds unacknowledged; at least what it
    ///     processes between two acknowledgements.
    ///   - maximumBacklog: pushes kept per camera while nobody receives them (a camera pushing
    ///     once a second: ten hours by default).
    public init(client: AMQPClient, prefetch: UInt16 = 1_000, maximumBacklog: Int = 36_000) {
        self.client = client
        self.prefetch = prefetch
        self.maximumBacklog = maximumBacklog
    }

    public var isDurable: Bool { true }

    /// The queue holding a camera's batches.
    public static func queue(cameraID: String) -> String { "footfall.detections." + cameraID }

    private func declare(cameraID: String) async throws {
        let queue = Self.queue(cameraID: cameraID)
        guard !declared.withLock({ $0.contains(queue) }) else { return }
        try await client.declare(AMQPTopology(queues: [
            .init(name: queue, maxLength: maximumBacklog, arguments: ["x-single-active-consumer": .bool(true)])
        ]))
        declared.withLock { _ = $0.insert(queue) }
    }

    public func push(cameraID: String, batches: [DetectionBatch]) async throws {
        guard !batches.isEmpty else { return }
        guard client.isConnected else { throw AMQPError.notConnected }
        try await declare(cameraID: cameraID)
        var properties = AMQPBasicProperties()
        properties.contentType = "application/json"
        properties.deliveryMode = AMQPBasicProperties.persistent
        let message = AMQPMessage(exchange: "", routingKey: Self.queue(cameraID: cameraID),
                                  body: ByteBuffer(bytes: try Self.encoder.encode(batches)), properties: properties, mandatory: true)
        try await client.publish(batch: [message])
    }

    public func receive(cameraID: String) async throws -> DetectionSubscription {
        try await declare(cameraID: cameraID)
        let consumer = try await client.consume(queue: Self.queue(cameraID: cameraID), prefetch: prefetch)
        let deliveries = Deliveries(consumer.makeAsyncIterator())
        let batches = AsyncThrowingStream { try await deliveries.next() }
        // Closing the consumer's channel hands what was not acknowledged to the next receiver.
        return DetectionSubscription(batches: batches) { await consumer.cancel() }
    }

    /// The consumer's deliveries taken apart into batches, by the one task reading the stream.
    // @unchecked Sendable: the subscription's one reader (a camera's pipeline) calls `next`
    // through `AsyncThrowingStream(unfolding:)` one call at a time, so its state is never
    // touched by two tasks at once.
    private final class Deliveries: @unchecked Sendable {
        private var iterator: AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator
        /// The batches of `current` not handed out yet.
        private var queued: ArraySlice<DetectionBatch> = []
        private var current: AMQPDelivery?
        /// The message before `current`: settled when a batch in the middle of `current` is.
        private var previous: AMQPDelivery?
        private let acknowledged = Acknowledged()

        init(_ iterator: AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator) {
            self.iterator = iterator
        }

        func next() async throws -> PushedBatch? {
            while queued.isEmpty {
                guard let delivery = try await iterator.next() else { return nil }
                guard let batches = try? AMQPDetectionInbox.decoder.decode([DetectionBatch].self,
                                                                           from: Data(delivery.body.readableBytesView)),
                      !batches.isEmpty else {
                    // Not batches (written by something else): they can never be counted.
                    try? await delivery.reject(requeue: false)
                    continue
                }
                previous = current
                current = delivery
                queued = batches[...]
            }
            let batch = queued.removeFirst()
            let settles = queued.isEmpty ? current : previous
            return PushedBatch(batch: batch) { [acknowledged] in
                guard let settles, acknowledged.advance(to: settles) else { return }
                try await settles.ack(multiple: true)
            }
        }
    }

    /// The last delivery acknowledged on each channel. Acknowledging a tag twice (two batches of
    /// one message, or a message already settled by a later one) would make the broker close the
    /// channel, and hand every unacknowledged delivery to the next receiver.
    private final class Acknowledged: Sendable {
        private struct Channel: Equatable {
            var connection: ObjectIdentifier
            var id: UInt16
            var generation: UInt64
        }

        private let through = Mutex<(channel: Channel?, tag: UInt64)>((nil, 0))

        /// Whether `delivery` is past what was acknowledged on its channel (now recorded as acknowledged).
        func advance(to delivery: AMQPDelivery) -> Bool {
            through.withLock { through in
                let channel = Channel(connection: ObjectIdentifier(delivery.channel.connection), id: delivery.channel.id,
                                      generation: delivery.channel.generation)
                guard through.channel != channel || delivery.deliveryTag > through.tag else { return false }
                through = (channel, delivery.deliveryTag)
                return true
            }
        }
    }

    // Dates as Foundation keeps them, so a batch reads back exactly as it was pushed.
    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()
}
