import Storage
import Vision

/// Turns a camera's detector name (`motion`, `hog`, `onnx:MODEL`) into the detector to run.
enum DetectorChoice {
    /// The specification for `name`; unknown names fall back to motion, which needs no model.
    static func specification(for name: String, dataDirectory: String) -> DetectorSpecification {
        switch name {
        case "hog":
            return .hog(upscale: 1.5)
        case let onnx where onnx.hasPrefix("onnx:"):
            let model = dataDirectory + "/models/" + String(onnx.dropFirst(5))
            return .onnx(modelPath: model, inputSize: 640, family: .v8, confidenceThreshold: 0.25)
        default:
            return .motion(.init())
        }
    }
}
