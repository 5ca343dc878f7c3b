import Foundation
import HummingbirdTesting
import Messaging
import Server
import Storage
import Testing

/// The workers through the API: each with its capacity, load and share, and of its cameras
/// only those the caller may see; the caller's enabled cameras nobody counts are listed apart.
struct WorkerControllerTests {
    static func held(_ id: String, tenant: UUID = Tenant.defaultID, rate: Double = 5) -> WorkerStatus.HeldCamera {
        .init(tenantID: tenant, cameraID: id, analysisRate: rate)
    }

    @Test func workersShowWhatTheyCountByWhatTheCallerMaySee() async throws {
        let fixture = try await ControlPlaneFixture()
        let audit = AuditEntry(time: ControlPlaneFixture.start, username: "system", action: "test", target: "test")
        try await fixture.store.saveSite(Site(id: "depot", name: "Depot"), audit: audit)
        try await fixture.seedCamera("door")
        try await fixture.seedCamera("gate", site: "depot")
        try await fixture.seedCamera("yard", site: "depot")
        try await fixture.seedCamera("shed")
        var shed = try #require(try await fixture.store.camera(id: "shed"))
        shed.enabled = false
        try await fixture.store.saveCamera(shed)
        fixture.workers.announce(WorkerStatus(
            name: "worker-2", capacity: 400,
            cameras: [Self.held("gate", rate: 10), Self.held("door", tenant: ControlPlaneFixture.otherTenant)],
            target: 3, startedAt: ControlPlaneFixture.start, announcedAt: ControlPlaneFixture.start.addingTimeInterval(60)), ttl: .seconds(600))
        fixture.workers.announce(WorkerStatus(
            name: "worker-1", capacity: 200, cameras: [Self.held("door")], target: nil,
            startedAt: ControlPlaneFixture.start, announcedAt: ControlPlaneFixture.start.addingTimeInterval(-2.5)), ttl: .seconds(600))
        let depotViewer = try await fixture.siteViewerToken("depot")

        try await fixture.app().test(.router) { client in
            let all = try await call(client, .get, "/api/v1/workers", token: fixture.tokens[.viewer])
            #expect(all.status == .ok)
            let workers = try #require(all.json["workers"] as? [[String: Any]])
            #expect(workers.compactMap { $0["name"] as? String } == ["worker-1", "worker-2"])
            let second = try #require(workers.last)
            // The other tenant's door is counted in the load and the count, never named.
            #expect(second["cameras"] as? [String] == ["gate"])
            #expect(second["cameraCount"] as? Int == 2 && second["load"] as? Double == 15 && second["target"] as? Int == 3)
            #expect(second["capacity"] as? Double == 400 && second["announcedAt"] as? String == "2027-01-15T08:01:00Z")
            #expect(workers.first?["cameras"] as? [String] == ["door"] && workers.first?["target"] == nil)
            // Ages by the server's clock; a worker whose clock runs ahead is never negative.
            #expect(workers.first?["secondsSinceAnnounced"] as? Double == 2.5)
            #expect(second["secondsSinceAnnounced"] as? Double == 0)
            #expect(all.json["unassigned"] as? [String] == ["yard"], "the disabled shed is not waiting for anyone")

            let limited = try await call(client, .get, "/api/v1/workers", token: depotViewer)
            let theirs = try #require(limited.json["workers"] as? [[String: Any]])
            #expect(theirs.map { $0["cameras"] as? [String] ?? ["?"] } == [[], ["gate"]])
            #expect(limited.json["unassigned"] as? [String] == ["yard"])

            let other = try await call(client, .get, "/api/v1/workers", token: fixture.otherAdminToken)
            #expect((other.json["workers"] as? [[String: Any]])?.map { $0["cameras"] as? [String] ?? ["?"] } == [[], []])
        }
    }
}
