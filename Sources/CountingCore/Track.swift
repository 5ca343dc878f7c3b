/// A person followed across frames, as the tracker reports it.
public struct Track: Hashable, Sendable, Codable {
    /// Unique within one tracker's lifetime, increasing from 1.
    public let id: Int
    /// The filtered box after the last matched detection (or the prediction while lost).
    public var box: Box
    /// The detection matched in the last step in which the track was matched.
    public var detection: Box
    /// Estimated motion of the box centre in pixels per second.
    public var velocity: Point
    /// Number of steps in which a detection was matched to this track.
    public var hits: Int
    /// Stream time of the first and of the latest matched detection, in seconds.
    public var firstSeen: Double
    public var lastSeen: Double
    /// Confidence of the last matched detection.
    public var score: Double
    /// A track is confirmed once it has enough hits; only confirmed tracks are counted.
    public var isConfirmed: Bool
    /// The person's colour signature, a running blend of the matched detections' signatures
    /// (nil until a detection with one is matched).
    public var appearance: Appearance?

    public init(id: Int, box: Box, score: Double, time: Double) {
        self.id = id
        self.box = box
        self.detection = box
        self.velocity = Point(x: 0, y: 0)
        self.hits = 1
        self.firstSeen = time
        self.lastSeen = time
        self.score = score
        self.isConfirmed = false
        self.appearance = nil
    }
}
