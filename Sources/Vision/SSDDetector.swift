import CountingCore

/// The trained person detector: an SSD network (`SSDNetwork`) run on the whole frame, resized
/// or at native size, or on tiles at native scale where people can change a count
/// (`RegionPlanner`), with a score threshold and person-size limits.
public final class SSDDetector: GeometryAwareDetector {
    public let name = "ssd"
    public private(set) var configuration: SSDDetectorConfiguration
    public let network: SSDNetwork
    private let filter: PersonSizeFilter
    private let planner: RegionPlanner
    private let motion: MotionDetector?
    private var areas: (width: Int, height: Int, boxes: [Box])?
    private var people: [Box] = []
    /// The regions chosen for the last frame (`.regions` only), to draw on the snapshot.
    public private(set) var lastPlan: RegionPlan?
    /// Frames seen, network passes over the whole frame, and tiles run, for benchmarks.
    public private(set) var frames = 0
    public private(set) var wholeFramePasses = 0
    public private(set) var tilesRun = 0
    public var inputsRun: Int? { wholeFramePasses + tilesRun }

    /// Loads the installed model in `configuration.modelDirectory`.
    public convenience init(configuration: SSDDetectorConfiguration) throws(VisionError) {
        let model = try SSDModel.load(directory: configuration.modelDirectory)
        try self.init(network: SSDNetwork(model: model), configuration: configuration)
    }

    /// Uses an already loaded network (one network per detector: they are not shared across threads).
    public init(network: SSDNetwork, configuration: SSDDetectorConfiguration) throws(VisionError) {
        guard configuration.scoreThreshold > 0, configuration.scoreThreshold < 1 else {
            throw .detectorFailed(detector: "ssd", reason: "the score threshold must be between 0 and 1")
        }
        guard configuration.tileSize >= 64, configuration.tilesPerPass >= 1, configuration.refreshInterval >= 1 else {
            throw .detectorFailed(detector: "ssd", reason: "tiles need at least 64 pixels, one tile a pass and a refresh interval ≥ 1")
        }
        if case .resized(let width, let height) = configuration.mode, width < 32 || height < 32 {
            throw .detectorFailed(detector: "ssd", reason: "the input must be at least 32 × 32 pixels")
        }
        self.configuration = configuration
        self.network = network
        self.filter = configuration.sizeFilter
        self.planner = configuration.planner
        self.motion = configuration.mode == .regions ? try MotionDetector(configuration: configuration.motion) : nil
    }

    public func detect(_ frame: Frame) throws(VisionError) -> [Detection] {
        defer { frames += 1 }
        let threshold = configuration.scoreThreshold
        let found: [Detection]
        switch configuration.mode {
        case .resized(let width, let height):
            wholeFramePasses += 1
            found = try network.detect([FrameCrop(frame: frame)], inputWidth: width, inputHeight: height, minimumScore: threshold)[0]
                .filter { filter.accepts($0.box, frameHeight: frame.height) }
        case .native:
            found = try wholeFrame(frame)
        case .regions:
            found = try regions(frame)
        }
        people = found.map(\.box)
        return found
    }

    private func wholeFrame(_ frame: Frame) throws(VisionError) -> [Detection] {
        wholeFramePasses += 1
        return try network.detect([FrameCrop(frame: frame)], inputWidth: frame.width, inputHeight: frame.height,
                                  minimumScore: configuration.scoreThreshold)[0]
            .filter { filter.accepts($0.box, frameHeight: frame.height) }
    }

    private func regions(_ frame: Frame) throws(VisionError) -> [Detection] {
        // The background model must see every frame.
        let moving = try motion?.detect(frame).map(\.box) ?? []
        if areas?.width != frame.width || areas?.height != frame.height {
            areas = (frame.width, frame.height,
                     planner.areas(for: configuration.geometry, frameWidth: frame.width, frameHeight: frame.height))
        }
        let plan = planner.plan(frameWidth: frame.width, frameHeight: frame.height, areas: areas?.boxes ?? [],
                                motion: moving, people: people, wholeAreas: frames % configuration.refreshInterval == 0)
        lastPlan = plan
        if plan.wholeFrame { return try wholeFrame(frame) }
        guard !plan.tiles.isEmpty else { return [] }
        let crops = plan.tiles.map {
            FrameCrop(frame: frame, x: Int($0.x), y: Int($0.y), width: Int($0.width), height: Int($0.height))
        }
        var perTile: [[Detection]] = []
        var start = 0
        while start < crops.count {
            let batch = Array(crops[start..<min(crops.count, start + configuration.tilesPerPass)])
            perTile += try network.detect(batch, inputWidth: configuration.tileSize, inputHeight: configuration.tileSize,
                                          minimumScore: configuration.scoreThreshold)
            start += batch.count
        }
        tilesRun += crops.count
        let sized = perTile.map { $0.filter { filter.accepts($0.box, frameHeight: frame.height) } }
        return TileMerger.merge(sized, tiles: plan.tiles, frameWidth: frame.width, frameHeight: frame.height)
    }

    /// Plans regions around new lines and zones from the next frame on.
    public func use(_ geometry: Geometry) {
        configuration.geometry = geometry
        areas = nil
    }
}
