import CountingCore

/// A camera, where its video comes from, how it is analysed and what is drawn on it.
public struct Camera: Hashable, Sendable {
    /// Short stable identifier used in URLs: letters, digits, `-` and `_`.
    public var id: String
    public var name: String
    /// Where the video comes from: a file path or URL, or `external`. May hold credentials;
    /// never log it raw, never return it through the API.
    public var source: String
    public var geometry: Geometry
    /// The version of `geometry`: 1 at first, one more for each change (set by the store).
    public var geometryVersion: Int
    /// The site the camera belongs to; nil for none.
    public var siteID: String?
    /// The detector: `motion`, `motion-fast`, `hog`, `ssd`, or `onnx:` and a model path.
    public var detector: String
    /// Frames analysed per second at most; nil analyses every frame.
    public var analysisRate: Double?
    /// A disabled camera is kept but not counted.
    public var enabled: Bool

    public init(id: String, name: String, source: String, geometry: Geometry, geometryVersion: Int = 1,
                siteID: String? = nil, detector: String = Camera.defaultDetector, analysisRate: Double? = nil,
                enabled: Bool = true) {
        self.id = id
        self.name = name
        self.source = source
        self.geometry = geometry
        self.geometryVersion = geometryVersion
        self.siteID = siteID
        self.detector = detector
        self.analysisRate = analysisRate
        self.enabled = enabled
    }

    /// The detector a camera uses unless told otherwise.
    public static let defaultDetector = "motion"

    /// Checks the fields; the error names the first bad one.
    public func validate() throws(StorageError) {
        try Validation.identifier(id, field: "camera.id")
        try Validation.name(name, field: "camera.name")
        if source.isEmpty || source.count > 2_000 {
            throw .invalidInput(field: "camera.source", reason: "a source path or URL of at most 2000 characters is required")
        }
        if source.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidInput(field: "camera.source", reason: "a source must not contain control characters")
        }
        if let siteID { try Validation.identifier(siteID, field: "camera.siteID") }
        if detector.isEmpty || detector.count > 500
            || detector.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidInput(field: "camera.detector", reason: "a detector name of at most 500 characters is required")
        }
        if let analysisRate, !(analysisRate > 0 && analysisRate <= 100) {
            throw .invalidInput(field: "camera.analysisRate", reason: "frames per second must be more than 0 and at most 100")
        }
        if geometryVersion < 1 {
            throw .invalidInput(field: "camera.geometryVersion", reason: "versions start at 1")
        }
        do throws(CountingCoreError) {
            try geometry.validate()
        } catch {
            switch error {
            case .invalidGeometry(let field, let reason):
                throw .invalidInput(field: "camera.geometry.\(field)", reason: reason)
            }
        }
    }
}
