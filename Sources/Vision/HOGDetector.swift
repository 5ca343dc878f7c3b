import COpenCV
import CountingCore

/// OpenCV's built-in HOG people detector: weight-free, slow, and blind to people smaller than
/// its 64×128 window unless the frame is upscaled first.
public final class HOGDetector: PersonDetector {
    public let name = "hog"
    private let handle: OpaquePointer
    private var boxes = [ff_box](repeating: ff_box(), count: 256)
    private var scores = [Float](repeating: 0, count: 256)

    /// - Parameters:
    ///   - upscale: frame scale before detection (1.5 finds people about 85 pixels tall).
    ///   - hitThreshold: SVM margin a window needs to count as a person.
    public init(upscale: Double = 1.0, hitThreshold: Double = 0) throws(VisionError) {
        var error = [CChar](repeating: 0, count: 256)
        guard let handle = ff_hog_create(upscale, hitThreshold, &error, Int32(error.count)) else {
            throw .detectorFailed(detector: "hog", reason: String(errorBuffer: error))
        }
        self.handle = handle
    }

    deinit {
        ff_hog_destroy(handle)
    }

    public func detect(_ frame: Frame) throws(VisionError) -> [Detection] {
        var error = [CChar](repeating: 0, count: 256)
        let capacity = Int32(boxes.count)
        let found = frame.pixels.withUnsafeBufferPointer { pixels in
            ff_hog_detect(handle, pixels.baseAddress, Int32(frame.width), Int32(frame.height), &boxes, &scores,
                          capacity, &error, Int32(error.count))
        }
        guard found >= 0 else { throw .detectorFailed(detector: name, reason: String(errorBuffer: error)) }
        return (0..<Int(min(found, capacity))).map { i in
            Detection(box: Box(x: Double(boxes[i].x), y: Double(boxes[i].y), width: Double(boxes[i].width),
                               height: Double(boxes[i].height)), confidence: Double(scores[i]))
        }
    }
}
