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

    public init(id: String, cameraID: String, line: String, direction: CrossingDirection, trackID: Int, time: Date) {
        self.id = id
        self.cameraID = cameraID
        self.line = line
        self.direction = direction
        self.trackID = trackID
        self.time = time
    }
}
