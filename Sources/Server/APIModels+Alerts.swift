import Foundation
import Storage

extension APIModels {
    /// The body of `POST /alert-rules` and `PUT /alert-rules/{id}`: the whole rule.
    struct AlertRuleBody: Decodable {
        var name: String
        var kind: AlertRule.Kind
        var severity: AlertSeverity?
        var enabled: Bool?
        var camera: String?
        var site: String?
        var zone: String?
        var lines: [String]?
        var threshold: Double?
        var weeks: Int?
        var minimumVolume: Double?
        var closingTime: String?
        var holdSeconds: Double?
        var clearSeconds: Double?

        static let shape = BodyShape.object([
            "name": .value, "kind": .value, "severity": .value, "enabled": .value, "camera": .value, "site": .value,
            "zone": .value, "lines": .array(.value), "threshold": .value, "weeks": .value, "minimumVolume": .value,
            "closingTime": .value, "holdSeconds": .value, "clearSeconds": .value,
        ])

        func rule(id: UUID) -> AlertRule {
            AlertRule(id: id, name: name, kind: kind, severity: severity ?? .warning, enabled: enabled ?? true, cameraID: camera,
                      siteID: site, zone: zone, lines: lines ?? [], threshold: threshold, weeks: weeks, minimumVolume: minimumVolume,
                      closingTime: closingTime, holdSeconds: holdSeconds ?? 60, clearSeconds: clearSeconds ?? 60)
        }
    }

    struct AlertRuleItem: Codable {
        var id: UUID
        var name: String
        var kind: AlertRule.Kind
        var severity: AlertSeverity
        var enabled: Bool
        var camera: String?
        var site: String?
        var zone: String?
        var lines: [String]
        var threshold: Double?
        var weeks: Int?
        var minimumVolume: Double?
        var closingTime: String?
        var holdSeconds: Double
        var clearSeconds: Double

        init(_ rule: AlertRule) {
            id = rule.id
            name = rule.name
            kind = rule.kind
            severity = rule.severity
            enabled = rule.enabled
            camera = rule.cameraID
            site = rule.siteID
            zone = rule.zone
            lines = rule.lines
            threshold = rule.threshold
            weeks = rule.weeks
            minimumVolume = rule.minimumVolume
            closingTime = rule.closingTime
            holdSeconds = rule.holdSeconds
            clearSeconds = rule.clearSeconds
        }
    }

    struct AlertRuleList: Encodable {
        var rules: [AlertRuleItem]
    }

    struct AlertItem: Encodable {
        var id: UUID
        var rule: UUID?
        var kind: AlertRule.Kind
        var severity: AlertSeverity
        var state: Alert.State
        var subject: String
        var camera: String?
        var site: String?
        var message: String
        var value: Double?
        var fired: Date
        var acknowledged: Date?
        var acknowledgedBy: String?
        var resolved: Date?

        init(_ alert: Alert) {
            id = alert.id
            rule = alert.ruleID
            kind = alert.kind
            severity = alert.severity
            state = alert.state
            subject = alert.subject
            camera = alert.cameraID
            site = alert.siteID
            message = alert.message
            value = alert.value
            fired = alert.firedAt
            acknowledged = alert.acknowledgedAt
            acknowledgedBy = alert.acknowledgedBy
            resolved = alert.resolvedAt
        }
    }

    struct AlertList: Encodable {
        var alerts: [AlertItem]
    }
}
