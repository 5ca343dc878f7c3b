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
    /// The fencing token of the camera lease the crossing was counted under, when a worker
    /// counts under a lease (see `CountStore.recordLease`). Not stored: reading a crossing
    /// back gives nil.
    public var leaseToken: Int64?
    /// When the worker counted the crossing, by its wall clock; the fence judges by it. `time`
    /// is when it happened in the stream, which lags the wall clock by as long as the worker
    /// was frozen or slow to start. Not stored; nil: `time`.
    public var countedAt: Date?

    public init(id: String, cameraID: String, line: String, direction: CrossingDirection, trackID: Int, time: Date,
                geometryVersion: Int = 1, leaseToken: Int64? = nil, countedAt: Date? = nil) {
        self.id = id
        self.cameraID = cameraID
        self.line = line
        self.direction = direction
        self.trackID = trackID
        self.time = time
        self.geometryVersion = geometryVersion
        self.leaseToken = leaseToken
        self.countedAt = countedAt
    }

    /// Whether a camera's fence refuses this crossing: it was counted (`countedAt`, else
    /// `time`) under an older lease than the newest recorded for the camera, at or after that
    /// lease began (a worker that lost its lease and went on counting). Crossings counted before
    /// the hand-over and delivered late are kept; crossings without a token are never fenced.
    public func isFenced(newestToken: Int64?, acquiredAt: Date?) -> Bool {
        guard let leaseToken, let newestToken, let acquiredAt else { return false }
        return leaseToken < newestToken && (countedAt ?? time) >= acquiredAt
    }
}
