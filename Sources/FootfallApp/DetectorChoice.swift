import CountingCore
import Storage
import Vision

/// Turns a camera's detector name (`motion`, `motion-fast`, `hog`, `ssd`, `onnx:MODEL`) into the
/// detector to run.
enum DetectorChoice {
    /// The specification for `camera`'s detector, and a sentence for the log saying which and
    /// why. `ssd` without an installed model falls back to motion, which needs none.
    static func specification(for camera: Camera, dataDirectory: String) -> (specification: DetectorSpecification, reason: String) {
        switch camera.detector {
        case "hog":
            return (.hog(upscale: 1.5), "detector hog")
        case "motion-fast":
            return (.motion(.init(background: .gaussian)), "detector motion-fast")
        case "ssd":
            // The demo video's people have a known size; other cameras have no such setting yet.
            let personSize = camera.id == DemoCamera.id ? DemoCamera.personSize : nil
            return DefaultDetector.choose(dataDirectory: dataDirectory, geometry: camera.geometry, personSize: personSize)
        case let onnx where onnx.hasPrefix("onnx:"):
            let model = dataDirectory + "/models/" + String(onnx.dropFirst(5))
            return (.onnx(modelPath: model, inputSize: 640, family: .v8, confidenceThreshold: 0.25), "detector onnx \(model)")
        default:
            return (.motion(.init()), "detector motion")
        }
    }
}
