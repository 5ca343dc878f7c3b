import CountingCore

/// Where a frame is looked at: the regions that matter, and the tiles of the network's input
/// size that cover them — or the whole frame when that costs less.
public struct RegionPlan: Hashable, Sendable {
    /// Regions that matter, merged where they overlap, in frame pixels.
    public var regions: [Box]
    /// Tiles of the network's input size covering the regions (empty for the whole frame).
    public var tiles: [Box]
    /// Run the network once on the whole frame instead.
    public var wholeFrame: Bool
    /// The plan's cost as a fraction of running the whole frame (1 for the whole frame, 0 for nothing).
    public var relativeCost: Double

    public init(regions: [Box], tiles: [Box], wholeFrame: Bool, relativeCost: Double) {
        self.regions = regions
        self.tiles = tiles
        self.wholeFrame = wholeFrame
        self.relativeCost = relativeCost
    }

    /// Nothing to look at.
    public static let nothing = RegionPlan(regions: [], tiles: [], wholeFrame: false, relativeCost: 0)
}
