import NIOCore

/// A message to publish: where it goes, its body and its properties.
public struct AMQPMessage: Sendable {
    /// The exchange to publish to; "" is the default exchange, which routes by queue name.
    public var exchange: String
    /// The routing key.
    public var routingKey: String
    /// The body bytes.
    public var body: ByteBuffer
    /// The message properties (content type, headers, delivery mode, ...).
    public var properties: AMQPBasicProperties
    /// When true an unroutable message is returned and `publish` throws `AMQPError.returned`;
    /// when false the broker drops it silently.
    public var mandatory: Bool

    /// Creates a message from a byte buffer.
    public init(exchange: String, routingKey: String, body: ByteBuffer, properties: AMQPBasicProperties = .init(),
                mandatory: Bool = false) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }

    /// Creates a message from bytes.
    public init(exchange: String, routingKey: String, body: [UInt8], properties: AMQPBasicProperties = .init(),
                mandatory: Bool = false) {
        self.init(exchange: exchange, routingKey: routingKey, body: ByteBuffer(bytes: body), properties: properties,
                  mandatory: mandatory)
    }

    /// Creates a message whose body is the UTF-8 encoding of `body`.
    public init(exchange: String, routingKey: String, body: String, properties: AMQPBasicProperties = .init(),
                mandatory: Bool = false) {
        self.init(exchange: exchange, routingKey: routingKey, body: ByteBuffer(string: body), properties: properties,
                  mandatory: mandatory)
    }
}
