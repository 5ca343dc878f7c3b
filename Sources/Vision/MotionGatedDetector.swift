import CountingCore

/// Runs a costly detector only on frames where something moves: the weight-free motion
/// detector looks first, and a still scene costs only that.
public final class MotionGatedDetector: GeometryAwareDetector {
    public let name: String
    public let inner: any PersonDetector
    private let motion: MotionDetector
    /// Frames the inner detector ran on, and frames it was spared.
    public private(set) var detectedFrames = 0
    public private(set) var skippedFrames = 0
    public var inputsRun: Int? { inner.inputsRun ?? detectedFrames }

    public init(inner: any PersonDetector, motion: MotionDetectorConfiguration = .init()) throws(VisionError) {
        self.inner = inner
        self.name = "\(inner.name)+motion-gate"
        self.motion = try MotionDetector(configuration: motion)
    }

    public func detect(_ frame: Frame) throws(VisionError) -> [Detection] {
        // The background model must see every frame, moving or not.
        guard try !motion.detect(frame).isEmpty else {
            skippedFrames += 1
            return []
        }
        detectedFrames += 1
        return try inner.detect(frame)
    }

    /// Passes new lines and zones on to the gated detector, if it looks where they are.
    public func use(_ geometry: Geometry) {
        (inner as? any GeometryAwareDetector)?.use(geometry)
    }
}
