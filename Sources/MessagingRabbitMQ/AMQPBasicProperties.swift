import Foundation

/// The properties of a message (the `basic` class content header).
public struct AMQPBasicProperties: Sendable, Hashable {
    /// Delivery mode 2: the broker writes the message to disk in durable queues.
    public static let persistent: UInt8 = 2
    /// Delivery mode 1: the message lives in memory only.
    public static let transient: UInt8 = 1

    /// MIME type of the body, e.g. `application/json`.
    public var contentType: String?
    /// Encoding of the body, e.g. `gzip`.
    public var contentEncoding: String?
    /// Application headers; RabbitMQ adds `x-death` here when dead-lettering.
    public var headers: AMQPFieldTable?
    /// 1 = transient, 2 = persistent.
    public var deliveryMode: UInt8?
    /// Priority 0–9.
    public var priority: UInt8?
    /// Correlates a reply with its request.
    public var correlationID: String?
    /// Queue to reply to.
    public var replyTo: String?
    /// Per-message TTL in milliseconds, as a decimal string (RabbitMQ's convention).
    public var expiration: String?
    /// Application message identifier.
    public var messageID: String?
    /// Message timestamp, whole seconds.
    public var timestamp: Date?
    /// Application message type name.
    public var type: String?
    /// Validated user id (RabbitMQ checks it against the connection's user).
    public var userID: String?
    /// Name of the publishing application.
    public var appID: String?
    /// Deprecated cluster id; kept for completeness of the codec.
    public var clusterID: String?

    /// Creates properties; every property defaults to absent.
    public init(contentType: String? = nil, contentEncoding: String? = nil, headers: AMQPFieldTable? = nil,
                deliveryMode: UInt8? = nil, priority: UInt8? = nil, correlationID: String? = nil, replyTo: String? = nil,
                expiration: String? = nil, messageID: String? = nil, timestamp: Date? = nil, type: String? = nil,
                userID: String? = nil, appID: String? = nil, clusterID: String? = nil) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
        self.clusterID = clusterID
    }
}
