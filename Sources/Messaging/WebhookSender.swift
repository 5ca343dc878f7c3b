/// Delivers one event to the webhook. Throws when it was not accepted; the queue then tries
/// again later.
public protocol WebhookSender: Sendable {
    func send(_ event: WebhookEvent) async throws
}
