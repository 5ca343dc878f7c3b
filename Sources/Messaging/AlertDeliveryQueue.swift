/// Where alert changes wait to be delivered to webhooks: in process by default, RabbitMQ
/// (`alert.<severity>` on the events exchange) in production.
public protocol AlertDeliveryQueue: Sendable {
    /// Hands one change over for delivery; once this returns it is the queue's to deliver.
    func enqueue(_ change: LiveMessage.AlertChange) async throws
}
