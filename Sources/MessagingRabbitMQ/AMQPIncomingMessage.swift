import NIOCore

/// A message that arrived with content: a delivery, a basic.get-ok, or a returned message.
struct AMQPIncomingMessage: Sendable, Equatable {
    var deliveryTag: UInt64
    var redelivered: Bool
    var exchange: String
    var routingKey: String
    var properties: AMQPBasicProperties
    var body: ByteBuffer
}
