import Foundation
import Storage

/// People in and out per bucket of a site's (or a camera's) lines, in the site's time zone,
/// with every bucket present (zeros where nobody crossed).
public struct FootfallSeries: Hashable, Sendable {
    public var buckets: [BucketCount]

    public var countIn: Int { buckets.reduce(0) { $0 + $1.countIn } }
    public var countOut: Int { buckets.reduce(0) { $0 + $1.countOut } }

    /// Every `bucket` from the one holding `from` to `to`, with the counts of those that had any.
    /// Counts come in whole UTC hours: in a time zone whose offset is not whole hours (India),
    /// a bucket starts on the local hour and holds the UTC hours that begin within it.
    public init(_ counts: [BucketCount], from: Date, to: Date, bucket: AnalyticsBucket, calendar: Calendar) {
        let known = Dictionary(counts.map { (bucket.start(of: $0.start, calendar: calendar), $0) }) { first, second in
            BucketCount(start: first.start, countIn: first.countIn + second.countIn, countOut: first.countOut + second.countOut)
        }
        buckets = bucket.starts(from: from, to: to, calendar: calendar).map {
            BucketCount(start: $0, countIn: known[$0]?.countIn ?? 0, countOut: known[$0]?.countOut ?? 0)
        }
    }

    /// The busiest hours of the day (local), by mean people in per day of a range of `days`
    /// days: at most `top`, busiest first.
    public static func peakHours(_ byHour: [Int: (countIn: Int, countOut: Int)], days: Int, top: Int = 3)
        -> [(hour: Int, meanIn: Double)]
    {
        byHour.filter { $0.value.countIn > 0 }
            .sorted { $0.value.countIn != $1.value.countIn ? $0.value.countIn > $1.value.countIn : $0.key < $1.key }
            .prefix(top).map { (hour: $0.key, meanIn: Double($0.value.countIn) / Double(max(1, days))) }
    }
}
