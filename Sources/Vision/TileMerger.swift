import CountingCore

/// Joins the detections of overlapping tiles into one list for the frame: a person seen in two
/// tiles counts once, and a person cut by one tile's edge is taken from the tile that sees
/// them whole.
public enum TileMerger {
    /// - Parameters:
    ///   - perTile: each tile's detections, in frame pixels.
    ///   - tiles: the tiles, in frame pixels.
    ///   - iouThreshold: boxes overlapping a kept one by more than this IoU are the same person.
    ///   - containment: a box cut by a tile's edge that lies this much inside a box from another
    ///     tile is that person, cut.
    public static func merge(_ perTile: [[Detection]], tiles: [Box], frameWidth: Int, frameHeight: Int,
                             iouThreshold: Double = 0.5, containment: Double = 0.7) -> [Detection] {
        struct Candidate {
            var detection: Detection
            var tile: Int
            var cut: Bool
        }
        var candidates: [Candidate] = []
        for (index, detections) in perTile.enumerated() where index < tiles.count {
            for detection in detections {
                candidates.append(Candidate(detection: detection, tile: index,
                                            cut: isCut(detection.box, by: tiles[index], frameWidth: frameWidth, frameHeight: frameHeight)))
            }
        }
        // Whole boxes first, then by confidence: a cut box never displaces a whole one.
        candidates.sort { ($0.cut ? 1 : 0, -$0.detection.confidence) < ($1.cut ? 1 : 0, -$1.detection.confidence) }
        var kept: [Candidate] = []
        for candidate in candidates {
            let duplicate = kept.contains { other in
                if other.detection.box.iou(candidate.detection.box) > iouThreshold { return true }
                guard other.tile != candidate.tile, other.cut || candidate.cut else { return false }
                let overlap = RegionPlanner.intersection(other.detection.box, candidate.detection.box)?.area ?? 0
                return overlap >= containment * min(other.detection.box.area, candidate.detection.box.area)
            }
            if !duplicate { kept.append(candidate) }
        }
        return kept.map(\.detection)
    }

    /// Whether `box` touches an edge of `tile` that is not an edge of the frame.
    static func isCut(_ box: Box, by tile: Box, frameWidth: Int, frameHeight: Int, margin: Double = 2) -> Bool {
        (tile.x > 0 && box.x <= tile.x + margin)
            || (tile.y > 0 && box.y <= tile.y + margin)
            || (tile.x + tile.width < Double(frameWidth) && box.x + box.width >= tile.x + tile.width - margin)
            || (tile.y + tile.height < Double(frameHeight) && box.y + box.height >= tile.y + tile.height - margin)
    }
}
