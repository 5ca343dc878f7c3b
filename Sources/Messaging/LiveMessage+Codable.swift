import CountingCore
import Foundation
import Storage

/// The wire shape of a live message: one flat JSON object with a `type`, shared by the
/// WebSocket API and the broker fan-out between processes.
extension LiveMessage: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, camera, time, line, direction, track, `in`, out, zone, occupancy, counted, status, reason, tenant, change, version
        case site, alert, rule, state, severity, kind, subject, message, value, fired, acknowledged, acknowledgedBy, resolved
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(cameraID, forKey: .camera)
        switch self {
        case .crossing(let crossing):
            try container.encode("crossing", forKey: .type)
            try container.encode(crossing.time, forKey: .time)
            try container.encode(crossing.line, forKey: .line)
            try container.encode(crossing.direction, forKey: .direction)
            try container.encode(crossing.trackID, forKey: .track)
            try container.encode(crossing.totalIn, forKey: .in)
            try container.encode(crossing.totalOut, forKey: .out)
        case .occupancy(let occupancy):
            try container.encode("occupancy", forKey: .type)
            try container.encode(occupancy.time, forKey: .time)
            try container.encode(occupancy.zone, forKey: .zone)
            try container.encode(occupancy.occupancy, forKey: .occupancy)
            try container.encodeIfPresent(occupancy.counted, forKey: .counted)
        case .status(let status):
            try container.encode("status", forKey: .type)
            try container.encode(status.time, forKey: .time)
            try container.encode(status.status, forKey: .status)
            try container.encodeIfPresent(status.reason, forKey: .reason)
        case .camera(let change):
            try container.encode("camera", forKey: .type)
            try container.encode(change.time, forKey: .time)
            try container.encode(change.tenantID, forKey: .tenant)
            try container.encode(change.change, forKey: .change)
            try container.encode(change.geometryVersion, forKey: .version)
        case .alert(let change):
            let alert = change.alert
            try container.encode("alert", forKey: .type)
            try container.encode(change.time, forKey: .time)
            try container.encode(change.tenantID, forKey: .tenant)
            try container.encodeIfPresent(alert.siteID, forKey: .site)
            try container.encode(alert.id, forKey: .alert)
            try container.encodeIfPresent(alert.ruleID, forKey: .rule)
            try container.encode(alert.state, forKey: .state)
            try container.encode(alert.severity, forKey: .severity)
            try container.encode(alert.kind, forKey: .kind)
            try container.encode(alert.subject, forKey: .subject)
            try container.encode(alert.message, forKey: .message)
            try container.encodeIfPresent(alert.value, forKey: .value)
            try container.encode(alert.firedAt, forKey: .fired)
            try container.encodeIfPresent(alert.acknowledgedAt, forKey: .acknowledged)
            try container.encodeIfPresent(alert.acknowledgedBy, forKey: .acknowledgedBy)
            try container.encodeIfPresent(alert.resolvedAt, forKey: .resolved)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let time = try container.decode(Date.self, forKey: .time)
        let type = try container.decode(String.self, forKey: .type)
        if type == "alert" {
            let alert = Alert(
                id: try container.decode(UUID.self, forKey: .alert), ruleID: try container.decodeIfPresent(UUID.self, forKey: .rule),
                kind: try container.decode(AlertRule.Kind.self, forKey: .kind),
                severity: try container.decode(AlertSeverity.self, forKey: .severity),
                subject: try container.decode(String.self, forKey: .subject),
                cameraID: try container.decodeIfPresent(String.self, forKey: .camera),
                siteID: try container.decodeIfPresent(String.self, forKey: .site),
                message: try container.decode(String.self, forKey: .message),
                value: try container.decodeIfPresent(Double.self, forKey: .value),
                firedAt: try container.decode(Date.self, forKey: .fired),
                acknowledgedAt: try container.decodeIfPresent(Date.self, forKey: .acknowledged),
                acknowledgedBy: try container.decodeIfPresent(String.self, forKey: .acknowledgedBy),
                resolvedAt: try container.decodeIfPresent(Date.self, forKey: .resolved))
            self = .alert(.init(tenantID: try container.decode(UUID.self, forKey: .tenant), alert: alert, time: time))
            return
        }
        let camera = try container.decode(String.self, forKey: .camera)
        switch type {
        case "crossing":
            self = .crossing(.init(
                cameraID: camera, line: try container.decode(String.self, forKey: .line),
                direction: try container.decode(CrossingDirection.self, forKey: .direction),
                trackID: try container.decode(Int.self, forKey: .track), time: time,
                totalIn: try container.decode(Int.self, forKey: .in), totalOut: try container.decode(Int.self, forKey: .out)))
        case "occupancy":
            self = .occupancy(.init(cameraID: camera, zone: try container.decode(String.self, forKey: .zone),
                                    occupancy: try container.decode(Int.self, forKey: .occupancy),
                                    counted: try container.decodeIfPresent(Int.self, forKey: .counted), time: time))
        case "status":
            self = .status(.init(cameraID: camera, status: try container.decode(CameraStatus.self, forKey: .status),
                                 reason: try container.decodeIfPresent(String.self, forKey: .reason), time: time))
        case "camera":
            self = .camera(.init(cameraID: camera, tenantID: try container.decode(UUID.self, forKey: .tenant),
                                 change: try container.decode(CameraChange.Change.self, forKey: .change),
                                 geometryVersion: try container.decode(Int.self, forKey: .version), time: time))
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container,
                                                   debugDescription: "unknown live message type '\(type)'")
        }
    }
}
