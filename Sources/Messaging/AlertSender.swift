/// Delivers one alert change to where it must go (a webhook). Throws when it was not
/// accepted; the queue then tries again later.
public protocol AlertSender: Sendable {
    func send(_ change: LiveMessage.AlertChange) async throws
}
