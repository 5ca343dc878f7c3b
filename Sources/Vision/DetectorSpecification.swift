import CountingCore

/// Which detector a camera uses and with what parameters: the "AI model" entry of a camera.
public enum DetectorSpecification: Hashable, Sendable {
    /// Background subtraction; weight-free, the fallback when no trained model is installed.
    case motion(MotionDetectorConfiguration)
    /// OpenCV's HOG people detector; weight-free, slow.
    case hog(upscale: Double)
    /// A YOLO ONNX model.
    case onnx(modelPath: String, inputSize: Int, family: YOLODecoder.Family, confidenceThreshold: Double)
    /// The trained SSD person detector (`footfall models install ssdlite`).
    case ssd(SSDDetectorConfiguration)
    /// Another detector, run only on frames where the motion detector sees movement.
    indirect case motionGated(DetectorSpecification)

    /// Creates the detector; a bad model file or parameter fails here, with the reason.
    public func makeDetector() throws(VisionError) -> any PersonDetector {
        switch self {
        case .motion(let configuration):
            return try MotionDetector(configuration: configuration)
        case .hog(let upscale):
            return try HOGDetector(upscale: upscale)
        case .onnx(let path, let size, let family, let threshold):
            return try ONNXDetector(modelPath: path, inputSize: size,
                                    decoder: YOLODecoder(family: family, confidenceThreshold: threshold))
        case .ssd(let configuration):
            return try SSDDetector(configuration: configuration)
        case .motionGated(let inner):
            return try MotionGatedDetector(inner: inner.makeDetector())
        }
    }

    /// The same detector, told a camera's lines and zones: the ssd detector in region mode looks
    /// where they are. Other detectors do not use them.
    public func placing(_ geometry: Geometry) -> DetectorSpecification {
        switch self {
        case .ssd(var configuration):
            configuration.geometry = geometry
            return .ssd(configuration)
        case .motionGated(let inner):
            return .motionGated(inner.placing(geometry))
        default:
            return self
        }
    }

    /// The counting settings to run this detector with: the ssd detector's scores need lower
    /// tracker thresholds (`SSDDetectorConfiguration.tracking`). Detectors that see a person
    /// standing still (ssd, hog, onnx, not behind the motion gate) stop counting someone in a
    /// zone's occupancy once unseen for `presenceSeconds`. Motion, and a detector run only when
    /// something moves, lose a person who stops as well as one who leaves, so theirs count
    /// until the track ends.
    public var recommendedCounting: CountingConfiguration {
        switch self {
        case .ssd:
            return CountingConfiguration(tracker: SSDDetectorConfiguration.tracking, zonePresenceSeconds: Self.presenceSeconds)
        case .hog, .onnx:
            return CountingConfiguration(zonePresenceSeconds: Self.presenceSeconds)
        case .motionGated(let inner):
            var counting = inner.recommendedCounting
            counting.zonePresenceSeconds = 0
            return counting
        case .motion:
            return CountingConfiguration()
        }
    }

    /// `CountingConfiguration.zonePresenceSeconds` for detectors that see people standing still:
    /// half the tracker's default time for keeping a lost person (0.5 s).
    public static let presenceSeconds = TrackerConfiguration().maximumLostSeconds / 2

    /// A short description for logs: `ssd (regions, models/ssdlite)`, `motion`.
    public var summary: String {
        switch self {
        case .motion(let configuration): return configuration.detectorName
        case .hog(let upscale): return "hog (upscale \(upscale))"
        case .onnx(let path, let size, let family, _): return "onnx (\(family.rawValue), \(size), \(path))"
        case .ssd(let configuration):
            let mode = switch configuration.mode {
            case .resized(let width, let height): "\(width)×\(height)"
            case .native: "native size"
            case .regions: "regions at native scale"
            }
            return "ssd (\(mode), \(configuration.modelDirectory))"
        case .motionGated(let inner): return inner.summary + " behind a motion gate"
        }
    }
}
