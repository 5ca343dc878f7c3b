import Foundation
import Storage

/// How long people stayed in a zone, per bucket of its site's time zone: the number of visits
/// that ended in the bucket and their mean, median and 90th percentile, in seconds.
///
/// Percentiles interpolate linearly between the two nearest ranks (the spreadsheet
/// `PERCENTILE.INC` rule), so the median of an even number of visits is the mean of the two
/// middle ones.
public struct DwellStatistics: Hashable, Sendable {
    /// The visits that ended in one bucket and how long they lasted.
    public struct Figures: Hashable, Sendable {
        public var start: Date
        public var visits: Int
        /// nil when no visit ended in the bucket.
        public var mean: Double?
        public var median: Double?
        public var p90: Double?

        init(start: Date, seconds: [Double]) {
            self.start = start
            let sorted = seconds.sorted()
            visits = sorted.count
            mean = sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
            median = DwellStatistics.percentile(sorted, 0.5)
            p90 = DwellStatistics.percentile(sorted, 0.9)
        }
    }

    /// Every bucket from the one holding `from` to `to`, empty ones included.
    public var buckets: [Figures]
    /// The whole range as one.
    public var total: Figures

    public init(_ samples: [DwellSample], from: Date, to: Date, bucket: AnalyticsBucket, calendar: Calendar) {
        var byBucket: [Date: [Double]] = [:]
        for sample in samples { byBucket[bucket.start(of: sample.minute, calendar: calendar), default: []].append(sample.seconds) }
        let starts = bucket.starts(from: from, to: to, calendar: calendar)
        buckets = starts.map { Figures(start: $0, seconds: byBucket[$0] ?? []) }
        total = Figures(start: starts.first ?? from, seconds: samples.map(\.seconds))
    }

    /// The `fraction` percentile of ascending `sorted` values; nil when there are none.
    public static func percentile(_ sorted: [Double], _ fraction: Double) -> Double? {
        guard let first = sorted.first else { return nil }
        guard sorted.count > 1 else { return first }
        let rank = fraction * Double(sorted.count - 1)
        let low = Int(rank.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low))
    }
}
