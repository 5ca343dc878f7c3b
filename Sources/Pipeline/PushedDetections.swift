import CountingCore
import Vision

/// The detector of a camera that pushes its own detections: it never sees a frame.
final class PushedDetections: PersonDetector {
    let name = "external"

    func detect(_ frame: Frame) throws(VisionError) -> [Detection] {
        throw .detectorFailed(detector: name, reason: "this camera pushes its detections; it sends no frames")
    }
}
