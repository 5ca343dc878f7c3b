import CountingCore

/// Decides where a frame is looked at by a detector run at native scale: only where people can
/// change a count — moving things and the people seen in the last frame, within the counting
/// lines' bands and the zones' boxes — tiled into the network's input size. Every
/// `refreshInterval`-th frame the whole bands and boxes are looked at, to find people standing
/// still. The whole frame is chosen when the tiles would cost more.
///
/// Pure: the same inputs always give the same plan.
public struct RegionPlanner: Hashable, Sendable {
    /// The network's input for one tile, in frame pixels (tiles are not resized).
    public var tileWidth: Int
    public var tileHeight: Int
    /// How big a person looks across the image; without it, a person is taken to be
    /// `defaultPersonHeight` of the frame's height everywhere.
    public var personSize: PersonSize?
    public var defaultPersonHeight: Double
    /// Padding around lines, zones and moving things, in person heights.
    public var padding: Double
    /// The fixed cost of one network pass, in pixels' worth of work.
    public var passOverhead: Double

    public init(tileWidth: Int = 320, tileHeight: Int = 320, personSize: PersonSize? = nil, defaultPersonHeight: Double = 0.25,
                padding: Double = 1.0, passOverhead: Double = 0) {
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.personSize = personSize
        self.defaultPersonHeight = defaultPersonHeight
        self.padding = padding
        self.passOverhead = passOverhead
    }

    /// A person's expected width and height with the feet at row `y`.
    public func personExtent(atFeet y: Double, frameHeight: Int) -> (width: Double, height: Double) {
        if let personSize { return personSize.expected(atFeet: min(max(y, 0), Double(frameHeight))) }
        let height = defaultPersonHeight * Double(frameHeight)
        return (height * 0.4, height)
    }

    /// Where people matter: each line's band and each zone's bounding box, grown so that anyone
    /// whose feet are within `padding` person heights is inside whole. The whole frame when the
    /// geometry has neither lines nor zones.
    public func areas(for geometry: Geometry, frameWidth: Int, frameHeight: Int) -> [Box] {
        let shapes = geometry.lines.map { [$0.a, $0.b] } + geometry.zones.map(\.polygon)
        guard !shapes.isEmpty else { return [Box(x: 0, y: 0, width: Double(frameWidth), height: Double(frameHeight))] }
        return shapes.compactMap { points in
            let xs = points.map(\.x), ys = points.map(\.y)
            guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return nil }
            // Nearer the camera people look bigger: the lowest row gives the largest padding.
            let height = personExtent(atFeet: maxY + padding * personExtent(atFeet: maxY, frameHeight: frameHeight).height,
                                      frameHeight: frameHeight).height
            let grown = Box(x: minX - padding * height, y: minY - (padding + 1) * height,
                            width: maxX - minX + 2 * padding * height, height: maxY - minY + (2 * padding + 1) * height)
            return Self.clip(grown, width: frameWidth, height: frameHeight)
        }
    }

    /// The plan for one frame.
    /// - Parameters:
    ///   - areas: from `areas(for:frameWidth:frameHeight:)`.
    ///   - motion: boxes of moving things.
    ///   - people: boxes of the people found in the previous frame.
    ///   - wholeAreas: look at the whole areas this time.
    public func plan(frameWidth: Int, frameHeight: Int, areas: [Box], motion: [Box], people: [Box],
                     wholeAreas: Bool) -> RegionPlan {
        let frameArea = Double(frameWidth * frameHeight)
        let wholeCost = frameArea + passOverhead
        var wanted = (motion + people).map { box -> Box in
            let extent = personExtent(atFeet: box.y + box.height, frameHeight: frameHeight)
            let pad = padding * extent.height
            return Box(x: box.x - pad, y: box.y - pad, width: box.width + 2 * pad, height: box.height + 2 * pad)
        }
        if wholeAreas { wanted += areas }
        var regions: [Box] = []
        for box in wanted {
            if areas.isEmpty {
                if let clipped = Self.clip(box, width: frameWidth, height: frameHeight) { regions.append(clipped) }
            } else {
                regions += areas.compactMap { Self.intersection(box, $0) }
            }
        }
        regions = Self.merge(regions.filter { $0.width >= 4 && $0.height >= 4 })
        guard !regions.isEmpty else { return .nothing }
        guard tileWidth < frameWidth || tileHeight < frameHeight, tileWidth <= frameWidth, tileHeight <= frameHeight else {
            return RegionPlan(regions: regions, tiles: [], wholeFrame: true, relativeCost: 1)
        }
        var tiles: [Box] = []
        for region in regions {
            for tile in self.tiles(covering: region, frameWidth: frameWidth, frameHeight: frameHeight) where !tiles.contains(tile) {
                tiles.append(tile)
            }
        }
        let cost = Double(tiles.count) * (Double(tileWidth * tileHeight) + passOverhead)
        guard cost < wholeCost else { return RegionPlan(regions: regions, tiles: [], wholeFrame: true, relativeCost: 1) }
        return RegionPlan(regions: regions, tiles: tiles, wholeFrame: false, relativeCost: cost / wholeCost)
    }

    /// Tiles of the input size over `region`, overlapping by a person's size so that a person
    /// cut by one tile's edge is whole in the next.
    public func tiles(covering region: Box, frameWidth: Int, frameHeight: Int) -> [Box] {
        let extent = personExtent(atFeet: region.y + region.height, frameHeight: frameHeight)
        let xs = Self.starts(from: region.x, length: region.width, tile: tileWidth, frame: frameWidth,
                             overlap: min(Double(tileWidth) / 2, extent.width * 1.5))
        let ys = Self.starts(from: region.y, length: region.height, tile: tileHeight, frame: frameHeight,
                             overlap: min(Double(tileHeight) / 2, extent.height))
        return ys.flatMap { y in xs.map { x in Box(x: x, y: y, width: Double(tileWidth), height: Double(tileHeight)) } }
    }

    /// Tile origins along one axis: one tile centred on a short region, evenly spaced tiles
    /// overlapping by at least `overlap` on a long one; whole pixels, inside the frame.
    static func starts(from start: Double, length: Double, tile: Int, frame: Int, overlap: Double) -> [Double] {
        let size = Double(tile), limit = Double(frame - tile)
        guard length > size else { return [min(max(0, (start + length / 2 - size / 2).rounded(.down)), limit)] }
        let count = Int(((length - size) / max(1, size - overlap)).rounded(.up)) + 1
        let step = (length - size) / Double(count - 1)
        var result: [Double] = []
        for index in 0..<count {
            let origin = min(max(0, (start + Double(index) * step).rounded(.down)), limit)
            if result.last != origin { result.append(origin) }
        }
        return result
    }

    /// Regions with every overlapping pair replaced by their bounding box, until none overlap.
    static func merge(_ boxes: [Box]) -> [Box] {
        var result = boxes
        var merged = true
        while merged {
            merged = false
            outer: for i in result.indices {
                for j in result.indices where j > i && intersection(result[i], result[j]) != nil {
                    result[i] = union(result[i], result[j])
                    result.remove(at: j)
                    merged = true
                    break outer
                }
            }
        }
        return result.sorted { ($0.y, $0.x) < ($1.y, $1.x) }
    }

    static func intersection(_ a: Box, _ b: Box) -> Box? {
        let left = max(a.x, b.x), top = max(a.y, b.y)
        let right = min(a.x + a.width, b.x + b.width), bottom = min(a.y + a.height, b.y + b.height)
        guard right > left, bottom > top else { return nil }
        return Box(x: left, y: top, width: right - left, height: bottom - top)
    }

    static func union(_ a: Box, _ b: Box) -> Box {
        let left = min(a.x, b.x), top = min(a.y, b.y)
        let right = max(a.x + a.width, b.x + b.width), bottom = max(a.y + a.height, b.y + b.height)
        return Box(x: left, y: top, width: right - left, height: bottom - top)
    }

    static func clip(_ box: Box, width: Int, height: Int) -> Box? {
        intersection(box, Box(x: 0, y: 0, width: Double(width), height: Double(height)))
    }
}
