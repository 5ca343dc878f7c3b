/// Everything that can go wrong talking to Redis.
///
/// Descriptions never contain a password.
public enum RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Redis answered with an error reply; the text begins with its code, for example `WRONGTYPE` or `NOSCRIPT`.
    case server(String)
    /// No reply to the named command within the command timeout; the connection was closed.
    case timeout(command: String)
    /// The connection was closed (by the server, the network, a timeout on an earlier command, or shutdown).
    case connectionClosed
    /// Could not open a connection.
    case connectionFailed(host: String, port: Int, reason: String)
    /// The bytes received are not valid RESP, or a reply has an unexpected shape.
    case protocolViolation(String)
    /// A configuration value (usually part of the Redis URL) is not acceptable.
    case invalidConfiguration(field: String, reason: String)
    /// The client or subscriber has shut down.
    case shutDown

    /// The error code of a server error, for example `WRONGTYPE`; `nil` for other errors.
    public var serverErrorCode: String? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// A sentence for logs and operators.
    public var description: String {
        switch self {
        case .server(let message): "Redis replied with an error: \(message)"
        case .timeout(let command): "Redis did not answer \(command) within the command timeout; the connection was closed"
        case .connectionClosed: "the connection to Redis is closed"
        case .connectionFailed(let host, let port, let reason): "could not connect to Redis at \(host):\(port): \(reason)"
        case .protocolViolation(let detail): "Redis protocol violation: \(detail)"
        case .invalidConfiguration(let field, let reason): "invalid Redis configuration, \(field): \(reason)"
        case .shutDown: "the Redis client has shut down"
        }
    }
}
