import Foundation

/// One occurrence of a rule's condition for one subject: it fires, may be acknowledged by an
/// operator, and resolves when the condition clears (or its rule goes away).
///
/// At most one alert per rule and subject is open (not resolved) at a time.
public struct Alert: Hashable, Sendable {
    public enum State: String, Hashable, Sendable, Codable, CaseIterable {
        case firing, acknowledged, resolved
    }

    public var id: UUID
    /// The rule that raised it; nil once the rule is deleted.
    public var ruleID: UUID?
    public var kind: AlertRule.Kind
    public var severity: AlertSeverity
    /// What it is about: `camera:door`, `camera:door/zone:queue`, `site:shop`.
    public var subject: String
    public var cameraID: String?
    public var siteID: String?
    /// What was seen, in words.
    public var message: String
    /// The measured value that fired it (people, a fraction), when there is one.
    public var value: Double?
    public var firedAt: Date
    public var acknowledgedAt: Date?
    public var acknowledgedBy: String?
    public var resolvedAt: Date?

    public init(id: UUID = UUID(), ruleID: UUID?, kind: AlertRule.Kind, severity: AlertSeverity, subject: String,
                cameraID: String? = nil, siteID: String? = nil, message: String, value: Double? = nil, firedAt: Date,
                acknowledgedAt: Date? = nil, acknowledgedBy: String? = nil, resolvedAt: Date? = nil) {
        self.id = id
        self.ruleID = ruleID
        self.kind = kind
        self.severity = severity
        self.subject = subject
        self.cameraID = cameraID
        self.siteID = siteID
        self.message = message
        self.value = value
        self.firedAt = firedAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
    }

    public var state: State {
        if resolvedAt != nil { return .resolved }
        return acknowledgedAt != nil ? .acknowledged : .firing
    }

    /// Longest message kept; longer ones are cut, so the alert is never lost.
    public static let maximumMessageLength = 500

    /// The alert with its message cut to `maximumMessageLength` characters.
    public var trimmed: Alert {
        var alert = self
        if message.count > Self.maximumMessageLength {
            alert.message = String(message.prefix(Self.maximumMessageLength - 1)) + "…"
        }
        return alert
    }
}
