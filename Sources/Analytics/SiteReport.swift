import Foundation
import Storage

/// A site's daily or weekly report: footfall per hour (day) or per day (week) with the
/// comparisons and peak hours of the analytics API, the totals of each line, and for a day
/// the occupancy imbalance, all in the site's time zone.
public struct SiteReport: Sendable {
    /// What a report covers: a local day or an ISO week.
    public enum Period: String, Sendable, CaseIterable {
        case day
        case week

        /// The buckets the report is broken into.
        public var bucket: AnalyticsBucket { self == .day ? .hour : .day }
    }

    /// People in and out of one line over the report's range.
    public struct LineTotal: Hashable, Sendable {
        public var cameraID: String
        public var line: String
        public var countIn: Int
        public var countOut: Int
    }

    public var site: Site
    public var period: Period
    public var calendar: Calendar
    public var from: Date
    public var to: Date
    public var footfall: FootfallReport
    public var lines: [LineTotal]
    /// The day's occupancy from the site's entrances (daily reports only).
    public var occupancy: OccupancyCurve?

    /// The local day or ISO week holding `date`, from the counts of `cameras` in `store`.
    public static func make(_ store: any CountStore, site: Site, cameras: [Camera], period: Period, containing date: Date)
        async throws -> SiteReport
    {
        let calendar = site.calendar
        let range: AnalyticsBucket = period == .day ? .day : .week
        let from = range.start(of: date, calendar: calendar)
        let to = range.next(after: from, calendar: calendar)
        let cameraIDs = cameras.map(\.id)
        let query = LineCountQuery(cameraIDs: cameraIDs, lines: nil, from: from, to: to, timeZone: calendar.timeZone)
        let footfall = try await FootfallReport.make(store, query, bucket: period.bucket)
        var totals: [String: LineTotal] = [:]
        for count in try await store.hourlyLineCounts(cameraIDs: cameraIDs, from: from, to: to) {
            let key = "\(count.cameraID)/\(count.line)"
            var total = totals[key] ?? LineTotal(cameraID: count.cameraID, line: count.line, countIn: 0, countOut: 0)
            total.countIn += count.countIn
            total.countOut += count.countOut
            totals[key] = total
        }
        var occupancy: OccupancyCurve?
        if period == .day {
            occupancy = OccupancyCurve(footfall.series.buckets.map {
                (end: AnalyticsBucket.hour.next(after: $0.start, calendar: calendar), countIn: $0.countIn, countOut: $0.countOut)
            })
        }
        return SiteReport(site: site, period: period, calendar: calendar, from: from, to: to, footfall: footfall,
                          lines: totals.values.sorted { ($0.cameraID, $0.line) < ($1.cameraID, $1.line) }, occupancy: occupancy)
    }

    /// The report's name: the site, the period and its first local day (`shop-day-2026-12-01`).
    public var name: String {
        Self.name(siteID: site.id, period: period, from: from, calendar: calendar)
    }

    /// The name of `siteID`'s report of `period` starting at `from`, known before it is made.
    public static func name(siteID: String, period: Period, from: Date, calendar: Calendar) -> String {
        "\(siteID)-\(period.rawValue)-\(localDate(from, calendar: calendar))"
    }

    /// `date` as a local calendar date, `2026-12-01`.
    public func localDate(_ date: Date) -> String {
        Self.localDate(date, calendar: calendar)
    }

    static func localDate(_ date: Date, calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// `date` as local date and time, `2026-12-01 14:00`.
    public func localTime(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return localDate(date) + String(format: " %02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }
}
