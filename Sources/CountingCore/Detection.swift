/// One person found in one frame by a detector.
public struct Detection: Hashable, Sendable, Codable {
    public var box: Box
    /// Detector confidence in 0...1; weight-free detectors report 1.
    public var confidence: Double
    /// The person's colour signature, when the pipeline made one from the frame. Not part of
    /// the coded form: detections pushed by cameras carry none.
    public var appearance: Appearance? = nil

    public init(box: Box, confidence: Double = 1, appearance: Appearance? = nil) {
        self.box = box
        self.confidence = confidence
        self.appearance = appearance
    }

    private enum CodingKeys: String, CodingKey {
        case box, confidence
    }
}
