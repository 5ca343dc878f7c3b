import Messaging
import Storage
import Synchronization

/// Crossings onto RabbitMQ: `deliver` returns once the broker has confirmed every message
/// (persistent, on a durable queue), so a crossing handed over survives a broker restart.
///
/// While the client is disconnected `deliver` fails at once rather than waiting, so a camera's
/// pipeline keeps analysing frames and offers its crossings again with a later frame.
public final class AMQPCrossingSink: CrossingSink {
    private let client: AMQPClient
    private let topology: FootfallTopology
    private let declared = Mutex(false)

    public init(client: AMQPClient, topology: FootfallTopology = .init()) {
        self.client = client
        self.topology = topology
    }

    public func deliver(_ crossings: [CrossingRecord]) async throws {
        guard client.isConnected else { throw AMQPError.notConnected }
        // A worker may start before any ingest consumer declared the queues: declare them
        // once, so the first crossings are not returned as unroutable.
        if !declared.withLock({ $0 }) {
            try await client.declare(topology.declarations)
            declared.withLock { $0 = true }
        }
        try await client.publish(batch: CrossingMessage.messages(for: crossings, exchange: topology.events))
    }
}
