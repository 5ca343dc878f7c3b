import Foundation
import Testing
@testable import Alerting

/// Days in a site's time zone, across both daylight-saving changes.
struct SiteDayTests {
    let paris = TimeZone(identifier: "Europe/Paris")!

    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func theDaysTheClocksChangeHave23And25Hours() {
        let spring = SiteDay.day(starting: Self.utc("2027-03-28T12:00:00Z"), hour: 21, minute: 0, timeZone: paris)
        #expect(spring.hours == 23)
        #expect(spring.start == Self.utc("2027-03-27T23:00:00Z"))
        #expect(spring.closing == Self.utc("2027-03-28T19:00:00Z"), "21:00 in summer time")
        let autumn = SiteDay.day(starting: Self.utc("2027-10-31T12:00:00Z"), hour: 21, minute: 0, timeZone: paris)
        #expect(autumn.hours == 25)
        #expect(autumn.start == Self.utc("2027-10-30T22:00:00Z"))
        #expect(autumn.closing == Self.utc("2027-10-31T20:00:00Z"), "21:00 in winter time")
        #expect(SiteDay.day(starting: Self.utc("2027-06-01T12:00:00Z"), hour: 21, minute: 0, timeZone: paris).hours == 24)
    }

    @Test func theLastClosingIsTodaysOnceItHasPassed() {
        let before = SiteDay.lastClosing(before: Self.utc("2027-03-28T18:59:00Z"), hour: 21, minute: 0, timeZone: paris)
        #expect(before.closing == Self.utc("2027-03-27T20:00:00Z"), "yesterday's, in winter time")
        let after = SiteDay.lastClosing(before: Self.utc("2027-03-28T19:00:00Z"), hour: 21, minute: 0, timeZone: paris)
        #expect(after.closing == Self.utc("2027-03-28T19:00:00Z"))
    }

    @Test func aClosingTimeInTheSpringGapMovesOn() {
        // 02:30 does not exist in Paris on 2027-03-28: the clocks go from 02:00 to 03:00.
        let day = SiteDay.day(starting: Self.utc("2027-03-28T12:00:00Z"), hour: 2, minute: 30, timeZone: paris)
        #expect(day.closing == Self.utc("2027-03-28T01:00:00Z"), "03:00 summer time, the first time that exists")
    }
}
