/// How a camera's people are tracked and counted.
public struct CountingConfiguration: Hashable, Sendable {
    public var tracker: TrackerConfiguration
    /// Half-width of the band around each line where points are ignored, as a fraction of the
    /// person's box height (0.1 of a 100-pixel person: 10 pixels each side).
    public var lineHysteresis: Double
    /// Seconds a person must stay in a zone before counting as inside.
    public var zoneMinimumDwell: Double

    public init(tracker: TrackerConfiguration = .init(), lineHysteresis: Double = 0.1, zoneMinimumDwell: Double = 0) {
        self.tracker = tracker
        self.lineHysteresis = lineHysteresis
        self.zoneMinimumDwell = zoneMinimumDwell
    }
}
