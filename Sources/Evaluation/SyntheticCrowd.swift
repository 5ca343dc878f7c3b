import CountingCore

/// A deterministic stream of people walking across a 1920×1080 view, left to right and right
/// to left, for soak tests and benchmarks: always `people` in view, each a 50×120 box with a
/// little jitter, missed now and then by the "detector".
public struct SyntheticCrowd {
    public static let width = 1920.0
    public static let height = 1080.0

    private struct Walker {
        var x: Double
        var y: Double
        var speed: Double  // pixels per second, signed
    }

    public let frameRate: Double
    private var walkers: [Walker] = []
    private var random: SplitMix64
    /// People who have walked over the vertical middle of the view, each way.
    public private(set) var crossedLeftToRight = 0
    public private(set) var crossedRightToLeft = 0

    public init(people: Int, frameRate: Double, seed: UInt64 = 42) {
        self.frameRate = frameRate
        self.random = SplitMix64(seed: seed)
        for _ in 0..<people {
            var walker = makeWalker()
            walker.x = random.uniform(0, Self.width)
            walkers.append(walker)
        }
    }

    /// A vertical line through the middle of the view.
    public static let middleLine = CountingLine(name: "middle", a: Point(x: width / 2, y: 0), b: Point(x: width / 2, y: height))

    private mutating func makeWalker() -> Walker {
        let rightwards = random.next() % 2 == 0
        let speed = random.uniform(60, 160)
        return Walker(x: rightwards ? -60 : Self.width + 60, y: random.uniform(100, Self.height - 20),
                      speed: rightwards ? speed : -speed)
    }

    /// Moves everyone one frame on and returns this frame's detections.
    public mutating func nextFrame() -> [Detection] {
        var detections: [Detection] = []
        detections.reserveCapacity(walkers.count)
        let middle = Self.width / 2
        for index in walkers.indices {
            let before = walkers[index].x
            walkers[index].x += walkers[index].speed / frameRate
            let walker = walkers[index]
            if before < middle && walker.x >= middle { crossedLeftToRight += 1 }
            if before >= middle && walker.x < middle { crossedRightToLeft += 1 }
            if walker.x > Self.width + 80 || walker.x < -80 {
                walkers[index] = makeWalker()
                continue
            }
            if random.next() % 20 == 0 { continue }  // a missed detection
            let jitterX = random.uniform(-2, 2), jitterY = random.uniform(-2, 2)
            detections.append(Detection(
                box: Box(x: walker.x - 25 + jitterX, y: walker.y - 120 + jitterY, width: 50, height: 120),
                confidence: random.uniform(0.6, 0.95)))
        }
        return detections
    }
}

/// A small, fast, seedable random number generator (SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) / Double(1 << 53)
    }
}
