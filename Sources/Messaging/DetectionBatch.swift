import CountingCore
import Foundation

/// The people a smart camera found in one of its frames, pushed to Footfall.
public struct DetectionBatch: Hashable, Sendable, Codable {
    /// When the camera took the frame.
    public var time: Date
    public var detections: [Detection]

    public init(time: Date, detections: [Detection]) {
        self.time = time
        self.detections = detections
    }
}
