import Foundation
import Storage

/// People in and out per bucket of a site's (or a camera's) lines, in the site's time zone,
/// with every bucket present (zeros where nobody crossed), and the totals of a range.
public struct FootfallSeries: Hashable, Sendable {
    public struct Bucket: Hashable, Sendable {
        public var start: Date
        public var countIn: Int
        public var countOut: Int
    }

    public var buckets: [Bucket]

    public var countIn: Int { buckets.reduce(0) { $0 + $1.countIn } }
    public var countOut: Int { buckets.reduce(0) { $0 + $1.countOut } }

    /// Groups hourly counts of the lines `include` accepts into `bucket`s from `from` to `to`.
    /// Hours are UTC hours: a time zone whose offset is not whole hours has its buckets start
    /// on the UTC hour before.
    public init(_ counts: [HourlyLineCount], from: Date, to: Date, bucket: AnalyticsBucket, calendar: Calendar,
                include: (HourlyLineCount) -> Bool = { _ in true }) {
        let starts = bucket.starts(from: from, to: to, calendar: calendar)
        var index: [Date: Int] = [:]
        for (position, start) in starts.enumerated() { index[start] = position }
        var buckets = starts.map { Bucket(start: $0, countIn: 0, countOut: 0) }
        for count in counts where count.hour >= from && count.hour < to && include(count) {
            guard let position = index[bucket.start(of: count.hour, calendar: calendar)] else { continue }
            buckets[position].countIn += count.countIn
            buckets[position].countOut += count.countOut
        }
        self.buckets = buckets
    }

    /// The busiest hours of the day (local), by mean people in per day of the range: at most
    /// `top`, busiest first, from hourly counts.
    public static func peakHours(_ counts: [HourlyLineCount], from: Date, to: Date, calendar: Calendar, top: Int = 3,
                                 include: (HourlyLineCount) -> Bool = { _ in true }) -> [(hour: Int, meanIn: Double)] {
        var byHour = [Int](repeating: 0, count: 24)
        for count in counts where count.hour >= from && count.hour < to && include(count) {
            byHour[calendar.component(.hour, from: count.hour)] += count.countIn
        }
        let days = max(1, AnalyticsBucket.day.starts(from: from, to: to, calendar: calendar).count)
        return byHour.enumerated().filter { $0.element > 0 }
            .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            .prefix(top).map { (hour: $0.offset, meanIn: Double($0.element) / Double(days)) }
    }
}
