import Foundation
import Storage

/// Days and closing times in a site's own time zone, daylight saving included: a day runs
/// from one local midnight to the next (23 hours in spring, 25 in autumn where the clocks
/// change), and 21:00 is 21:00 on the wall whatever the offset.
public struct SiteDay: Hashable, Sendable {
    /// The local midnight the day starts at.
    public var start: Date
    /// The next local midnight.
    public var end: Date
    /// The closing time on that day.
    public var closing: Date

    /// The day of the most recent closing at or before `now` (today's, once `now` is past it;
    /// else yesterday's). A closing time that does not exist that day (in the spring gap) is
    /// moved on to the first time that does.
    public static func lastClosing(before now: Date, hour: Int, minute: Int, timeZone: TimeZone) -> SiteDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = AnalyticsBucket.day.start(of: now, calendar: calendar)
        let day = Self.day(starting: today, hour: hour, minute: minute, calendar: calendar)
        if day.closing <= now { return day }
        // Twelve hours before midnight is always in the day before, whatever the clocks did.
        let yesterday = AnalyticsBucket.day.start(of: today.addingTimeInterval(-12 * 3_600), calendar: calendar)
        return Self.day(starting: yesterday, hour: hour, minute: minute, calendar: calendar)
    }

    /// The day that starts at local midnight `start`.
    public static func day(starting start: Date, hour: Int, minute: Int, timeZone: TimeZone) -> SiteDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return day(starting: calendar.startOfDay(for: start), hour: hour, minute: minute, calendar: calendar)
    }

    private static func day(starting start: Date, hour: Int, minute: Int, calendar: Calendar) -> SiteDay {
        let end = AnalyticsBucket.day.next(after: start, calendar: calendar)
        let closing = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: start, matchingPolicy: .nextTime)
            ?? start.addingTimeInterval(Double(hour * 3_600 + minute * 60))
        return SiteDay(start: start, end: end, closing: closing)
    }

    /// Hours in the day: 24, or 23 and 25 on the days the clocks change.
    public var hours: Double { end.timeIntervalSince(start) / 3_600 }
}
