import Foundation
import Messaging
import NIOCore
import Synchronization

/// Pushed detections on RabbitMQ: one durable queue per camera, `footfall.detections.<camera>`,
/// with a single active consumer.
///
/// A push returns once the broker has confirmed every batch (persistent), so batches wait for
/// whichever worker takes the camera, even across a broker restart. Only one receiver gets
/// deliveries at a time; a second waits until the first has gone, and then receives, in order,
/// everything the first did not acknowledge. A camera nobody counts keeps its newest
/// `maximumBacklog` batches.
public final class AMQPDetectionInbox: DetectionInbox {
    private let client: AMQPClient
    private let prefetch: UInt16
    private let maximumBacklog: Int
    private let declared = Mutex<Set<String>>([])

    /// - Parameters:
    ///   - prefetch: batches a receiver holds unacknowledged; at least what it processes
    ///     between two acknowledgements.
    ///   - maximumBacklog: batches kept per camera while nobody receives them (two hours at 5 frames/s by default).
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
        let encoder = Self.encoder
        var properties = AMQPBasicProperties()
        properties.contentType = "application/json"
        properties.deliveryMode = AMQPBasicProperties.persistent
        let queue = Self.queue(cameraID: cameraID)
        let messages = try batches.map { batch in
            AMQPMessage(exchange: "", routingKey: queue, body: ByteBuffer(bytes: try encoder.encode(batch)),
                        properties: properties, mandatory: true)
        }
        try await client.publish(batch: messages)
    }

    public func receive(cameraID: String) async throws -> DetectionSubscription {
        try await declare(cameraID: cameraID)
        let consumer = try await client.consume(queue: Self.queue(cameraID: cameraID), prefetch: prefetch)
        let deliveries = Deliveries(consumer.makeAsyncIterator())
        let decoder = Self.decoder
        let batches = AsyncThrowingStream {
            while let delivery = try await deliveries.next() {
                guard let batch = try? decoder.decode(DetectionBatch.self, from: Data(delivery.body.readableBytesView)) else {
                    // Not a batch (written by something else): it can never be counted.
                    try? await delivery.reject(requeue: false)
                    continue
                }
                return PushedBatch(batch: batch) { try await delivery.ack(multiple: true) }
            }
            return nil
        }
        // Closing the consumer's channel hands what was not acknowledged to the next receiver.
        return DetectionSubscription(batches: batches) { await consumer.cancel() }
    }

    /// The consumer's iterator, advanced by the one task reading the stream.
    // @unchecked Sendable: `AsyncThrowingStream(unfolding:)` calls `next` from one reader at a
    // time, never concurrently, so the iterator is never shared.
    private final class Deliveries: @unchecked Sendable {
        private var iterator: AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator

        init(_ iterator: AsyncThrowingStream<AMQPDelivery, any Error>.AsyncIterator) {
            self.iterator = iterator
        }

        func next() async throws -> AMQPDelivery? {
            try await iterator.next()
        }
    }

    // Dates as Foundation keeps them, so a batch reads back exactly as it was pushed.
    static let encoder = JSONEncoder()
    static let decoder = JSONDecoder()
}
