import CountingCore
import FootfallSupport
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

    /// Counts on with `engine` (read from a checkpoint) in place of this one.
    public mutating func resume(with engine: CountingEngine) {
        self.engine = engine
    }

    /// What detection did on the last frame analysed, for the model's figures.
    public struct DetectionFigures: Hashable, Sendable {
        /// Time spent detecting (not waiting for an inference thread).
        public var seconds: Double
        /// Network inputs run (1 for detectors that do not count them).
        public var regions: Int
        public var detections: Int
    }

    public private(set) var lastDetection = DetectionFigures(seconds: 0, regions: 0, detections: 0)

    /// Runs the detector and the counting engine on one frame.
    public mutating func analyze(_ frame: Frame) throws(VisionError) -> [CountingEvent] {
        let (detections, figures) = try Self.detect(frame, with: detector)
        lastDetection = figures
        return engine.step(detections: withAppearance(detections, frame: frame), time: frame.time)
    }

    /// Runs the detector on one of `inference`'s threads, then the counting engine here.
    public mutating func analyze(_ frame: Frame, on inference: InferenceService) async throws -> [CountingEvent] {
        let handOver = DetectorHandOver(detector: detector)
        let (detections, figures) = try await inference.run { try Self.detect(frame, with: handOver.detector) }
        lastDetection = figures
        return engine.step(detections: withAppearance(detections, frame: frame), time: frame.time)
    }

    private func withAppearance(_ detections: [Detection], frame: Frame) -> [Detection] {
        guard engine.configuration.usesAppearance, !detections.isEmpty else { return detections }
        return Self.addingAppearance(to: detections, frame: frame, geometry: engine.geometry)
    }

    private static func detect(_ frame: Frame, with detector: any PersonDetector) throws(VisionError)
        -> ([Detection], DetectionFigures)
    {
        let clock = ContinuousClock()
        let inputsBefore = detector.inputsRun
        let started = clock.now
        let detections = try detector.detect(frame)
        let elapsed = started.duration(to: clock.now)
        let regions = detector.inputsRun.map { $0 - (inputsBefore ?? 0) } ?? 1
        return (detections, DetectionFigures(seconds: elapsed.inSeconds, regions: regions, detections: detections.count))
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
