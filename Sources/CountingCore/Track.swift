/// A person followed across frames.
public struct Track: Hashable, Sendable {
    /// Unique within one tracker's lifetime, increasing from 1.
    public let id: Int
    /// The last observed (or, while lost, predicted) box.
    public var box: Box
    /// Estimated motion of the box in pixels per second.
    public var velocity: Point
    /// Number of frames in which a detection was matched to this track.
    public var hits: Int
    /// Stream time of the first and of the latest matched detection, in seconds.
    public var firstSeen: Double
    public var lastSeen: Double
    /// A track is confirmed once it has enough hits; only confirmed tracks are counted.
    public var isConfirmed: Bool

    public init(id: Int, box: Box, time: Double) {
        self.id = id
        self.box = box
        self.velocity = Point(x: 0, y: 0)
        self.hits = 1
        self.firstSeen = time
        self.lastSeen = time
        self.isConfirmed = false
    }
}
