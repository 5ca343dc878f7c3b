/// Errors of alert delivery.
public enum AlertingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The webhook answered, but not with 2xx.
    case webhookRefused(status: Int)
    /// The webhook could not be reached or did not answer in time.
    case webhookUnreachable(reason: String)

    public var description: String {
        switch self {
        case .webhookRefused(let status): "the webhook answered \(status)"
        case .webhookUnreachable(let reason): "the webhook could not be reached: \(reason)"
        }
    }
}
