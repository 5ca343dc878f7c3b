import CountingCore

/// Boxes by frame and identity: a tracker's output or the ground truth.
public struct Trajectories: Hashable, Sendable {
    /// Per frame (from 1), the boxes present with their ids.
    public var frames: [Int: [(id: Int, box: Box)]]

    public init(frames: [Int: [(id: Int, box: Box)]] = [:]) {
        self.frames = frames
    }

    /// Ground truth or tracks from MOT rows; rows with confidence below `minimumConfidence` are left out.
    public init(rows: [MOTRow], minimumConfidence: Double = -.infinity) {
        var frames: [Int: [(id: Int, box: Box)]] = [:]
        for row in rows where row.confidence >= minimumConfidence {
            frames[row.frame, default: []].append((row.id, row.box))
        }
        self.frames = frames
    }

    public mutating func add(frame: Int, id: Int, box: Box) {
        frames[frame, default: []].append((id, box))
    }

    /// Number of boxes over all frames.
    public var boxCount: Int { frames.values.reduce(0) { $0 + $1.count } }

    /// The last frame with a box (0 when empty).
    public var lastFrame: Int { frames.keys.max() ?? 0 }

    /// Each identity's boxes in frame order.
    public var byIdentity: [Int: [(frame: Int, box: Box)]] {
        var result: [Int: [(frame: Int, box: Box)]] = [:]
        for frame in frames.keys.sorted() {
            for (id, box) in frames[frame]! { result[id, default: []].append((frame, box)) }
        }
        return result
    }

    public static func == (lhs: Trajectories, rhs: Trajectories) -> Bool {
        guard lhs.frames.keys.sorted() == rhs.frames.keys.sorted() else { return false }
        for (frame, boxes) in lhs.frames {
            let other = rhs.frames[frame]!
            guard boxes.count == other.count,
                  zip(boxes.sorted { $0.id < $1.id }, other.sorted { $0.id < $1.id }).allSatisfy({ $0.id == $1.id && $0.box == $1.box })
            else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(boxCount)
        hasher.combine(lastFrame)
    }
}
