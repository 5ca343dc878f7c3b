/// How long each kind of time series is kept before whole months past it are archived to the
/// file store and removed (by PostgreSQL's maintenance or the embedded database's retention).
public struct Retention: Sendable, Hashable {
    public var crossings: Duration = .seconds(30 * 86_400)
    public var countingResults: Duration = .seconds(400 * 86_400)
    public var cameraEvents: Duration = .seconds(90 * 86_400)
    /// PostgreSQL only: the embedded database keeps its audit trail whole.
    public var auditLogs: Duration = .seconds(365 * 86_400)
    public var modelLogs: Duration = .seconds(30 * 86_400)

    public init() {}

    /// The period of `table` (`crossing_events`, `counting_results`, `camera_events`, `audit_logs`, `model_logs`).
    public func duration(of table: String) -> Duration {
        switch table {
        case "crossing_events": crossings
        case "counting_results": countingResults
        case "audit_logs": auditLogs
        case "model_logs": modelLogs
        default: cameraEvents
        }
    }
}
