import Foundation
import Logging
import Messaging
import NIOCore

/// An event bus that also puts camera status changes on RabbitMQ (`camera.<id>.status`), for
/// consumers outside Footfall. Live fan-out to WebSocket clients stays with the wrapped bus;
/// alerts (`alert.<severity>`) come from the alert rules (`AMQPWebhookQueue`), as do reports made (`report.<period>`).
public struct AMQPEventForwarder: EventBus {
    private let bus: any EventBus
    private let client: AMQPClient
    private let topology: FootfallTopology
    private let logger: Logger

    public init(wrapping bus: any EventBus, client: AMQPClient, topology: FootfallTopology = .init(), logger: Logger) {
        self.bus = bus
        self.client = client
        self.topology = topology
        self.logger = logger
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public func publish(_ message: LiveMessage) async {
        await bus.publish(message)
        guard case .status(let status) = message else { return }
        do {
            let body = ByteBuffer(bytes: try Self.encoder.encode(message))
            var properties = AMQPBasicProperties()
            properties.contentType = "application/json"
            properties.deliveryMode = AMQPBasicProperties.persistent
            try await client.publish(AMQPMessage(exchange: topology.events,
                                                 routingKey: FootfallTopology.statusKey(camera: status.cameraID),
                                                 body: body, properties: properties))
        } catch {
            logger.warning("events.status_publish_failed", metadata: ["camera.id": "\(status.cameraID)", "error": "\(error)"])
        }
    }

    public func subscribe() -> AsyncStream<LiveMessage> {
        bus.subscribe()
    }
}
