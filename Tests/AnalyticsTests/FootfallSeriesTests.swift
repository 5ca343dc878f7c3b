import Analytics
import Foundation
import Storage
import Testing

struct FootfallSeriesTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func count(_ camera: String, _ line: String, _ hour: String, _ countIn: Int, _ countOut: Int) -> HourlyLineCount {
        HourlyLineCount(cameraID: camera, line: line, hour: Self.utc(hour), countIn: countIn, countOut: countOut)
    }

    @Test func localDaysWithZerosAndOnlyTheLinesAsked() {
        var paris = Calendar(identifier: .gregorian)
        paris.timeZone = TimeZone(identifier: "Europe/Paris")!
        let counts = [
            count("door", "entrance", "2027-01-10T22:00:00Z", 5, 1),  // 23:00 on the 10th, local
            count("door", "entrance", "2027-01-10T23:00:00Z", 7, 2),  // 00:00 on the 11th
            count("door", "staff", "2027-01-10T23:00:00Z", 100, 100),
            count("yard", "gate", "2027-01-12T08:00:00Z", 3, 4),
        ]
        let series = FootfallSeries(counts, from: Self.utc("2027-01-10T23:00:00Z"), to: Self.utc("2027-01-13T23:00:00Z"), bucket: .day,
                                    calendar: paris) { $0.line != "staff" }
        #expect(series.buckets.map(\.countIn) == [7, 3, 0])
        #expect(series.buckets.map(\.countOut) == [2, 4, 0])
        #expect(series.countIn == 10 && series.countOut == 6)
    }

    @Test func peakHoursAreLocalAndAveragedPerDay() {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let counts = [count("d", "l", "2027-01-11T17:00:00Z", 40, 0), count("d", "l", "2027-01-12T17:00:00Z", 60, 0),
                      count("d", "l", "2027-01-11T12:00:00Z", 30, 0), count("d", "l", "2027-01-12T09:00:00Z", 10, 0)]
        let peaks = FootfallSeries.peakHours(counts, from: Self.utc("2027-01-11T00:00:00Z"), to: Self.utc("2027-01-13T00:00:00Z"),
                                             calendar: utc, top: 2)
        #expect(peaks.map(\.hour) == [17, 12])
        #expect(peaks.map(\.meanIn) == [50, 15])
    }
}
