import Foundation

/// What is posted to the webhook: an alert that changed, or a report that is ready.
public enum WebhookEvent: Hashable, Sendable {
    case alert(LiveMessage.AlertChange)
    case report(ReportReady)

    /// Names the event for receivers, which drop a copy they already have: `<alert id>.<state>`,
    /// or `report.<tenant>.<site>.<name>`.
    public var deliveryID: String {
        switch self {
        case .alert(let change): "\(change.alert.id.uuidString.lowercased()).\(change.alert.state.rawValue)"
        case .report(let report): "report.\(report.tenantID.uuidString.lowercased()).\(report.siteID).\(report.name)"
        }
    }

    /// The routing key on the events exchange: `alert.<severity>` or `report.<period>`.
    public var routingKey: String {
        switch self {
        case .alert(let change): "alert.\(change.alert.severity.rawValue)"
        case .report(let report): "report.\(report.period)"
        }
    }
}
