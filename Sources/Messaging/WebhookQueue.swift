/// Where webhook events (alert changes, reports made) wait to be delivered: in process by
/// default, RabbitMQ (the events exchange, `alert.<severity>` and `report.<period>`) in
/// production.
public protocol WebhookQueue: Sendable {
    /// Hands one event over for delivery; once this returns it is the queue's to deliver.
    func enqueue(_ event: WebhookEvent) async throws
}
