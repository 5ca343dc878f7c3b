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

        // The JSON line leaves samples out when there are none.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            peak = try container.decode(Int.self, forKey: .peak)
            mean = try container.decode(Double.self, forKey: .mean)
            samples = try container.decodeIfPresent([OccupancySample].self, forKey: .samples) ?? []
        }

        private enum CodingKeys: String, CodingKey {
            case name, peak, mean, samples
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
