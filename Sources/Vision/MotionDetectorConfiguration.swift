/// Parameters of the weight-free motion detector.
public struct MotionDetectorConfiguration: Hashable, Sendable {
    /// How the background is modelled at each pixel.
    public enum Background: String, CaseIterable, Hashable, Sendable {
        /// OpenCV's MOG2: a mixture of Gaussians, shadows left out.
        case mixture
        /// One Gaussian, with the same history, variance threshold and shadow test, at a
        /// fraction of the mixture's cost.
        case gaussian
    }

    /// Frames of history in the background model.
    public var history: Int
    /// Squared distance from the background, in variances, beyond which a pixel is moving
    /// (MOG2's variance threshold); higher ignores more noise.
    public var varianceThreshold: Double
    /// The frame is scaled by this factor before detection (0 < scale ≤ 1): faster. The
    /// morphology kernels, tuned at 0.5, follow the scale.
    public var scale: Double
    /// Blobs smaller than this many source pixels are ignored.
    public var minimumArea: Double
    /// Model the background in grey rather than colour: a third of the work per pixel.
    public var grey: Bool
    /// How big a person looks across the image; when set, blobs of several people are split.
    public var personSize: PersonSize?
    /// The background model.
    public var background: Background

    /// The detector name a camera gives to run this model: `motion` or `motion-fast`.
    public var detectorName: String { background == .gaussian ? "motion-fast" : "motion" }

    /// The defaults: MOG2 with 300 frames of history and threshold 32, in colour at half scale,
    /// blobs of at least 400 source pixels, not split.
    public init(history: Int = 300, varianceThreshold: Double = 32, scale: Double = 0.5, minimumArea: Double = 400,
                grey: Bool = false, personSize: PersonSize? = nil, background: Background = .mixture) {
        self.grey = grey
        self.background = background
        self.history = history
        self.varianceThreshold = varianceThreshold
        self.scale = scale
        self.minimumArea = minimumArea
        self.personSize = personSize
    }
}
