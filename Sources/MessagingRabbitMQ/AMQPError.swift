/// The one error type of the Footfall RabbitMQ client.
///
/// Every failure the client reports is an `AMQPError`; `description` is a sentence fit for a log line or an
/// operator, and never contains a password.
public enum AMQPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL could not be parsed; `field` names the part that was wrong.
    case badURL(field: String, reason: String)
    /// The bytes on the wire broke the AMQP 0-9-1 framing or method grammar.
    case protocolViolation(String)
    /// The broker closed the connection with a reply code and text (for example 320 CONNECTION_FORCED).
    case connectionClosedByServer(replyCode: UInt16, replyText: String)
    /// The connection ended (socket closed, heartbeats missed, or the client shut down) before the operation finished.
    case connectionClosed(reason: String)
    /// The client is not connected to the broker (and did not become connected within the wait timeout).
    case notConnected
    /// The broker closed a channel with a reply code and text (for example 404 NOT_FOUND, 406 PRECONDITION_FAILED).
    case channelClosedByServer(replyCode: UInt16, replyText: String)
    /// The channel used by the operation had already been closed.
    case channelClosed
    /// A mandatory message could not be routed to any queue and the broker returned it.
    case returned(replyCode: UInt16, replyText: String, exchange: String, routingKey: String)
    /// The broker refused responsibility for a published message (basic.nack).
    case nacked
    /// An operation did not finish in time; `operation` says which.
    case timeout(operation: String)
    /// The delivery came from a connection or channel that has since closed; the broker will redeliver it.
    case staleDelivery
    /// The broker cancelled the consumer (for example because its queue was deleted).
    case consumerCancelled(queue: String)
    /// Authentication was refused by the broker.
    case authenticationFailed(user: String)

    /// A sentence describing the failure, fit for logs and operators.
    public var description: String {
        switch self {
        case .badURL(let field, let reason):
            return "Bad AMQP URL: \(field) \(reason)"
        case .protocolViolation(let detail):
            return "AMQP protocol violation: \(detail)"
        case .connectionClosedByServer(let code, let text):
            return "RabbitMQ closed the connection: \(code) \(text)"
        case .connectionClosed(let reason):
            return "AMQP connection closed: \(reason)"
        case .notConnected:
            return "Not connected to RabbitMQ"
        case .channelClosedByServer(let code, let text):
            return "RabbitMQ closed the channel: \(code) \(text)"
        case .channelClosed:
            return "AMQP channel is closed"
        case .returned(let code, let text, let exchange, let routingKey):
            return "RabbitMQ returned the message as unroutable: \(code) \(text) (exchange '\(exchange)', routing key '\(routingKey)')"
        case .nacked:
            return "RabbitMQ refused the message (basic.nack)"
        case .timeout(let operation):
            return "AMQP operation timed out: \(operation)"
        case .staleDelivery:
            return "The delivery belongs to a closed connection or channel; RabbitMQ will redeliver it"
        case .consumerCancelled(let queue):
            return "RabbitMQ cancelled the consumer of queue '\(queue)'"
        case .authenticationFailed(let user):
            return "RabbitMQ refused the login of user '\(user)'"
        }
    }
}
