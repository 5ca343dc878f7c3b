import Messaging

/// Where alert changes wait to be delivered to webhooks (and e-mail): in process by default,
/// RabbitMQ (`alert.<severity>`) in production.
public protocol AlertDeliveryQueue: Sendable {
    /// Hands one change over for delivery; it must not be lost once this returns.
    func enqueue(_ change: LiveMessage.AlertChange) async throws
}
