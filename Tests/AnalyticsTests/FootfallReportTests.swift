import Foundation
import Testing

@testable import Analytics

/// The period a range is compared with, across the clock changes of its time zone.
struct FootfallReportTests {
    static let paris = TestTime.paris

    static func utc(_ text: String) -> Date { TestTime.utc(text) }

    @Test func aWeekWithAClockChangeIsComparedWithTheWholeWeekBefore() {
        // Monday 22 to Monday 29 March 2027 in Paris: 167 hours, the clocks going forward on the 28th.
        let start = FootfallReport.previousStart(from: Self.utc("2027-03-21T23:00:00Z"), to: Self.utc("2027-03-28T22:00:00Z"),
                                                 calendar: Self.paris)
        #expect(start == Self.utc("2027-03-14T23:00:00Z"), "Monday 15 March, local midnight")
        // The short day itself is compared with the whole Saturday before it.
        #expect(FootfallReport.previousStart(from: Self.utc("2027-03-27T23:00:00Z"), to: Self.utc("2027-03-28T22:00:00Z"),
                                             calendar: Self.paris) == Self.utc("2027-03-26T23:00:00Z"))
        // Hours are hours.
        #expect(FootfallReport.previousStart(from: Self.utc("2027-03-28T08:00:00Z"), to: Self.utc("2027-03-28T11:00:00Z"),
                                             calendar: Self.paris) == Self.utc("2027-03-28T05:00:00Z"))
    }
}
