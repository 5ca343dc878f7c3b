import Foundation
import Messaging
import NIOCore
import Synchronization

/// Webhook events onto RabbitMQ: each is published to the events exchange as
/// `alert.<severity>` or `report.<period>` (persistent, confirmed, its body the event as the
/// webhook receives it), where `WebhookDeliveryService` takes it for the webhook. Once
/// `enqueue` returns, the broker has it on disk.
public final class AMQPWebhookQueue: WebhookQueue {
    private let client: AMQPClient
    private let topology: FootfallTopology
    private let declared = Mutex(false)

    public init(client: AMQPClient, topology: FootfallTopology = .init()) {
        self.client = client
        self.topology = topology
    }

    public func enqueue(_ event: WebhookEvent) async throws {
        if !declared.withLock({ $0 }) {
            try await client.declare(topology.webhookDeclarations)
            declared.withLock { $0 = true }
        }
        try await client.publish(Self.message(for: event, exchange: topology.events))
    }

    /// The message that carries `event`; its id is the event's delivery id.
    static func message(for event: WebhookEvent, exchange: String) throws -> AMQPMessage {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        var properties = AMQPBasicProperties()
        properties.contentType = "application/json"
        properties.deliveryMode = AMQPBasicProperties.persistent
        properties.messageID = event.deliveryID
        return AMQPMessage(exchange: exchange, routingKey: event.routingKey, body: ByteBuffer(bytes: try encoder.encode(event)),
                           properties: properties, mandatory: true)
    }
}
