import CountingCore

/// Counts made by a person watching a video: the reference for a video without ground-truth
/// tracks (`Fixtures/vtest-eye-counts.json`).
public struct ManualCounts: Hashable, Sendable, Decodable {
    public struct LineCount: Hashable, Sendable, Decodable {
        /// One crossing seen by eye, at about this frame (0-based).
        public struct Crossing: Hashable, Sendable, Decodable {
            public var frame: Int
            public var direction: CrossingDirection
        }

        public var name: String
        public var a: [Double]
        public var b: [Double]
        public var `in`: Int
        public var out: Int
        /// Every crossing counted, with its frame, when the file lists them.
        public var crossings: [Crossing]?
    }

    public struct ZoneCount: Hashable, Sendable, Decodable {
        public struct Sample: Hashable, Sendable, Decodable {
            public var frame: Int
            public var people: Int
        }

        public var name: String
        public var occupancy: [Sample]
    }

    public var video: String
    public var method: String
    public var lines: [LineCount]
    public var zones: [ZoneCount]

    /// How automatic counts compare with these.
    public struct Comparison: Hashable, Sendable {
        public struct Line: Hashable, Sendable {
            public var name: String
            public var manualIn: Int
            public var manualOut: Int
            public var automaticIn: Int
            public var automaticOut: Int
        }

        public struct ZoneSample: Hashable, Sendable {
            public var zone: String
            public var frame: Int
            public var manual: Int
            public var automatic: Int
        }

        public var lines: [Line]
        public var zoneSamples: [ZoneSample]

        /// Σ |automatic − manual| over every line and direction, divided by all manual crossings.
        public var lineError: Double {
            let manual = lines.reduce(0) { $0 + $1.manualIn + $1.manualOut }
            let off = lines.reduce(0) { $0 + abs($1.automaticIn - $1.manualIn) + abs($1.automaticOut - $1.manualOut) }
            return manual > 0 ? Double(off) / Double(manual) : 0
        }

        /// Mean absolute occupancy error over every sampled frame of every zone.
        public var occupancyMeanAbsoluteError: Double {
            guard !zoneSamples.isEmpty else { return 0 }
            return Double(zoneSamples.reduce(0) { $0 + abs($1.automatic - $1.manual) }) / Double(zoneSamples.count)
        }
    }

    /// The manual counts' lines as a geometry, to count the same lines automatically.
    public var geometry: Geometry {
        Geometry(lines: lines.map {
            CountingLine(name: $0.name, a: Point(x: $0.a[0], y: $0.a[1]), b: Point(x: $0.b[0], y: $0.b[1]))
        })
    }

    /// Frames at which zone occupancy was counted by eye.
    public var sampleFrames: Set<Int> {
        Set(zones.flatMap { $0.occupancy.map(\.frame) })
    }

    /// Compares automatic totals (by line name) and zone samples (by zone name, then frame).
    public func compare(lines automatic: [String: (in: Int, out: Int)],
                        zones automaticZones: [String: [Int: Int]]) -> Comparison {
        Comparison(
            lines: lines.map { line in
                let counted = automatic[line.name] ?? (0, 0)
                return .init(name: line.name, manualIn: line.in, manualOut: line.out,
                             automaticIn: counted.in, automaticOut: counted.out)
            },
            zoneSamples: zones.flatMap { zone in
                zone.occupancy.map { sample in
                    .init(zone: zone.name, frame: sample.frame, manual: sample.people,
                          automatic: automaticZones[zone.name]?[sample.frame] ?? 0)
                }
            })
    }
}
