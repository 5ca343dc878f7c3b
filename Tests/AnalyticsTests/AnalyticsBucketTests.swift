import Analytics
import Storage
import Foundation
import Testing

/// Buckets in a site's time zone, across both daylight-saving changes.
struct AnalyticsBucketTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }
    static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    @Test func theLocalDaysTheClocksChangeHave23And25HourBuckets() {
        let spring = AnalyticsBucket.hour.starts(from: Self.utc("2027-03-27T23:00:00Z"), to: Self.utc("2027-03-28T22:00:00Z"),
                                                 calendar: Self.paris)
        #expect(spring.count == 23)
        let autumn = AnalyticsBucket.hour.starts(from: Self.utc("2027-10-30T22:00:00Z"), to: Self.utc("2027-10-31T23:00:00Z"),
                                                 calendar: Self.paris)
        #expect(autumn.count == 25)
        let days = AnalyticsBucket.day.starts(from: Self.utc("2027-03-27T23:00:00Z"), to: Self.utc("2027-03-30T22:00:00Z"),
                                              calendar: Self.paris)
        #expect(days == [Self.utc("2027-03-27T23:00:00Z"), Self.utc("2027-03-28T22:00:00Z"), Self.utc("2027-03-29T22:00:00Z")])
    }

    @Test func weeksStartOnMondayAtLocalMidnight() {
        // Wednesday 2027-01-13 noon in Paris: its week began Monday 2027-01-11 00:00 local.
        #expect(AnalyticsBucket.week.start(of: Self.utc("2027-01-13T11:00:00Z"), calendar: Self.paris) == Self.utc("2027-01-10T23:00:00Z"))
        let weeks = AnalyticsBucket.week.starts(from: Self.utc("2027-01-13T11:00:00Z"), to: Self.utc("2027-01-26T00:00:00Z"),
                                                calendar: Self.paris)
        #expect(weeks == [Self.utc("2027-01-10T23:00:00Z"), Self.utc("2027-01-17T23:00:00Z"), Self.utc("2027-01-24T23:00:00Z")])
    }
}
