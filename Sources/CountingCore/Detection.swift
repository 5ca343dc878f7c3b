/// One person found in one frame by a detector.
public struct Detection: Hashable, Sendable, Codable {
    public var box: Box
    /// Detector confidence in 0...1; weight-free detectors report 1.
    public var confidence: Double

    public init(box: Box, confidence: Double = 1) {
        self.box = box
        self.confidence = confidence
    }
}
