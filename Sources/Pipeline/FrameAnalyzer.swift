import CountingCore
import Vision

/// Detect → track → count for one camera: the part of the pipeline shared by live cameras
/// and offline counting. Used from one thread or task at a time.
public struct FrameAnalyzer {
    public let detector: any PersonDetector
    public private(set) var engine: CountingEngine

    public init(detector: any PersonDetector, geometry: Geometry, counting: CountingConfiguration = .init()) {
        self.detector = detector
        self.engine = CountingEngine(geometry: geometry, configuration: counting)
    }

    /// Runs the detector and the counting engine on one frame.
    public mutating func analyze(_ frame: Frame) throws(VisionError) -> [CountingEvent] {
        let detections = try detector.detect(frame)
        return engine.step(detections: detections, time: frame.time)
    }

    /// Runs the detector on one of `inference`'s threads, then the counting engine here.
    public mutating func analyze(_ frame: Frame, on inference: InferenceService) async throws -> [CountingEvent] {
        let detector = DetectorHandOver(detector: detector)
        let detections = try await inference.run { try detector.detector.detect(frame) }
        return engine.step(detections: detections, time: frame.time)
    }

    /// Runs the counting engine on detections found elsewhere (a smart camera's).
    public mutating func step(detections: [Detection], time: Double) -> [CountingEvent] {
        engine.step(detections: detections, time: time)
    }

    /// Current occupancy of each zone, in geometry order.
    public var occupancies: [Int] { engine.zoneCounters.map(\.occupancy) }

    /// Counts with new lines and zones from the next frame on (see `CountingEngine.setGeometry`).
    public mutating func setGeometry(_ geometry: Geometry) {
        engine.setGeometry(geometry)
        (detector as? any GeometryAwareDetector)?.use(geometry)
    }
}

/// A camera's detector handed to an inference thread.
// @unchecked: a detector is used by one thread at a time, and the camera waits for its job
// to finish before it touches the detector again.
private struct DetectorHandOver: @unchecked Sendable {
    let detector: any PersonDetector
}
