import Foundation

/// A site's occupancy through one day from its entrances (in − out since the day's reset at
/// local midnight), and the same corrected for drift.
///
/// Counters miss people both ways, so in − out rarely ends the day at zero although the site
/// is empty after closing. The correction spreads the day's imbalance over the day in
/// proportion to the traffic so far: after the busiest hours most of it is taken off, and the
/// day ends at zero. The imbalance itself is the day's counting-quality figure.
public struct OccupancyCurve: Hashable, Sendable {
    public struct Point: Hashable, Sendable {
        /// End of the period the counts are for (the occupancy at that moment).
        public var time: Date
        public var countIn: Int
        public var countOut: Int
        /// in − out since the reset, never below zero.
        public var raw: Double
        /// `raw` with the day's imbalance spread by traffic.
        public var corrected: Double
    }

    public var points: [Point]
    public var countIn: Int
    public var countOut: Int

    /// in − out at the end of the day: what the correction removes.
    public var imbalance: Int { countIn - countOut }
    /// The imbalance as a share of the larger of in and out (0 on a day without people).
    public var imbalanceShare: Double {
        let larger = max(countIn, countOut)
        return larger == 0 ? 0 : Double(abs(imbalance)) / Double(larger)
    }

    /// From the day's periods in order (each: its end, people in, people out).
    public init(_ periods: [(end: Date, countIn: Int, countOut: Int)]) {
        let totalIn = periods.reduce(0) { $0 + $1.countIn }, totalOut = periods.reduce(0) { $0 + $1.countOut }
        let traffic = Double(totalIn + totalOut)
        let imbalance = Double(totalIn - totalOut)
        var level = 0, moved = 0
        var points: [Point] = []
        for period in periods {
            level += period.countIn - period.countOut
            moved += period.countIn + period.countOut
            let share = traffic == 0 ? 0 : Double(moved) / traffic
            points.append(Point(time: period.end, countIn: period.countIn, countOut: period.countOut, raw: Double(max(0, level)),
                                corrected: max(0, Double(level) - imbalance * share)))
        }
        self.points = points
        self.countIn = totalIn
        self.countOut = totalOut
    }
}
