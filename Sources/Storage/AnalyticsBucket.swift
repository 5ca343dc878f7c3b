import Foundation

/// The width of an analytics bucket, in the site's own time zone: an hour, a local day
/// (23 or 25 hours when the clocks change), or an ISO week from Monday.
public enum AnalyticsBucket: String, Hashable, Sendable, CaseIterable {
    case hour, day, week

    /// The starts of every bucket that meets `from ..< to`, the first one being the bucket
    /// that holds `from`.
    public func starts(from: Date, to: Date, calendar: Calendar) -> [Date] {
        var starts: [Date] = []
        var start = self.start(of: from, calendar: calendar)
        while start < to {
            starts.append(start)
            start = next(after: start, calendar: calendar)
        }
        return starts
    }

    /// The start of the bucket that holds `date`.
    public func start(of date: Date, calendar: Calendar) -> Date {
        switch self {
        case .hour:
            return calendar.dateInterval(of: .hour, for: date)?.start ?? date
        case .day:
            return calendar.startOfDay(for: date)
        case .week:
            var iso = calendar
            iso.firstWeekday = 2
            iso.minimumDaysInFirstWeek = 4
            return iso.dateInterval(of: .weekOfYear, for: date)?.start ?? calendar.startOfDay(for: date)
        }
    }

    /// The start of the bucket after the one that starts at `start`.
    public func next(after start: Date, calendar: Calendar) -> Date {
        let component: Calendar.Component = switch self {
        case .hour: .hour
        case .day: .day
        case .week: .weekOfYear
        }
        let next = calendar.date(byAdding: component, value: 1, to: start) ?? start.addingTimeInterval(3_600)
        return self == .hour ? next : calendar.startOfDay(for: next)
    }
}
