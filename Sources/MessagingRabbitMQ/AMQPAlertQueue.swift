import Foundation
import Messaging
import NIOCore
import Synchronization

/// Alert changes onto RabbitMQ: each is published to the events exchange as `alert.<severity>`
/// (persistent, confirmed, its body the live `alert` message), where `AlertDeliveryService`
/// takes it for the webhook. Once `enqueue` returns, the broker has it on disk.
public final class AMQPAlertQueue: AlertDeliveryQueue {
    private let client: AMQPClient
    private let topology: FootfallTopology
    private let declared = Mutex(false)

    public init(client: AMQPClient, topology: FootfallTopology = .init()) {
        self.client = client
        self.topology = topology
    }

    public func enqueue(_ change: LiveMessage.AlertChange) async throws {
        if !declared.withLock({ $0 }) {
            try await client.declare(topology.alertDeclarations)
            declared.withLock { $0 = true }
        }
        try await client.publish(Self.message(for: change, exchange: topology.events))
    }

    /// The message that carries `change`; its id names the alert and its state.
    static func message(for change: LiveMessage.AlertChange, exchange: String) throws -> AMQPMessage {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        var properties = AMQPBasicProperties()
        properties.contentType = "application/json"
        properties.deliveryMode = AMQPBasicProperties.persistent
        properties.messageID = "\(change.alert.id.uuidString.lowercased()).\(change.alert.state.rawValue)"
        return AMQPMessage(exchange: exchange, routingKey: FootfallTopology.alertKey(severity: change.alert.severity.rawValue),
                           body: ByteBuffer(bytes: try encoder.encode(LiveMessage.alert(change))), properties: properties,
                           mandatory: true)
    }
}
