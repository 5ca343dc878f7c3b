import Foundation
import NIOCore

/// The dead-letter queue: what could not be stored and why, and a way to send it back.
public struct DeadLetters: Sendable {
    /// One dead letter.
    public struct Entry: Sendable, Hashable {
        public var messageID: String?
        public var routingKey: String
        public var reason: String
        public var attempts: Int
        public var body: String
    }

    private let client: AMQPClient
    private let topology: FootfallTopology

    public init(client: AMQPClient, topology: FootfallTopology = .init()) {
        self.client = client
        self.topology = topology
    }

    /// The first `limit` dead letters, left in the queue.
    public func list(limit: Int) async throws -> [Entry] {
        var deliveries: [AMQPDelivery] = []
        while deliveries.count < limit, let delivery = try await client.get(queue: topology.deadLetterQueue) {
            deliveries.append(delivery)
        }
        // Back into the queue, in their order, once all have been read.
        try await deliveries.last?.nack(multiple: true, requeue: true)
        return deliveries.map { delivery in
            var reason = ""
            if case .string(let text) = delivery.properties.headers?[FootfallTopology.Header.reason] { reason = text }
            return Entry(messageID: delivery.properties.messageID, routingKey: delivery.originalRoutingKey, reason: reason,
                         attempts: delivery.attempts, body: delivery.bodyString)
        }
    }

    /// Publishes up to `limit` dead letters again to `footfall.events` with their first
    /// routing key and no attempts, removing each from the queue once the broker confirmed
    /// its copy. Returns how many were replayed. Only the letters there when it starts are
    /// replayed: one that fails again and comes back is left for the next look.
    public func replay(limit: Int) async throws -> Int {
        let waiting = Int(try await client.messageCount(queue: topology.deadLetterQueue))
        var replayed = 0
        while replayed < min(limit, waiting), let delivery = try await client.get(queue: topology.deadLetterQueue) {
            var properties = delivery.properties
            properties.headers?[FootfallTopology.Header.reason] = nil
            properties.headers?[FootfallTopology.Header.attempts] = nil
            properties.headers?[FootfallTopology.Header.routingKey] = nil
            try await client.publish(AMQPMessage(exchange: topology.events, routingKey: delivery.originalRoutingKey,
                                                 body: delivery.body, properties: properties, mandatory: true))
            try await delivery.ack()
            replayed += 1
        }
        return replayed
    }
}
