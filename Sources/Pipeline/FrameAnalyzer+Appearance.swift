import CountingCore
import Vision

extension FrameAnalyzer {
    /// How far from a line or zone, in the person's box heights, a detection gets a signature.
    static let appearanceReach = 2.0
    /// The largest share of a box another detection may cover for the box to get a signature:
    /// a signature taken through someone else mixes two people.
    static let appearanceOcclusion = 0.3

    /// `detections` with a colour signature for each one near a line or zone that no other
    /// detection covers much. Signatures elsewhere would cost time and decide no count.
    public static func addingAppearance(to detections: [Detection], frame: Frame, geometry: Geometry) -> [Detection] {
        var result = detections
        for index in result.indices {
            let box = result[index].box
            guard box.height > 0, geometry.isWithin(appearanceReach * box.height, of: box.bottomCenter) else { continue }
            var covered = false
            for other in detections.indices where other != index {
                let o = detections[other].box
                let overlap = max(0, min(box.x + box.width, o.x + o.width) - max(box.x, o.x))
                    * max(0, min(box.y + box.height, o.y + o.height) - max(box.y, o.y))
                if overlap > appearanceOcclusion * box.area { covered = true; break }
            }
            if !covered { result[index].appearance = frame.appearance(of: box) }
        }
        return result
    }
}
