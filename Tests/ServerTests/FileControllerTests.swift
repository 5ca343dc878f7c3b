import Analytics
import CountingCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Storage
import StorageS3
import StorageTestSupport
import Testing

/// Scheduled reports listed and downloaded through the API, by the sites the caller may see.
struct FileControllerTests {
    @Test func reportsAreListedAndDownloadedByWhoMaySeeTheirSite() async throws {
        let fixture = try await AnalyticsControllerTests.fixture()
        let depotViewer = try await fixture.siteViewerToken("depot")
        // Monday 29 March 2027, 06:01 in Paris: Sunday's and last week's reports of the shop are due.
        let scheduler = ReportScheduler(store: fixture.store, files: fixture.files,
                                        wallClock: { AnalyticsControllerTests.utc("2027-03-29T04:01:00Z") },
                                        logger: Logger(label: "test.reports"))
        let made = await scheduler.makeDueReports()
        #expect(made.filter { $0.siteID == "shop" }.count == 4)
        try await fixture.app().test(.router) { client in
            let list = try await call(client, .get, "/api/v1/reports?site=shop", token: fixture.tokens[.viewer])
            #expect(list.status == .ok)
            let files = try #require(list.json["files"] as? [[String: Any]])
            #expect(Set(files.compactMap { $0["name"] as? String }) == ["shop-day-2027-03-28.html", "shop-day-2027-03-28.csv",
                                                                        "shop-week-2027-03-22.html", "shop-week-2027-03-22.csv"])
            let csvItem = try #require(files.first { $0["name"] as? String == "shop-day-2027-03-28.csv" })
            let link = try #require(csvItem["download"] as? String)
            let csv = try await client.execute(uri: link, method: .get,
                                               headers: [.authorization: "Bearer \(fixture.tokens[.viewer] ?? "")"]) { $0 }
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=\"shop-day-2027-03-28.csv\"")
            #expect(String(buffer: csv.body).hasSuffix("shop,day,total,,322,207\r\n"), "door and till, as the counts API says")
            #expect(csv.body.readableBytes == csvItem["size"] as? Int)

            // The depot's viewer sees neither the shop's list nor its files.
            let theirs = try await call(client, .get, "/api/v1/reports", token: depotViewer)
            #expect((theirs.json["files"] as? [[String: Any]])?.allSatisfy { $0["site"] as? String == "depot" } == true)
            #expect(try await call(client, .get, "/api/v1/reports?site=shop", token: depotViewer).status == .notFound)
            #expect(try await call(client, .get, link, token: depotViewer).status == .notFound)
            #expect(try await call(client, .get, link, token: fixture.otherAdminToken).status == .notFound)
            #expect(try await call(client, .get, "/api/v1/files/nope", token: fixture.tokens[.viewer]).status == .notFound)
            #expect(try await call(client, .get, link).status == .unauthorized)
        }
    }

    @Test(.enabled(if: S3TestServer.available, "needs FOOTFALL_TEST_S3_URL (scripts/test.sh starts an S3 server)"))
    func fromS3ADownloadIsAShortPresignedLinkGivenOnlyToWhoMaySeeTheSite() async throws {
        try await S3TestServer.withBucket(prefix: "files") { s3 in
            let fixture = try await AnalyticsControllerTests.fixture(files: S3FileStore(client: s3))
            let scheduler = ReportScheduler(store: fixture.store, files: fixture.files,
                                            wallClock: { AnalyticsControllerTests.utc("2027-03-29T04:01:00Z") },
                                            logger: Logger(label: "test.reports"))
            let csv = try #require(await scheduler.makeDueReports().first { $0.name == "shop-day-2027-03-28.csv" })
            // The bytes are in the bucket, under its prefix.
            let object = try #require(try await s3.head(key: "files/" + csv.key))
            #expect(object.size == csv.size)
            try await fixture.app().test(.router) { api in
                let link = "/api/v1/files/\(csv.id.uuidString.lowercased())"
                let answer = try await call(api, .get, link, token: fixture.tokens[.viewer])
                #expect(answer.status == .found)
                let location = try #require(answer.headers[.location])
                let bucket = s3.configuration
                #expect(location.hasPrefix("\(bucket.scheme)://\(bucket.host)/\(bucket.bucket)/files/\(csv.key)?X-Amz-Algorithm="))
                #expect(location.contains("&X-Amz-Expires=300&"))
                #expect(answer.headers[.cacheControl] == "no-store")
                #expect(try await call(api, .get, link, token: fixture.otherAdminToken).status == .notFound)
            }
        }
    }
}
