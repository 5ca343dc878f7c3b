import CountingCore
import Foundation

/// One stored line crossing.
public struct CrossingRecord: Hashable, Sendable {
    /// De-duplication key: the same crossing delivered twice is stored once.
    public var id: String
    public var cameraID: String
    public var line: String
    public var direction: CrossingDirection
    public var trackID: Int
    public var time: Date
    /// The version of the camera's lines and zones the crossing was counted with.
    public var geometryVersion: Int

    public init(id: String, cameraID: String, line: String, direction: CrossingDirection, trackID: Int, time: Date,
                geometryVersion: Int = 1) {
        self.id = id
        self.cameraID = cameraID
        self.line = line
        self.direction = direction
        self.trackID = trackID
        self.time = time
        self.geometryVersion = geometryVersion
    }
}
