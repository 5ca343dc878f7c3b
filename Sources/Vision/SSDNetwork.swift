import COpenCV
import CountingCore

/// A TensorFlow SSD person detector loaded into OpenCV's DNN module: one forward pass over
/// one or several inputs (a batch), each a frame or a rectangle of one.
///
/// Loading checks the model: a file that is not a TensorFlow graph, a text graph that does
/// not describe an SSD detector, a model with other classes than expected, or one that cannot
/// run fails here with the reason, not at the first frame.
///
/// Not `Sendable`: one network is used by one thread at a time.
public final class SSDNetwork {
    public let graphPath: String
    public let textGraphPath: String
    /// Classes the model detects; the first is the person.
    public let classes: Int
    private let handle: OpaquePointer
    private var rows: [Float] = []

    /// Rows the network returns per input at most (its `keep_top_k`).
    static let rowsPerInput = 200

    public init(graphPath: String, textGraphPath: String, classes: Int = 1) throws(VisionError) {
        var error = [CChar](repeating: 0, count: 1024)
        guard let handle = ff_ssd_create(graphPath, textGraphPath, Int32(classes), &error, Int32(error.count)) else {
            let message = String(errorBuffer: error)
            let reason = message.contains("classes per box")
                ? message + "; Footfall's ssd detector needs a model of \(classes) class\(classes == 1 ? " (person)" : "es")"
                : SSDTextGraph.explain(message)
            throw .modelInvalid(path: graphPath, reason: reason)
        }
        self.handle = handle
        self.graphPath = graphPath
        self.textGraphPath = textGraphPath
        self.classes = classes
        let blank = Frame(width: 300, height: 300, pixels: [UInt8](repeating: 114, count: 300 * 300 * 3), index: 0, time: 0)
        do {
            _ = try detect([FrameCrop(frame: blank)], inputWidth: 300, inputHeight: 300)
        } catch {
            throw .modelInvalid(path: graphPath, reason: "the model does not run: \(error)")
        }
    }

    /// Loads an installed model.
    public convenience init(model: SSDModel) throws(VisionError) {
        try self.init(graphPath: model.graphPath, textGraphPath: model.textGraphPath,
                      classes: max(1, model.manifest.classes.count))
    }

    deinit {
        ff_ssd_destroy(handle)
    }

    /// Runs the network once on all `crops` together, each resized to `inputWidth` ×
    /// `inputHeight` (not resized when it has that size). Returns one list per crop: the people
    /// scored at least `minimumScore`, boxes in pixels of the crop's frame, clipped to the crop.
    /// Results are the same as running the crops one by one.
    public func detect(_ crops: [FrameCrop], inputWidth: Int, inputHeight: Int,
                       minimumScore: Double = 0) throws(VisionError) -> [[Detection]] {
        guard !crops.isEmpty else { return [] }
        let capacity = Self.rowsPerInput * crops.count
        if rows.count < capacity * 7 { rows = [Float](repeating: 0, count: capacity * 7) }
        var error = [CChar](repeating: 0, count: 1024)
        var pinned: [ff_crop] = []
        pinned.reserveCapacity(crops.count)
        let count = Self.withPinned(crops, 0, &pinned) { inputs in
            ff_ssd_forward(handle, inputs, Int32(inputs.count), Int32(inputWidth), Int32(inputHeight),
                           &rows, Int32(capacity), &error, Int32(error.count))
        }
        guard count >= 0 else { throw .detectorFailed(detector: "ssd", reason: String(errorBuffer: error)) }
        var found = [[Detection]](repeating: [], count: crops.count)
        for row in 0..<Int(count) {
            let base = row * 7
            let index = Int(rows[base])
            // Label 1 is the model's first class, the person; 0 would be the background.
            guard index >= 0, index < crops.count, Int(rows[base + 1]) == 1, Double(rows[base + 2]) >= minimumScore else { continue }
            let crop = crops[index]
            let left = Double(crop.x) + Double(min(max(rows[base + 3], 0), 1)) * Double(crop.width)
            let top = Double(crop.y) + Double(min(max(rows[base + 4], 0), 1)) * Double(crop.height)
            let right = Double(crop.x) + Double(min(max(rows[base + 5], 0), 1)) * Double(crop.width)
            let bottom = Double(crop.y) + Double(min(max(rows[base + 6], 0), 1)) * Double(crop.height)
            guard right > left, bottom > top else { continue }
            found[index].append(Detection(box: Box(x: left, y: top, width: right - left, height: bottom - top),
                                          confidence: Double(rows[base + 2])))
        }
        return found
    }

    /// Calls `body` with every crop's pixels pinned in memory.
    private static func withPinned<R>(_ crops: [FrameCrop], _ index: Int, _ pinned: inout [ff_crop],
                                      _ body: ([ff_crop]) -> R) -> R {
        guard index < crops.count else { return body(pinned) }
        let crop = crops[index]
        return crop.frame.pixels.withUnsafeBufferPointer { pixels in
            pinned.append(ff_crop(bgr: pixels.baseAddress, image_width: Int32(crop.frame.width),
                                  image_height: Int32(crop.frame.height), x: Int32(crop.x), y: Int32(crop.y),
                                  width: Int32(crop.width), height: Int32(crop.height)))
            return withPinned(crops, index + 1, &pinned, body)
        }
    }
}
