import Foundation
import Storage

/// The current numbers of one camera, as shown on the dashboard.
/// Codable: it travels between processes through the shared live cache as JSON.
public struct CameraLiveState: Hashable, Sendable, Codable {
    public struct LineTotals: Hashable, Sendable, Codable {
        public var name: String
        public var countIn: Int
        public var countOut: Int

        public init(name: String, countIn: Int = 0, countOut: Int = 0) {
            self.name = name
            self.countIn = countIn
            self.countOut = countOut
        }
    }

    public struct ZoneState: Hashable, Sendable, Codable {
        public var name: String
        /// From presence: people seen inside.
        public var occupancy: Int
        /// From the counts of the zone's entrances, for a zone that has some.
        public var countedOccupancy: Int?

        public init(name: String, occupancy: Int = 0, countedOccupancy: Int? = nil) {
            self.name = name
            self.occupancy = occupancy
            self.countedOccupancy = countedOccupancy
        }
    }

    public var cameraID: String
    public var status: CameraStatus
    /// Frames analysed per second, averaged over the last few seconds.
    public var framesPerSecond: Double
    /// Wall-clock time of the last analysed frame.
    public var updated: Date?
    public var lines: [LineTotals]
    public var zones: [ZoneState]
    /// The size of the camera's frames, once the first one arrived (lines and zones are drawn in it).
    public var frameWidth: Int?
    public var frameHeight: Int?
    /// The version of the lines and zones being counted.
    public var geometryVersion: Int?
    /// The share of frames dropped (0…1) over the last few seconds because analysis could not
    /// keep up; nil until known (and for files and pushed detections, which drop nothing).
    public var droppedFraction: Double?
    /// Detection could not keep up and the camera ran at its minimum analysis rate in the last
    /// few seconds; nil until known.
    public var reducedRate: Bool?
    /// The longest time, in seconds, between a crossing and its count: a person must be seen
    /// for a moment before being counted, and a crossing the tracker lost the person during
    /// is counted once the person is found across the line. Nil when not known.
    public var countingDelaySeconds: Double?
    /// The lease the writing worker holds the camera under; nil for a worker counting without
    /// leases. A state stamped with an older lease than one already written is refused, so a
    /// worker that froze and woke up cannot put its stale numbers over its successor's.
    public var leaseToken: Int64?

    public init(cameraID: String, status: CameraStatus = .connecting, framesPerSecond: Double = 0,
                updated: Date? = nil, lines: [LineTotals] = [], zones: [ZoneState] = [], frameWidth: Int? = nil,
                frameHeight: Int? = nil, geometryVersion: Int? = nil, droppedFraction: Double? = nil,
                reducedRate: Bool? = nil, leaseToken: Int64? = nil) {
        self.cameraID = cameraID
        self.status = status
        self.framesPerSecond = framesPerSecond
        self.updated = updated
        self.lines = lines
        self.zones = zones
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.geometryVersion = geometryVersion
        self.droppedFraction = droppedFraction
        self.reducedRate = reducedRate
        self.leaseToken = leaseToken
    }
}
