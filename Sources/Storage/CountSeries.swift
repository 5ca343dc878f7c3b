import Foundation

/// Counts of one camera grouped into buckets, for charts and reports.
/// Only buckets with data appear.
public struct CountSeries: Hashable, Sendable {
    public struct LineBucket: Hashable, Sendable {
        public var start: Date
        public var countIn: Int
        public var countOut: Int

        public init(start: Date, countIn: Int, countOut: Int) {
            self.start = start
            self.countIn = countIn
            self.countOut = countOut
        }
    }

    public struct ZoneBucket: Hashable, Sendable {
        public var start: Date
        public var minimum: Int
        public var maximum: Int
        public var mean: Double

        public init(start: Date, minimum: Int, maximum: Int, mean: Double) {
            self.start = start
            self.minimum = minimum
            self.maximum = maximum
            self.mean = mean
        }
    }

    /// Per line name, buckets in time order.
    public var lines: [String: [LineBucket]]
    /// Per zone name, buckets in time order.
    public var zones: [String: [ZoneBucket]]

    public init(lines: [String: [LineBucket]] = [:], zones: [String: [ZoneBucket]] = [:]) {
        self.lines = lines
        self.zones = zones
    }
}
