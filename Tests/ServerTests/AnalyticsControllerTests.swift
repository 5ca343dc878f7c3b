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

    static func fixture(files: any FileStore = InMemoryFileStore()) async throws -> ControlPlaneFixture {
        let fixture = try await ControlPlaneFixture(files: files)
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
        // A queue at the till: visits of known lengths ending at 10:05 and 11:05 on Sunday (Paris, summer time).
        try await fixture.store.saveCamera(Camera(id: "queue", name: "queue", source: "external", geometry: Geometry(
            zones: [Zone(name: "line", polygon: [Point(x: 0, y: 0), Point(x: 9, y: 0), Point(x: 9, y: 9)])]), siteID: "shop"))
        results.append(CountingResult(cameraID: "queue", kind: .zone, name: "line", minute: utc("2027-03-28T08:05:00Z"),
                                      dwellSeconds: [30, 60, 90, 240]))
        results.append(CountingResult(cameraID: "queue", kind: .zone, name: "line", minute: utc("2027-03-28T09:05:00Z"),
                                      dwellSeconds: [600]))
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

    @Test func dwellTimesPerLocalHour() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            let answer = try await call(client, .get, "/api/v1/analytics/dwell?zone=queue/line&bucket=hour"
                                            + "&from=2027-03-28T08:00:00Z&to=2027-03-28T11:00:00Z", token: fixture.tokens[.viewer])
            #expect(answer.status == .ok)
            let buckets = try #require(answer.json["buckets"] as? [[String: Any]])
            #expect(buckets.map { $0["visits"] as? Int } == [4, 1, 0])
            #expect(buckets[0]["meanSeconds"] as? Double == 105 && buckets[0]["medianSeconds"] as? Double == 75)
            #expect(abs((buckets[0]["p90Seconds"] as? Double ?? 0) - 195) < 1e-9)
            #expect(buckets[2]["meanSeconds"] == nil, "an hour without visits has no figures")
            let total = try #require(answer.json["total"] as? [String: Any])
            #expect(total["visits"] as? Int == 5 && total["meanSeconds"] as? Double == 204 && total["medianSeconds"] as? Double == 90)
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/dwell?zone=queue", token: fixture.tokens[.viewer]).json) == "zone")
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/dwell?zone=queue/nope", token: fixture.tokens[.viewer]).json)
                == "zone")
            #expect(try await call(client, .get, "/api/v1/analytics/dwell?zone=queue/line", token: fixture.otherAdminToken).status == .notFound)
        }
    }

    @Test func aDailyReportsTotalsEqualTheCountsOfItsCameras() async throws {
        let fixture = try await Self.fixture()
        try await fixture.app().test(.router) { client in
            // What the counts API says for Sunday 28th in Paris, camera by camera.
            var countsIn = 0, countsOut = 0
            for camera in ["door", "till"] {
                let counts = try await call(client, .get, "/api/v1/cameras/\(camera)/counts?bucket=hour"
                                                + "&from=2027-03-27T23:00:00Z&to=2027-03-28T22:00:00Z", token: fixture.tokens[.viewer])
                for line in counts.json["lines"] as? [[String: Any]] ?? [] {
                    for bucket in line["buckets"] as? [[String: Any]] ?? [] {
                        countsIn += bucket["in"] as? Int ?? 0
                        countsOut += bucket["out"] as? Int ?? 0
                    }
                }
            }
            #expect(countsIn == 23 * 14 && countsOut == 23 * 9)
            let csv = try await client.execute(uri: "/api/v1/analytics/report?site=shop&period=day&date=2027-03-28&format=csv",
                                               method: .get, headers: [.authorization: "Bearer \(fixture.tokens[.viewer] ?? "")"]) { $0 }
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            let rows = String(buffer: csv.body).split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            #expect(rows.count == 1 + 23 + 1, "a header, the 23 hours of the day the clocks go forward, and the total")
            #expect(rows.last.map { [String($0[2]), String($0[4]), String($0[5])] } == ["total", "\(countsIn)", "\(countsOut)"])
            #expect(rows.dropFirst().dropLast().reduce(0) { $0 + (Int($1[4]) ?? 0) } == countsIn)
            #expect(rows[1][2] == "2027-03-28 00:00" && rows[3][2] == "2027-03-28 03:00", "02:00 does not exist that night")

            let html = try await client.execute(uri: "/api/v1/analytics/report?site=shop&period=week&date=2027-03-28",
                                                method: .get, headers: [.authorization: "Bearer \(fixture.tokens[.viewer] ?? "")"]) { $0 }
            #expect(html.status == .ok)
            #expect(html.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
            let page = String(buffer: html.body)
            // The ISO week of Monday 22 to Sunday 28 March: Saturday's 120 in, Sunday's 322 and the Friday before's 50.
            #expect(page.contains("<tr><td>People in</td><td>\(50 + 120 + countsIn)</td></tr>"))
            #expect(page.contains("<tr><td>door / entrance</td><td>\(50 + 120 + 230)</td>"))
            #expect(page.contains("<svg") && !page.contains("<script"))
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/report?site=shop&period=month",
                                              token: fixture.tokens[.viewer]).json) == "period")
            #expect(errorField(try await call(client, .get, "/api/v1/analytics/report?site=shop&format=pdf",
                                              token: fixture.tokens[.viewer]).json) == "format")
            #expect(try await call(client, .get, "/api/v1/analytics/report?site=shop", token: fixture.otherAdminToken).status == .notFound)
        }
    }
}
