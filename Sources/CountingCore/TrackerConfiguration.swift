/// Thresholds of the tracker. Times are in seconds so behaviour does not depend on the frame rate.
public struct TrackerConfiguration: Hashable, Sendable {
    /// Minimum IoU between a predicted track box and a detection to match them directly.
    public var minimumIoU: Double
    /// When boxes do not overlap enough, a detection whose centre lies within this many
    /// box heights of the predicted centre may still match (fast movers, low frame rates).
    public var maximumCentreDistance: Double
    /// Matched frames needed before a track is confirmed and counted.
    public var hitsToConfirm: Int
    /// A track not matched for this long is removed.
    public var maximumLostSeconds: Double
    /// Detections below this confidence never start a track.
    public var minimumConfidence: Double

    public init(
        minimumIoU: Double = 0.2,
        maximumCentreDistance: Double = 0.6,
        hitsToConfirm: Int = 3,
        maximumLostSeconds: Double = 1.0,
        minimumConfidence: Double = 0.3
    ) {
        self.minimumIoU = minimumIoU
        self.maximumCentreDistance = maximumCentreDistance
        self.hitsToConfirm = hitsToConfirm
        self.maximumLostSeconds = maximumLostSeconds
        self.minimumConfidence = minimumConfidence
    }
}
