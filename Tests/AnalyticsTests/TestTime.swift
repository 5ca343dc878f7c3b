import Foundation

/// Times the analytics tests write in UTC, and the Paris calendar they are read in.
enum TestTime {
    static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
}
