import Messaging
import Storage

/// Crossings onto RabbitMQ: `deliver` returns once the broker has confirmed every message
/// (persistent, on a durable queue), so a crossing handed over survives a broker restart.
public struct AMQPCrossingSink: CrossingSink {
    private let client: AMQPClient
    private let topology: FootfallTopology

    public init(client: AMQPClient, topology: FootfallTopology = .init()) {
        self.client = client
        self.topology = topology
    }

    public func deliver(_ crossings: [CrossingRecord]) async throws {
        try await client.publish(batch: crossings.map { CrossingMessage.message(for: $0, exchange: topology.events) })
    }
}
