import Foundation
import Storage

/// The footfall answer of a range: the series, the previous period of the same length, the
/// same range a year before (by the calendar, in the site's time zone), and the peak hours.
public struct FootfallReport: Sendable {
    /// Another range's totals.
    public struct Period: Hashable, Sendable {
        public var from: Date
        public var to: Date
        public var countIn: Int
        public var countOut: Int
    }

    public var series: FootfallSeries
    public var previous: Period
    public var lastYear: Period
    public var peakHours: [(hour: Int, meanIn: Double)]

    /// Days before the end of a range that its peak hours are taken from.
    public static let peakHourDays = 28

    /// People in now against `period`, as a share (0.12 for 12 % more); nil when it had nobody.
    public func change(against period: Period) -> Double? {
        period.countIn == 0 ? nil : (Double(series.countIn) - Double(period.countIn)) / Double(period.countIn)
    }

    /// Where the period before `from ..< to` starts: as many local days back when the range is
    /// whole days (so a week holding a clock change is compared with the week before, not a
    /// week and an hour), as many seconds back otherwise.
    static func previousStart(from: Date, to: Date, calendar: Calendar) -> Date {
        let span = calendar.dateComponents([.day, .hour, .minute, .second], from: from, to: to)
        if let days = span.day, days > 0, span.hour == 0, span.minute == 0, span.second == 0,
           let start = calendar.date(byAdding: .day, value: -days, to: from) {
            return start
        }
        return from.addingTimeInterval(-to.timeIntervalSince(from))
    }

    /// Reads what `query` asks from `store`: four grouped reads, however long the range, made
    /// at once (a database store answers them on separate connections).
    public static func make(_ store: any CountStore, _ query: LineCountQuery, bucket: AnalyticsBucket) async throws -> FootfallReport {
        let calendar = query.calendar
        @Sendable func period(_ from: Date, _ to: Date) async throws -> Period {
            var other = query
            other.from = from
            other.to = to
            // Whole weeks: a bucket per week is the fewest rows that still respects the range.
            let counts = try await store.lineCountBuckets(other, bucket: .week)
            return Period(from: from, to: to, countIn: counts.reduce(0) { $0 + $1.countIn }, countOut: counts.reduce(0) { $0 + $1.countOut })
        }
        async let counts = store.lineCountBuckets(query, bucket: bucket)
        async let previous = period(Self.previousStart(from: query.from, to: query.to, calendar: calendar), query.from)
        async let lastYear = period(calendar.date(byAdding: .year, value: -1, to: query.from) ?? query.from,
                                    calendar.date(byAdding: .year, value: -1, to: query.to) ?? query.to)
        // Peak hours of the last four weeks of the range at most: recent habits, and a read of
        // hours bounded whatever the range.
        var recent = query
        recent.from = max(query.from, calendar.date(byAdding: .day, value: -Self.peakHourDays, to: query.to) ?? query.from)
        let days = AnalyticsBucket.day.starts(from: recent.from, to: recent.to, calendar: calendar).count
        async let byHour = store.lineCountsByHourOfDay(recent)
        let series = FootfallSeries(try await counts, from: query.from, to: query.to, bucket: bucket, calendar: calendar)
        return FootfallReport(series: series, previous: try await previous, lastYear: try await lastYear,
                              peakHours: FootfallSeries.peakHours(try await byHour, days: days))
    }
}
