import Foundation
import HTTPTypes
import HummingbirdTesting
import Messaging
import Server
import Storage
import Testing

/// Snapshots kept as files on request: the pixelated picture by default, listed by the
/// cameras the caller may see, downloaded through the files route.
struct SnapshotControllerTests {
    @Test func anOperatorKeepsTheBlurredPictureAndViewersOfTheSiteSeeIt() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera("door")
        try await fixture.seedCamera("gate")
        let blurred: [UInt8] = [0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9]
        await fixture.live.putSnapshot(cameraID: "door", kind: .blurred, jpeg: blurred)
        await fixture.live.putSnapshot(cameraID: "door", kind: .plain, jpeg: [0xFF, 0xD8, 9, 9, 0xFF, 0xD9])
        try await fixture.app().test(.router) { client in
            #expect(try await call(client, .post, "/api/v1/cameras/door/snapshots", token: fixture.tokens[.viewer]).status == .forbidden)
            let kept = try await call(client, .post, "/api/v1/cameras/door/snapshots", token: fixture.tokens[.operator])
            #expect(kept.status == .created)
            #expect(kept.json["kind"] as? String == "snapshot")
            #expect((kept.json["name"] as? String)?.hasSuffix("-request.jpg") == true)
            let link = try #require(kept.json["download"] as? String)
            let bytes = try await client.execute(uri: link, method: .get,
                                                 headers: [.authorization: "Bearer \(fixture.tokens[.viewer] ?? "")"]) { Array(buffer: $0.body) }
            #expect(bytes == blurred, "the pixelated picture, not the frame as the camera saw it")
            // A camera that has sent no picture yet.
            #expect(try await call(client, .post, "/api/v1/cameras/gate/snapshots", token: fixture.tokens[.operator]).status
                    == .conflict)
            // Twice in the same second: two files, each downloadable.
            let again = try await call(client, .post, "/api/v1/cameras/door/snapshots", token: fixture.tokens[.operator])
            #expect(again.status == .created && again.json["id"] as? String != kept.json["id"] as? String)
            let listed = try await call(client, .get, "/api/v1/snapshots?camera=door", token: fixture.tokens[.viewer])
            #expect((listed.json["files"] as? [[String: Any]])?.count == 2)
            let none = try await call(client, .get, "/api/v1/snapshots?camera=gate", token: fixture.tokens[.viewer])
            #expect((none.json["files"] as? [[String: Any]])?.isEmpty == true)
            let theirs = try await call(client, .get, "/api/v1/snapshots", token: fixture.otherAdminToken)
            #expect((theirs.json["files"] as? [[String: Any]])?.isEmpty == true, "another tenant sees none")
        }
        // Listed with an expiry: the store's maintenance deletes it then.
        let files = try await fixture.store.files(kind: .snapshot, siteIDs: nil, limit: 10)
        #expect(files.count == 2)
        let expires = try #require(files.first?.expires)
        #expect(abs(expires.timeIntervalSince(ControlPlaneFixture.start) - 30 * 86_400) < 1)
        #expect(try await FileExpiry.run(store: fixture.store, files: fixture.files, now: expires.addingTimeInterval(1)) == 2)
        #expect(try await fixture.files.get(key: files[0].key) == nil, "the bytes went with the row")
    }
}

/// A camera's counts kept as a CSV file, downloaded like any file.
struct CountExportTests {
    @Test func countsAreExportedAsAFileWithTheirRowsAndListed() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera("door")
        let minute = ControlPlaneFixture.start.addingTimeInterval(-3_600)
        try await fixture.store.addCountingResults([
            CountingResult(cameraID: "door", kind: .line, name: "entrance", minute: minute, countIn: 5, countOut: 2),
            CountingResult(cameraID: "door", kind: .line, name: "entrance", minute: minute.addingTimeInterval(60), countIn: 1, countOut: 0),
        ])
        try await fixture.app().test(.router) { client in
            let from = ISO8601DateFormatter().string(from: minute.addingTimeInterval(-60))
            let made = try await call(client, .post, "/api/v1/cameras/door/exports?from=\(from)&bucket=hour", token: fixture.tokens[.viewer])
            #expect(made.status == .created)
            #expect(made.json["kind"] as? String == "export")
            let link = try #require(made.json["download"] as? String)
            let csv = try await client.execute(uri: link, method: .get,
                                               headers: [.authorization: "Bearer \(fixture.tokens[.viewer] ?? "")"]) { String(buffer: $0.body) }
            let rows = csv.split(separator: "\r\n").map(String.init)
            #expect(rows.first == "camera,kind,name,bucket_start_utc,in,out,occupancy_min,occupancy_max,occupancy_mean")
            #expect(rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(6).joined(separator: ",") }
                    .contains("door,line,entrance,2027-01-15T07:00:00Z,6,2"))
            let listed = try await call(client, .get, "/api/v1/exports?camera=door", token: fixture.tokens[.viewer])
            #expect((listed.json["files"] as? [[String: Any]])?.count == 1)
            #expect(try await call(client, .post, "/api/v1/cameras/nope/exports", token: fixture.tokens[.viewer]).status == .notFound)
        }
        let audit = try await fixture.store.auditEntries(AuditQuery(limit: 100))
        #expect(audit.contains { $0.action == "export.create" && $0.target == "camera:door" })
    }
}
