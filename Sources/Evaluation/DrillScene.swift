import CountingCore

/// The failover drill's view of one camera: people crossing one vertical line of a 1280×720
/// view, each in a lane of their own, so every crossing is known in advance (the truth the
/// stored crossings are compared with). Deterministic for a seed.
public struct DrillScene: Sendable {
    public static let width = 1280.0
    public static let height = 720.0
    /// The counting line down the middle; walking to the right crosses it `out`, to the left `in`.
    public static let line = CountingLine(name: "door", a: Point(x: width / 2, y: 0), b: Point(x: width / 2, y: height))

    struct Walker: Sendable {
        var enters: Double
        var lane: Int
        var rightwards: Bool
        /// Pixels per second.
        var speed: Double

        /// Seconds from entering to leaving the view (walking from 60 px outside to 60 px outside).
        var duration: Double { (DrillScene.width + 120) / speed }
    }

    static let lanes = 6
    private static let boxWidth = 40.0
    private static let boxHeight = 90.0

    private let walkers: [Walker]
    /// Crossings of the line by people walking to the left (`in`) and to the right (`out`);
    /// everybody has left the view before the scene ends.
    public let crossingsIn: Int
    public let crossingsOut: Int

    /// People entering every 2–5 s (when a lane is free) for `duration` seconds; the last leaves before the end. A
    /// lane is used again only after its last walker has left, so nobody meets anybody.
    public init(seed: UInt64, duration: Double) {
        var random = SplitMix64(seed: seed)
        var walkers: [Walker] = []
        var laneFree = [Double](repeating: 0, count: Self.lanes)
        var time = random.uniform(0, 3)
        while true {
            // 0.7 to 1.2 body heights a second: a walking pace.
            let speed = random.uniform(63, 108)
            let walker = Walker(enters: time, lane: 0, rightwards: random.next() % 2 == 0, speed: speed)
            guard time + walker.duration < duration - 1 else { break }
            if let lane = laneFree.indices.first(where: { laneFree[$0] <= time }) {
                var placed = walker
                placed.lane = lane
                laneFree[lane] = time + walker.duration + 0.5
                walkers.append(placed)
            }
            time += random.uniform(2, 5)
        }
        self.walkers = walkers
        self.crossingsOut = walkers.filter(\.rightwards).count
        self.crossingsIn = walkers.count - crossingsOut
    }

    /// People in view at `time` seconds (boxes of 40×90 px, bottom on their lane).
    public func detections(at time: Double) -> [Detection] {
        walkers.compactMap { walker in
            let walked = (time - walker.enters) * walker.speed
            guard walked >= 0, walked <= Self.width + 120 else { return nil }
            let centre = walker.rightwards ? -60 + walked : Self.width + 60 - walked
            let bottom = 130 + Double(walker.lane) * 100
            guard centre > -Self.boxWidth / 2, centre < Self.width + Self.boxWidth / 2 else { return nil }
            return Detection(box: Box(x: centre - Self.boxWidth / 2, y: bottom - Self.boxHeight, width: Self.boxWidth, height: Self.boxHeight),
                             confidence: 0.9)
        }
    }
}
