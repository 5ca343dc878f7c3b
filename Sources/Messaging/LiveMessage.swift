import CountingCore
import Foundation
import Storage

/// A live update, published by a camera pipeline and pushed to every WebSocket client.
public enum LiveMessage: Hashable, Sendable {
    case crossing(Crossing)
    case occupancy(Occupancy)
    case status(Status)
    /// A camera's settings or its lines and zones changed: pipelines pick the change up at
    /// once, dashboards reload it.
    case camera(CameraChange)
    /// An alert fired, was acknowledged or resolved.
    case alert(AlertChange)

    /// A track crossed a line; `totalIn`/`totalOut` are the line's running totals.
    public struct Crossing: Hashable, Sendable {
        public var cameraID: String
        public var line: String
        public var direction: CrossingDirection
        public var trackID: Int
        public var time: Date
        public var totalIn: Int
        public var totalOut: Int

        public init(cameraID: String, line: String, direction: CrossingDirection, trackID: Int, time: Date,
                    totalIn: Int, totalOut: Int) {
            self.cameraID = cameraID
            self.line = line
            self.direction = direction
            self.trackID = trackID
            self.time = time
            self.totalIn = totalIn
            self.totalOut = totalOut
        }
    }

    /// A zone's occupancy changed: from presence, or from its entrances' counts, or both.
    public struct Occupancy: Hashable, Sendable {
        public var cameraID: String
        public var zone: String
        /// From presence: people seen inside.
        public var occupancy: Int
        /// From the counts of the zone's entrances, for a zone that has some.
        public var counted: Int?
        public var time: Date

        public init(cameraID: String, zone: String, occupancy: Int, counted: Int? = nil, time: Date) {
            self.cameraID = cameraID
            self.zone = zone
            self.occupancy = occupancy
            self.counted = counted
            self.time = time
        }
    }

    /// A camera's status changed.
    public struct Status: Hashable, Sendable {
        public var cameraID: String
        public var status: CameraStatus
        public var reason: String?
        public var time: Date

        public init(cameraID: String, status: CameraStatus, reason: String? = nil, time: Date) {
            self.cameraID = cameraID
            self.status = status
            self.reason = reason
            self.time = time
        }
    }

    /// A camera was added, changed or removed.
    public struct CameraChange: Hashable, Sendable {
        public enum Change: String, Hashable, Sendable, Codable {
            case created, updated, deleted
            /// New lines and zones.
            case geometry
        }

        public var cameraID: String
        /// The tenant the camera belongs to.
        public var tenantID: UUID
        public var change: Change
        /// The camera's geometry version after the change.
        public var geometryVersion: Int
        public var time: Date

        public init(cameraID: String, tenantID: UUID, change: Change, geometryVersion: Int, time: Date) {
            self.cameraID = cameraID
            self.tenantID = tenantID
            self.change = change
            self.geometryVersion = geometryVersion
            self.time = time
        }
    }

    /// An alert as it is now, and the tenant it belongs to.
    public struct AlertChange: Hashable, Sendable {
        public var tenantID: UUID
        public var alert: Alert
        /// When it changed: fired, acknowledged or resolved.
        public var time: Date

        public init(tenantID: UUID, alert: Alert, time: Date) {
            self.tenantID = tenantID
            self.alert = alert
            self.time = time
        }
    }

    /// The camera the message is about; nil for an alert about a whole site or tenant.
    public var cameraID: String? {
        switch self {
        case .crossing(let message): message.cameraID
        case .occupancy(let message): message.cameraID
        case .status(let message): message.cameraID
        case .camera(let message): message.cameraID
        case .alert(let message): message.alert.cameraID
        }
    }
}
