/// Parameters of the weight-free motion detector.
public struct MotionDetectorConfiguration: Hashable, Sendable {
    /// Frames of history in the background model.
    public var history: Int
    /// MOG2 variance threshold; higher ignores more noise.
    public var varianceThreshold: Double
    /// The frame is scaled by this factor before detection (0 < scale ≤ 1): faster, and
    /// morphology at a fixed kernel size then works on larger objects.
    public var scale: Double
    /// Blobs smaller than this many source pixels are ignored.
    public var minimumArea: Double
    /// How big a person looks across the image; when set, blobs of several people are split.
    public var personSize: PersonSize?

    public init(history: Int = 300, varianceThreshold: Double = 32, scale: Double = 0.5, minimumArea: Double = 400,
                personSize: PersonSize? = nil) {
        self.history = history
        self.varianceThreshold = varianceThreshold
        self.scale = scale
        self.minimumArea = minimumArea
        self.personSize = personSize
    }
}
