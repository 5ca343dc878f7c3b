import CountingCore
import FootfallTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Storage
import Testing

/// Analytics through the API on the day the clocks go forward in Paris: local days of 23
/// hours, the previous period and last year, occupancy corrected for drift, conversion.
struct AnalyticsControllerTests {
    static func utc(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    static func fixture() async throws -> ControlPlaneFixture {
        let fixture = try await ControlPlaneFixture()
        let audit = AuditEntry(time: ControlPlaneFixture.start, username: "system", action: "test", target: "test")
        try await fixture.store.saveSite(Site(id: "shop", name: "Shop", timeZone: "Europe/Paris"), audit: audit)
        try await fixture.store.saveSite(Site(id: "depot", name: "Depot"), audit: audit)
        for (camera, line, site) in [("door", "entrance", "shop"), ("till", "checkout", "shop"), ("gate", "gate", "depot")] {
            try await fixture.store.saveCamera(Camera(id: camera, name: camera, source: "external", geometry: Geometry(
                lines: [CountingLine(name: line, a: Point(x: 0, y: 0), b: Point(x: 9, y: 0))]), siteID: site))
        }
        var results: [CountingResult] = []
        func add(_ camera: String, _ line: String, from start: String, hours: Int, in countIn: Int, out countOut: Int = 0) {
            for hour in 0..<hours {
                results.append(CountingResult(cameraID: camera, kind: .line, name: line,
                                              minute: utc(start).addingTimeInterval(Double(hour) * 3_600 + 300),
                                              countIn: countIn, countOut: countOut))
            }
        }
        add("door", "entrance", from: "2027-03-26T23:00:00Z", hours: 24, in: 5)              // Saturday 27th, winter time
        add("door", "entrance", from: "2027-03-27T23:00:00Z", hours: 23, in: 10, out: 9)     // Sunday 28th: 23 hours
        add("till", "checkout", from: "2027-03-27T23:00:00Z", hours: 23, in: 4)
        add("door", "entrance", from: "2027-03-26T12:00:00Z", hours: 1, in: 50)              // the period before
        add("door", "entrance", from: "2026-03-28T10:00:00Z", hours: 1, in: 100)             // a year before
        add("gate", "gate", from: "2027-03-28T10:00:00Z", hours: 1, in: 1_000)               // another site
        try await fixture.store.addCountingResults(results)
        return fixture
    }

    @Test func localDaysWithThePreviousPeriodAndLastYear() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            let answer = try await call(client, .get, "/api/v1/analytics/footfall?site=shop&bucket=day&lines=door/entrance"
                                            + "&from=2027-03-26T23:00:00Z&to=2027-03-28T22:00:00Z", token: fixture.tokens[.viewer])
            #expect(answer.status == .ok)
            #expect(answer.json["timeZone"] as? String == "Europe/Paris")
            let buckets = try #require(answer.json["buckets"] as? [[String: Any]])
            #expect(buckets.map { $0["start"] as? String } == ["2027-03-26T23:00:00Z", "2027-03-27T23:00:00Z"])
            #expect(buckets.map { $0["in"] as? Int } == [120, 230])
            #expect((answer.json["total"] as? [String: Any])?["in"] as? Int == 350)
            let previous = try #require(answer.json["previous"] as? [String: Any])
            #expect(previous["in"] as? Int == 50 && previous["change"] as? Double == 6)
            let lastYear = try #require(answer.json["lastYear"] as? [String: Any])
            #expect(lastYear["in"] as? Int == 100 && lastYear["change"] as? Double == 2.5)
            #expect(lastYear["from"] as? String == "2026-03-26T23:00:00Z")

            // Hours of the short day: 23 of them.
            let hours = try await call(client, .get, "/api/v1/analytics/footfall?site=shop&bucket=hour"
                                           + "&from=2027-03-27T23:00:00Z&to=2027-03-28T22:00:00Z", token: fixture.tokens[.viewer])
            let hourly = try #require(hours.json["buckets"] as? [[String: Any]])
            #expect(hourly.count == 23 && hourly.allSatisfy { $0["in"] as? Int == 14 }, "door and till, every line of the site")

            #expect(errorField(try await call(client, .get, "/api/v1/analytics/footfall", token: fixture.tokens[.viewer]).json) == "site")
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/footfall?camera=door&bucket=month",
                                              token: fixture.tokens[.viewer]).json) == "bucket")
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/footfall?camera=door&lines=door/nope",
                                              token: fixture.tokens[.viewer]).json) == "lines")
            #expect(try await call(client, .get, "/api/v1/analytics/footfall?site=moon", token: fixture.tokens[.viewer]).status == .notFound)
            #expect(try await call(client, .get, "/api/v1/analytics/footfall?site=shop", token: fixture.otherAdminToken).status == .notFound)
        }
    }

    @Test func occupancyThroughTheDayIsCorrectedToEndAtZero() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            let answer = try await call(client, .get, "/api/v1/analytics/occupancy?site=shop&date=2027-03-28&lines=door/entrance",
                                        token: fixture.tokens[.viewer])
            #expect(answer.status == .ok)
            let hours = try #require(answer.json["hours"] as? [[String: Any]])
            #expect(hours.count == 23)
            #expect(answer.json["in"] as? Int == 230 && answer.json["out"] as? Int == 207 && answer.json["imbalance"] as? Int == 23)
            #expect(hours.last?["raw"] as? Double == 23 && hours.last?["corrected"] as? Double == 0)
            #expect(hours.first?["end"] as? String == "2027-03-28T00:00:00Z")
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/occupancy?site=shop&date=2027-02-31",
                                              token: fixture.tokens[.viewer]).json) == "date")
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/occupancy?site=shop&date=28/03/2027",
                                              token: fixture.tokens[.viewer]).json) == "date")
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/occupancy?camera=door",
                                              token: fixture.tokens[.viewer]).json) == "site")
        }
    }

    @Test func conversionFromEntranceToCheckout() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            let answer = try await call(client, .get, "/api/v1/analytics/conversion?entrance=door/entrance&checkout=till/checkout"
                                            + "&bucket=day&from=2027-03-27T23:00:00Z&to=2027-03-28T22:00:00Z", token: fixture.tokens[.viewer])
            #expect(answer.status == .ok)
            #expect(answer.json["entrance"] as? Int == 230 && answer.json["checkout"] as? Int == 92)
            #expect(answer.json["ratio"] as? Double == 0.4)
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/conversion?entrance=door&checkout=till/checkout",
                                              token: fixture.tokens[.viewer]).json) == "entrance")
        }
    }
}
