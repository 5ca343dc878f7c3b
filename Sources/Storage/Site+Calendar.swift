import Foundation

extension Site {
    /// A Gregorian calendar in the site's time zone (UTC if the name is unknown here), for its
    /// days, weeks and hours.
    public var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return calendar
    }
}
