import Analytics
import Foundation
import Storage
import Testing

/// Dwell figures against values worked out by hand.
struct DwellStatisticsTests {
    static let paris = TestTime.paris

    static func utc(_ text: String) -> Date { TestTime.utc(text) }

    @Test func hoursHoldTheVisitsThatEndedInThemWithMeanMedianAndP90() {
        // 10:00–11:00 Paris is 09:00–10:00 UTC in winter.
        let samples = [
            DwellSample(minute: Self.utc("2026-12-02T09:01:00Z"), seconds: 240),
            DwellSample(minute: Self.utc("2026-12-02T09:15:00Z"), seconds: 30),
            DwellSample(minute: Self.utc("2026-12-02T09:15:00Z"), seconds: 90),
            DwellSample(minute: Self.utc("2026-12-02T09:59:00Z"), seconds: 60),
            DwellSample(minute: Self.utc("2026-12-02T10:30:00Z"), seconds: 600),
        ]
        let statistics = DwellStatistics(samples, from: Self.utc("2026-12-02T09:00:00Z"), to: Self.utc("2026-12-02T12:00:00Z"),
                                         bucket: .hour, calendar: Self.paris)
        #expect(statistics.buckets.map(\.start) == ["09", "10", "11"].map { Self.utc("2026-12-02T\($0):00:00Z") })
        // 30, 60, 90, 240: mean 420 / 4; median between 60 and 90; p90 at rank 2.7, 0.7 of the way from 90 to 240.
        let ten = statistics.buckets[0]
        #expect(ten.visits == 4 && ten.mean == 105 && ten.median == 75)
        #expect(abs((ten.p90 ?? 0) - 195) < 1e-9)
        #expect(statistics.buckets[1].visits == 1 && statistics.buckets[1].median == 600 && statistics.buckets[1].p90 == 600)
        #expect(statistics.buckets[2].visits == 0 && statistics.buckets[2].mean == nil && statistics.buckets[2].p90 == nil)
        // All five: 30, 60, 90, 240, 600: mean 1020 / 5; median 90; p90 at rank 3.6, 0.6 of the way from 240 to 600.
        #expect(statistics.total.visits == 5 && statistics.total.mean == 204 && statistics.total.median == 90)
        #expect(abs((statistics.total.p90 ?? 0) - 456) < 1e-9)
    }

    @Test func theLastSundayOfOctoberHas25HoursAndTheLastOfMarch23() {
        let autumn = DwellStatistics([], from: Self.utc("2026-10-24T22:00:00Z"), to: Self.utc("2026-10-25T23:00:00Z"),
                                     bucket: .hour, calendar: Self.paris)
        #expect(autumn.buckets.count == 25)
        let spring = DwellStatistics([], from: Self.utc("2027-03-27T23:00:00Z"), to: Self.utc("2027-03-28T22:00:00Z"),
                                     bucket: .hour, calendar: Self.paris)
        #expect(spring.buckets.count == 23)
        // A visit ending at 23:30 local on the long day belongs to that day, not the next.
        let days = DwellStatistics([DwellSample(minute: Self.utc("2026-10-25T22:30:00Z"), seconds: 42)],
                                   from: Self.utc("2026-10-24T22:00:00Z"), to: Self.utc("2026-10-26T23:00:00Z"),
                                   bucket: .day, calendar: Self.paris)
        #expect(days.buckets.map(\.visits) == [1, 0])
    }

    @Test func percentilesOfOneValueAndOfNone() {
        #expect(DwellStatistics.percentile([], 0.5) == nil)
        #expect(DwellStatistics.percentile([7], 0.9) == 7)
        #expect(abs((DwellStatistics.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) ?? 0) - 9.1) < 1e-9)
    }
}
