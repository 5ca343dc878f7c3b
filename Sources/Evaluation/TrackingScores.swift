/// CLEAR-MOT and identity scores of tracks against ground truth.
public struct TrackingScores: Hashable, Sendable {
    /// 1 − (misses + false positives + identity switches) / ground-truth boxes.
    public var mota: Double
    /// Mean `1 − IoU` of matched pairs (lower is better), as py-motmetrics reports it.
    public var motp: Double
    /// Identity F1: 2 · IDTP / (ground-truth boxes + track boxes).
    public var idf1: Double
    public var identitySwitches: Int
    public var falsePositives: Int
    public var misses: Int
    public var matches: Int
    public var groundTruthBoxes: Int
    public var trackBoxes: Int
}
