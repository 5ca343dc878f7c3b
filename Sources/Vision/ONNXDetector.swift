import COpenCV
import CountingCore

/// A YOLO person model (v5, v8 or 11 family) exported to ONNX, run with OpenCV's DNN module on
/// the CPU. Frames are letterboxed to the model's square input; see `YOLODecoder` for the rest.
///
/// The model is checked when the detector is made, with one run on a blank frame: a model that
/// cannot load, cannot run or gives outputs of the wrong shape fails then, not at the first
/// camera frame. Debian's OpenCV 4.6 cannot run some exports as they come (see
/// `docs/detectors.md`); the error then says to prepare the model with
/// `scripts/prepare_onnx_model.py`.
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
            let message = String(errorBuffer: error)
            throw .detectorFailed(detector: "onnx", reason: "cannot load \(modelPath): \(message)"
                                  + Self.preparationHint(for: message, modelPath: modelPath))
        }
        self.handle = handle
        self.decoder = decoder
        self.inputSize = inputSize
        self.output = [Float](repeating: 0, count: maximumOutput)
        let blank = Frame(width: inputSize, height: inputSize,
                          pixels: [UInt8](repeating: 114, count: inputSize * inputSize * 3), index: 0, time: 0)
        do {
            _ = try detect(blank)
        } catch {
            let reason = switch error {
            case .detectorFailed(_, let reason): reason
            default: error.description
            }
            throw .detectorFailed(detector: "onnx", reason: "\(modelPath) does not run: \(reason)"
                                  + Self.preparationHint(for: reason, modelPath: modelPath))
        }
    }

    /// What to do about the OpenCV 4.6 failures that preparing the model fixes.
    static func preparationHint(for message: String, modelPath: String) -> String {
        let identity = message.contains("Identity")
        // A constant OpenCV 4.6 cannot broadcast fails this generic shape assertion at forward.
        let broadcast = message.contains("shape_utils.hpp") && message.contains("total")
        guard identity || broadcast else { return "" }
        let what = identity ? "Identity nodes" : "constants it would have to broadcast (YOLOv8/11 box strides)"
        return " — OpenCV 4.6 cannot run this export's \(what); prepare the model once with "
            + "`python3 scripts/prepare_onnx_model.py \(modelPath) prepared.onnx` and use prepared.onnx"
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
