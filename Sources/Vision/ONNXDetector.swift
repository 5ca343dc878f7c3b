import COpenCV
import CountingCore

/// A YOLO person model (v5, v8 or 11 family) exported to ONNX, run with OpenCV's DNN module on
/// the CPU. Frames are letterboxed to the model's square input; see `YOLODecoder` for the rest.
///
/// Debian's OpenCV 4.6 cannot run some exports as they come (see `docs/detectors.md`): such a
/// model fails here with OpenCV's message, at load or at the first frame.
public final class ONNXDetector: PersonDetector {
    public let name = "onnx"
    public let decoder: YOLODecoder
    public let inputSize: Int
    private let handle: OpaquePointer
    private var output: [Float]
    private var dims = [Int32](repeating: 0, count: 8)

    /// - Parameters:
    ///   - modelPath: the `.onnx` file.
    ///   - inputSize: the square input the model was exported for (640, 320, …).
    ///   - maximumOutput: floats the output may hold (YOLOv8 at 640: 84 × 8,400).
    public init(modelPath: String, inputSize: Int = 640, decoder: YOLODecoder,
                maximumOutput: Int = 4 * 1024 * 1024) throws(VisionError) {
        var error = [CChar](repeating: 0, count: 512)
        guard let handle = ff_dnn_create(modelPath, Int32(inputSize), &error, Int32(error.count)) else {
            throw .detectorFailed(detector: "onnx", reason: "cannot load \(modelPath): \(String(errorBuffer: error))")
        }
        self.handle = handle
        self.decoder = decoder
        self.inputSize = inputSize
        self.output = [Float](repeating: 0, count: maximumOutput)
    }

    deinit {
        ff_dnn_destroy(handle)
    }

    public func detect(_ frame: Frame) throws(VisionError) -> [Detection] {
        var error = [CChar](repeating: 0, count: 512)
        var rank: Int32 = 0
        let capacity = Int32(output.count)
        let count = frame.pixels.withUnsafeBufferPointer { pixels in
            ff_dnn_forward(handle, pixels.baseAddress, Int32(frame.width), Int32(frame.height), &output, capacity,
                           &dims, &rank, &error, Int32(error.count))
        }
        guard count >= 0 else { throw .detectorFailed(detector: name, reason: String(errorBuffer: error)) }
        let shape = dims.prefix(Int(rank)).map(Int.init)
        return try decoder.decode(Array(output.prefix(Int(count))), shape: shape,
                                  letterbox: Letterbox(sourceWidth: frame.width, sourceHeight: frame.height, inputSize: inputSize))
    }
}
