/// The result of counting a whole video offline; encodes to the `footfall count --json` object.
public struct CountSummary: Hashable, Sendable, Codable {
    public struct LineResult: Hashable, Sendable, Codable {
        public var name: String
        public var countIn: Int
        public var countOut: Int

        public init(name: String, countIn: Int, countOut: Int) {
            self.name = name
            self.countIn = countIn
            self.countOut = countOut
        }

        enum CodingKeys: String, CodingKey {
            case name
            case countIn = "in"
            case countOut = "out"
        }
    }

    public struct ZoneResult: Hashable, Sendable, Codable {
        public var name: String
        /// Highest occupancy seen in any frame.
        public var peak: Int
        /// Occupancy averaged over all frames.
        public var mean: Double
        /// Occupancy at the frames asked for.
        public var samples: [OccupancySample]

        public init(name: String, peak: Int, mean: Double, samples: [OccupancySample] = []) {
            self.name = name
            self.peak = peak
            self.mean = mean
            self.samples = samples
        }
    }

    /// A zone's occupancy at one frame (0-based).
    public struct OccupancySample: Hashable, Sendable, Codable {
        public var frame: Int
        public var occupancy: Int

        public init(frame: Int, occupancy: Int) {
            self.frame = frame
            self.occupancy = occupancy
        }
    }

    public var frames: Int
    /// Wall-clock seconds spent, decoding included.
    public var seconds: Double
    /// Frames analysed per wall-clock second.
    public var fps: Double
    public var lines: [LineResult]
    public var zones: [ZoneResult]

    public init(frames: Int, seconds: Double, fps: Double, lines: [LineResult], zones: [ZoneResult]) {
        self.frames = frames
        self.seconds = seconds
        self.fps = fps
        self.lines = lines
        self.zones = zones
    }
}
