/// How urgent an alert is; deliveries are routed by it (`alert.critical`).
public enum AlertSeverity: String, Hashable, Sendable, Codable, CaseIterable {
    case info, warning, critical
}
