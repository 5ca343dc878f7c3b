import CountingCore
import Foundation
import Storage
import StorageTestSupport
import Testing

/// Hourly line counts for analytics, from any backend.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func hourlyLineCountsAddUpMinutesPerHourAndCamera(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            var other = camera
            other.id = "door-2"
            try await store.saveCamera(other)
            try await store.addCountingResults([
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: Self.at(0), countIn: 3, countOut: 1),
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: Self.at(1_740), countIn: 2),
                CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: Self.at(3_600), countIn: 7),
                CountingResult(cameraID: "door-1", kind: .zone, name: "lobby", minute: Self.at(60), occupancyMin: 1, occupancyMax: 2,
                               occupancySum: 3, occupancySamples: 2),
                CountingResult(cameraID: "door-2", kind: .line, name: "door", minute: Self.at(120), countOut: 4),
            ])
            let counts = try await store.hourlyLineCounts(cameraIDs: ["door-1", "door-2"], from: Self.at(0), to: Self.at(7_200))
            let sorted = counts.sorted { ($0.cameraID, $0.hour) < ($1.cameraID, $1.hour) }
            #expect(sorted == [
                HourlyLineCount(cameraID: "door-1", line: "door", hour: Self.at(0), countIn: 5, countOut: 1),
                HourlyLineCount(cameraID: "door-1", line: "door", hour: Self.at(3_600), countIn: 7, countOut: 0),
                HourlyLineCount(cameraID: "door-2", line: "door", hour: Self.at(0), countIn: 0, countOut: 4),
            ])
            #expect(try await store.hourlyLineCounts(cameraIDs: ["door-1"], from: Self.at(3_600), to: Self.at(7_200)).map(\.countIn) == [7])
            #expect(try await store.hourlyLineCounts(cameraIDs: [], from: Self.at(0), to: Self.at(7_200)).isEmpty)
        }
    }
}

/// Line counts grouped by local day, week and hour of the day, across the spring clock change.
extension StoreConformanceTests {
    @Test(arguments: Backend.available)
    func lineCountsAreGroupedInTheSitesTimeZone(backend: Backend) async throws {
        try await backend.withStore { store in
            try await store.saveCamera(camera)
            var geometry = camera.geometry
            geometry.lines.append(CountingLine(name: "staff", a: Point(x: 0, y: 0), b: Point(x: 1, y: 1)))
            try await store.saveCamera(Camera(id: "door-1", name: "Front door", source: "x", geometry: geometry))
            let utc = { (text: String) in ISO8601DateFormatter().date(from: text)! }
            var results: [CountingResult] = []
            // Every hour of Saturday 27 and Sunday 28 March 2027 in Paris (24 and 23 hours): 1 in, and 100 on the staff line.
            var hour = utc("2027-03-26T23:00:00Z")
            while hour < utc("2027-03-28T22:00:00Z") {
                results.append(CountingResult(cameraID: "door-1", kind: .line, name: "door", minute: hour.addingTimeInterval(120), countIn: 1))
                results.append(CountingResult(cameraID: "door-1", kind: .line, name: "staff", minute: hour, countIn: 100))
                hour.addTimeInterval(3_600)
            }
            try await store.addCountingResults(results)
            let query = LineCountQuery(cameraIDs: ["door-1"], lines: ["door-1/door"], from: utc("2027-03-26T23:00:00Z"),
                                       to: utc("2027-03-28T22:00:00Z"), timeZone: TimeZone(identifier: "Europe/Paris")!)
            #expect(try await store.lineCountBuckets(query, bucket: .day)
                == [BucketCount(start: utc("2027-03-26T23:00:00Z"), countIn: 24, countOut: 0),
                    BucketCount(start: utc("2027-03-27T23:00:00Z"), countIn: 23, countOut: 0)])
            #expect(try await store.lineCountBuckets(query, bucket: .week) == [BucketCount(start: utc("2027-03-21T23:00:00Z"), countIn: 47, countOut: 0)])
            #expect(try await store.lineCountBuckets(query, bucket: .hour).count == 47)
            let byHour = try await store.lineCountsByHourOfDay(query)
            // 02:00 local did not exist on the Sunday.
            #expect(byHour.count == 24 && byHour[2]?.countIn == 1 && byHour[3]?.countIn == 2)
            var everyLine = query
            everyLine.lines = nil
            #expect(try await store.lineCountBuckets(everyLine, bucket: .day).map(\.countIn) == [2_424, 2_323])
        }
    }
}
