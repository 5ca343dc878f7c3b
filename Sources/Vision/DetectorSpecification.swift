/// Which detector a camera uses and with what parameters: the "AI model" entry of a camera.
public enum DetectorSpecification: Hashable, Sendable {
    /// Background subtraction; weight-free, the default.
    case motion(MotionDetectorConfiguration)
    /// OpenCV's HOG people detector; weight-free, slow.
    case hog(upscale: Double)
    /// A YOLO ONNX model.
    case onnx(modelPath: String, inputSize: Int, family: YOLODecoder.Family, confidenceThreshold: Double)
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
        case .motionGated(let inner):
            return try MotionGatedDetector(inner: inner.makeDetector())
        }
    }
}
