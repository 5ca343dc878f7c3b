import NIOCore

/// A message received from a queue, by a consumer or by `AMQPClient.get(queue:)`.
///
/// Deliveries must be settled with `ack`, `nack` or `reject`. Settling a delivery whose connection (or channel)
/// has since closed throws `AMQPError.staleDelivery`: the broker has already put the message back and will
/// deliver it again.
public struct AMQPDelivery: Sendable {
    /// The body bytes.
    public var body: ByteBuffer
    /// The exchange the message was published to.
    public var exchange: String
    /// The routing key it was published with.
    public var routingKey: String
    /// The message properties, including headers such as RabbitMQ's `x-death`.
    public var properties: AMQPBasicProperties
    /// True when the broker delivered this message before (it was requeued or not acknowledged).
    public var redelivered: Bool
    /// The delivery tag, unique on its channel.
    public var deliveryTag: UInt64
    /// The channel the delivery arrived on; settlement goes back over it.
    let channel: AMQPChannel

    init(body: ByteBuffer, exchange: String, routingKey: String, properties: AMQPBasicProperties, redelivered: Bool,
         deliveryTag: UInt64, channel: AMQPChannel) {
        self.body = body
        self.exchange = exchange
        self.routingKey = routingKey
        self.properties = properties
        self.redelivered = redelivered
        self.deliveryTag = deliveryTag
        self.channel = channel
    }

    /// The body as a UTF-8 string.
    public var bodyString: String { String(buffer: body) }

    /// Acknowledges this delivery, and with `multiple` every earlier unsettled delivery of the same consumer.
    public func ack(multiple: Bool = false) async throws {
        try await channel.settle(.basicAck(deliveryTag: deliveryTag, multiple: multiple))
    }

    /// Rejects this delivery (and with `multiple` every earlier one); `requeue: false` dead-letters it when the queue
    /// has a dead-letter exchange, otherwise drops it.
    public func nack(multiple: Bool = false, requeue: Bool) async throws {
        try await channel.settle(.basicNack(deliveryTag: deliveryTag, multiple: multiple, requeue: requeue))
    }

    /// Rejects this one delivery; `requeue: false` dead-letters or drops it.
    public func reject(requeue: Bool) async throws {
        try await channel.settle(.basicReject(deliveryTag: deliveryTag, requeue: requeue))
    }
}
