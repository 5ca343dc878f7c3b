import FootfallSupport
import FootfallTestSupport
import Foundation
import Logging
import NIOCore
import StorageS3
import StorageTestSupport
import Testing

/// The client against a real S3-protocol server that checks signatures (`scripts/s3.sh`).
@Suite(.enabled(if: S3TestServer.available, "needs FOOTFALL_TEST_S3_URL (scripts/test.sh starts an S3 server)"))
struct S3ClientTests {
    @Test func objectsArePutReadDescribedListedPageByPageAndDeleted() async throws {
        try await S3TestServer.withBucket { client in
            let keys = ["reports/t1/shop/a b.csv", "reports/t1/shop/b.html", "reports/t1/yard/c.csv", "reports/t2/x.csv", "other"]
            for (index, key) in keys.enumerated() {
                try await client.put(key: key, body: ByteBuffer(string: "file \(index)"), contentType: "text/csv")
            }
            #expect(try await client.get(key: "reports/t1/shop/a b.csv").map { String(buffer: $0) } == "file 0")
            #expect(try await client.get(key: "reports/missing.csv") == nil)
            let described = try #require(try await client.head(key: "reports/t1/shop/b.html"))
            #expect(described.size == 6 && described.contentType == "text/csv" && !described.etag.isEmpty)
            #expect(try await client.head(key: "nothing") == nil)

            // Two keys a page, in key order. (The test server misreads a signed query holding a
            // `/`, as it does awscli's; AWS's examples check that such queries are signed right.)
            var pages: [[String]] = []
            var token: String?
            repeat {
                let page = try await client.list(prefix: "reports", continuation: token, maximumKeys: 2)
                pages.append(page.objects.map(\.key))
                token = page.nextToken
            } while token != nil
            #expect(pages == [["reports/t1/shop/a b.csv", "reports/t1/shop/b.html"], ["reports/t1/yard/c.csv", "reports/t2/x.csv"]])
            #expect(try await client.listAll(prefix: "", pageSize: 3).map(\.key) == ["other"] + keys.dropLast())
            #expect(try await client.listAll(prefix: "o").map(\.key) == ["other"])

            try await client.delete(key: "other")
            try await client.delete(key: "other")
            #expect(try await client.get(key: "other") == nil)
        }
    }

    @Test func aLargeFileGoesUpInPartsAndComesBackWhole() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-s3-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // 12 MiB and a bit: three parts of 5 MiB, the last one short.
        var bytes = [UInt8](repeating: 0, count: (12 << 20) + 12_345)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in bytes.indices {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[index] = UInt8(truncatingIfNeeded: state >> 33)
        }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        try await S3TestServer.withBucket(policy: .init(partSize: 5 << 20, concurrentParts: 2)) { client in
            try await client.putFile(at: path, key: "archives/2026-11.csv.gz", contentType: "application/gzip")
            let object = try #require(try await client.head(key: "archives/2026-11.csv.gz"))
            #expect(object.size == bytes.count)
            #expect(object.etag.hasSuffix("-3\""), "a multipart object's ETag counts its parts")
            let back = try #require(try await client.get(key: "archives/2026-11.csv.gz"))
            #expect(Array(back.readableBytesView) == bytes)
        }
    }

    @Test func aWrongSecretIsRefusedWith403() async throws {
        try await S3TestServer.withBucket { client in
            try await client.put(key: "a.txt", body: ByteBuffer(string: "a"), contentType: "text/plain")
            var configuration = client.configuration
            configuration.credentials.secretAccessKey += "x"
            let impostor = S3Client(configuration: configuration, logger: S3TestServer.logger)
            for attempt in [{ _ = try await impostor.get(key: "a.txt") },
                            { try await impostor.put(key: "b.txt", body: ByteBuffer(string: "b"), contentType: "text/plain") }] {
                do {
                    try await attempt()
                    Issue.record("a wrong signature was accepted")
                } catch let error as S3Error {
                    guard case .refused(_, let status, let code, _) = error else { throw error }
                    #expect(status == 403 && code == "SignatureDoesNotMatch")
                }
            }
            try await impostor.shutdown()
            #expect(try await client.get(key: "b.txt") == nil, "nothing was written")
        }
    }

    /// The test server does not serve presigned reads while it checks signatures (it wants an
    /// `Authorization` header), so the link's signature is checked against AWS's example in
    /// `SigV4SignerTests`; here, its address and expiry.
    @Test func aPresignedLinkNamesTheObjectAndItsExpiry() async throws {
        let moment = Date(timeIntervalSince1970: 1_369_353_600)
        let configuration = try S3Configuration(url: "https://s3.example/footfall/site-a", credentials: S3Credentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        let client = S3Client(configuration: configuration, wallClock: { moment }, logger: S3TestServer.logger)
        let link = client.presignedGetURL(key: "site-a/reports/a b.csv", expiresIn: .seconds(60))
        #expect(link.hasPrefix("https://s3.example/footfall/site-a/reports/a%20b.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&"))
        #expect(link.contains("&X-Amz-Date=20130524T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature="))
        #expect(client.presignedGetURL(key: "a", expiresIn: .seconds(30 * 86_400)).contains("X-Amz-Expires=604800&"),
                "at most 7 days")
        try await client.shutdown()
    }

    @Test func aServerThatIsAwayIsTriedAgainOnTheClockThenReported() async throws {
        let clock = ManualClock()
        let configuration = try S3Configuration(url: "http://127.0.0.1:\(try FreePort.find())/bucket",
                                                credentials: S3Credentials(accessKeyID: "a", secretAccessKey: "b"))
        let client = S3Client(configuration: configuration,
                              policy: .init(maximumAttempts: 3, backoff: Backoff(initial: .seconds(1), maximum: .seconds(10), jitter: .none),
                                            connectTimeout: .milliseconds(200)),
                              clock: clock, logger: S3TestServer.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await #expect(throws: S3Error.self) { _ = try await client.get(key: "a") }
            }
            try await eventually("the first pause") { clock.sleepers == 1 }
            clock.advance(by: .seconds(1))
            try await eventually("the second pause") { clock.sleepers == 1 }
            clock.advance(by: .seconds(2))
            try await group.waitForAll()
        }
        try await client.shutdown()
    }
}
