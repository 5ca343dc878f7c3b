import CountingCore
import Vision

/// How one camera's pipeline runs.
public struct CameraPipelineConfiguration: Sendable {
    /// Read at the stream's own rate, as a live camera delivers (for files played as cameras).
    public var realTime: Bool
    /// Start a file again at its end.
    public var loop: Bool
    /// Live sources drop the oldest frames when analysis falls behind; files wait for analysis.
    public var latestFrameWins: Bool
    /// Frames waiting between decoder and analysis.
    public var queueCapacity: Int
    /// Stream seconds between two rendered snapshots.
    public var snapshotInterval: Double
    public var detector: DetectorSpecification
    public var counting: CountingConfiguration

    public init(realTime: Bool = true, loop: Bool = false, latestFrameWins: Bool = true, queueCapacity: Int = 2,
                snapshotInterval: Double = 1, detector: DetectorSpecification = .motion(.init()),
                counting: CountingConfiguration = .init()) {
        self.realTime = realTime
        self.loop = loop
        self.latestFrameWins = latestFrameWins
        self.queueCapacity = queueCapacity
        self.snapshotInterval = snapshotInterval
        self.detector = detector
        self.counting = counting
    }
}
