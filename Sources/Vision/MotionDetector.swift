import COpenCV
import CountingCore

/// The weight-free default detector: background subtraction (MOG2, or one Gaussian per pixel),
/// morphology, and one box per moving blob — or, given the expected person size, one per
/// person in a blob.
public final class MotionDetector: PersonDetector {
    public let name = "motion"
    public let configuration: MotionDetectorConfiguration
    private let handle: OpaquePointer
    private var boxes = [ff_box](repeating: ff_box(), count: 256)

    public init(configuration: MotionDetectorConfiguration = .init()) throws(VisionError) {
        self.configuration = configuration
        var error = [CChar](repeating: 0, count: 256)
        guard let handle = ff_motion_create(
            Int32(configuration.history), configuration.varianceThreshold, configuration.scale,
            configuration.minimumArea, configuration.grey ? 1 : 0, configuration.background == .gaussian ? 1 : 0,
            &error, Int32(error.count))
        else {
            throw .detectorFailed(detector: "motion", reason: String(errorBuffer: error))
        }
        self.handle = handle
    }

    deinit {
        ff_motion_destroy(handle)
    }

    public func detect(_ frame: Frame) throws(VisionError) -> [Detection] {
        var error = [CChar](repeating: 0, count: 256)
        let capacity = Int32(boxes.count)
        let found = frame.pixels.withUnsafeBufferPointer { pixels in
            ff_motion_detect(handle, pixels.baseAddress, Int32(frame.width), Int32(frame.height),
                             &boxes, capacity, &error, Int32(error.count))
        }
        guard found >= 0 else {
            throw .detectorFailed(detector: name, reason: String(errorBuffer: error))
        }
        let blobs = boxes.prefix(Int(min(found, capacity))).map {
            Box(x: Double($0.x), y: Double($0.y), width: Double($0.width), height: Double($0.height))
        }
        let people = configuration.personSize.map { BlobSplitter(personSize: $0).split(blobs) } ?? blobs
        return people.map { Detection(box: $0) }
    }
}
