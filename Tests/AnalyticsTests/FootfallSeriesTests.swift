import Analytics
import Foundation
import Storage
import Testing

struct FootfallSeriesTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func everyBucketIsThereWithZerosWhereNobodyCrossed() {
        var paris = Calendar(identifier: .gregorian)
        paris.timeZone = TimeZone(identifier: "Europe/Paris")!
        let counts = [BucketCount(start: Self.utc("2027-01-10T23:00:00Z"), countIn: 7, countOut: 2),
                      BucketCount(start: Self.utc("2027-01-11T23:00:00Z"), countIn: 3, countOut: 4)]
        let series = FootfallSeries(counts, from: Self.utc("2027-01-10T23:00:00Z"), to: Self.utc("2027-01-13T23:00:00Z"), bucket: .day,
                                    calendar: paris)
        #expect(series.buckets.map(\.countIn) == [7, 3, 0])
        #expect(series.buckets.map(\.countOut) == [2, 4, 0])
        #expect(series.countIn == 10 && series.countOut == 6)
    }

    @Test func peakHoursAreAveragedPerDayBusiestFirst() {
        let peaks = FootfallSeries.peakHours([17: (100, 0), 12: (30, 5), 9: (10, 0), 3: (0, 4)], days: 2, top: 2)
        #expect(peaks.map(\.hour) == [17, 12])
        #expect(peaks.map(\.meanIn) == [50, 15])
    }
}
