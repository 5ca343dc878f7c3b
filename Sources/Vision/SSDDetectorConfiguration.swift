import CountingCore

/// Parameters of the trained SSD person detector.
public struct SSDDetectorConfiguration: Hashable, Sendable {
    /// How a frame is given to the network.
    public enum Mode: Hashable, Sendable {
        /// The whole frame resized to this input (300 × 300 is the model's training size): the
        /// cheapest; people under about 80 pixels tall are often missed.
        case resized(width: Int, height: Int)
        /// The whole frame at its own size: finds small people, costs the most.
        case native
        /// Tiles at native scale where it matters (see `RegionPlanner`).
        case regions
    }

    /// An installed model's directory (`<data-dir>/models/ssdlite`).
    public var modelDirectory: String
    public var mode: Mode
    /// People scored below this are dropped (0.3: tuned on the first half of the demo video,
    /// see `docs/accuracy.md`).
    public var scoreThreshold: Double
    /// How big a person looks across the image (the same settings blob splitting uses): boxes
    /// of another size are dropped, and regions are padded by it.
    public var personSize: PersonSize?
    /// A box may be this many times the expected height, at least and at most.
    public var minimumSizeRatio: Double
    public var maximumSizeRatio: Double
    /// `.regions`: the camera's lines and zones (empty: motion anywhere in the frame matters).
    public var geometry: Geometry
    /// `.regions`: the tile size in pixels (the network input per tile).
    public var tileSize: Int
    /// `.regions`: padding around lines, zones and motion, in person heights.
    public var padding: Double
    /// `.regions`: every this many frames, look at the whole lines' bands and zones' boxes.
    public var refreshInterval: Int
    /// `.regions`: tiles given to the network in one pass (a batch).
    public var tilesPerPass: Int
    /// `.regions`: the motion detector that points at moving things.
    public var motion: MotionDetectorConfiguration

    public init(modelDirectory: String, mode: Mode = .regions, scoreThreshold: Double = 0.3, personSize: PersonSize? = nil,
                minimumSizeRatio: Double = 0.5, maximumSizeRatio: Double = 1.6, geometry: Geometry = Geometry(),
                tileSize: Int = 320, padding: Double = 0.5, refreshInterval: Int = 25, tilesPerPass: Int = 1,
                motion: MotionDetectorConfiguration = .init()) {
        self.modelDirectory = modelDirectory
        self.mode = mode
        self.scoreThreshold = scoreThreshold
        self.personSize = personSize
        self.minimumSizeRatio = minimumSizeRatio
        self.maximumSizeRatio = maximumSizeRatio
        self.geometry = geometry
        self.tileSize = tileSize
        self.padding = padding
        self.refreshInterval = refreshInterval
        self.tilesPerPass = tilesPerPass
        self.motion = motion
    }

    /// The size filter these settings describe.
    public var sizeFilter: PersonSizeFilter {
        PersonSizeFilter(personSize: personSize, minimumRatio: minimumSizeRatio, maximumRatio: maximumSizeRatio)
    }

    /// Tracker thresholds that suit this detector's scores. The tracker's defaults were tuned
    /// on MOTChallenge's public detections, whose scores run higher: with them a small or
    /// distant person, scored 0.3–0.7 by this model, never starts a track. Tuned on the first
    /// half of the demo video with the score threshold (`docs/accuracy.md`). Matches by overlap
    /// keep within 1.5 × of a track's height: with this detector a box half a track's height
    /// was someone else (found on the demo's second half, then checked on the first).
    public static let tracking = TrackerConfiguration(highConfidence: 0.3, newTrackConfidence: 0.4, maximumSizeChange: 1.5)

    /// The region planner these settings describe.
    public var planner: RegionPlanner {
        RegionPlanner(tileWidth: tileSize, tileHeight: tileSize, personSize: personSize, padding: padding)
    }
}
