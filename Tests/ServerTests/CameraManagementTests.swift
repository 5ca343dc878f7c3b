import CountingCore
import FootfallTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import Server
import Storage
import StorageTestSupport
import Testing

/// Cameras, lines and zones managed through the API: every change audited, bad input refused
/// by field with nothing stored, pipelines told, and each tenant alone with its cameras.
struct CameraManagementTests {
    static let create = #"""
        {"id":"gate","name":"North gate","source":"rtsp://admin:s3cret@10.0.0.5:554/stream1","detector":"motion",
         "analysisRate":5,"lines":[{"name":"gate","a":[100,50],"b":[100,400]}],
         "zones":[{"name":"queue","polygon":[[200,100],[400,100],[400,300],[200,300]]}]}
        """#

    @Test func createReadEditDeleteWithAnAuditRowForEachChange() async throws {
        let fixture = try await ControlPlaneFixture()
        let changes = fixture.bus.subscribe()
        try await fixture.app().test(.router) { client in
            let token = fixture.tokens[.operator]
            let created = try await call(client, .post, "/api/v1/cameras", token: token, body: Self.create)
            #expect(created.status == .created)
            #expect((created.json["source"] as? [String: Any])?["host"] as? String == "10.0.0.5")
            #expect(created.json["geometryVersion"] as? Int == 1)
            let listed = try await call(client, .get, "/api/v1/cameras", token: fixture.tokens[.viewer])
            #expect(!String(describing: listed.json).contains("s3cret"), "the source's password is never returned")

            let edited = try await call(client, .patch, "/api/v1/cameras/gate", token: token,
                                        body: #"{"name":"North gate (inside)","analysisRate":null,"enabled":false}"#)
            #expect(edited.status == .ok)
            #expect(edited.json["name"] as? String == "North gate (inside)")
            #expect(edited.json["analysisRate"] is NSNull)
            #expect(edited.json["enabled"] as? Bool == false)
            #expect(edited.json["detector"] as? String == "motion", "fields left out stay as they were")

            let geometry = try await call(client, .put, "/api/v1/cameras/gate/geometry", token: token,
                                          body: #"{"lines":[{"name":"gate","a":[120,50],"b":[120,400]}]}"#)
            #expect(geometry.status == .ok)
            #expect(geometry.json["version"] as? Int == 2)
            let history = try await call(client, .get, "/api/v1/cameras/gate/geometry/versions", token: token)
            let versions = try #require(history.json["versions"] as? [[String: Any]])
            #expect(versions.map { $0["version"] as? Int } == [2, 1])

            #expect(try await call(client, .delete, "/api/v1/cameras/gate", token: token).status == .noContent)
            #expect(try await call(client, .get, "/api/v1/cameras/gate", token: token).status == .notFound)
        }
        let audit = try await fixture.store.auditEntries(AuditQuery(target: "camera:gate"))
        #expect(audit.map(\.action) == ["camera.delete", "geometry.set", "camera.update", "camera.create"])
        #expect(audit.allSatisfy { $0.username == "operator-user" && $0.userID == fixture.users[.operator]?.id })
        #expect(audit.allSatisfy { !($0.before ?? "").contains("s3cret") && !($0.after ?? "").contains("s3cret") })
        #expect(audit[2].before?.contains("\"enabled\":true") == true && audit[2].after?.contains("\"enabled\":false") == true)

        var told: [LiveMessage.CameraChange.Change] = []
        for await message in changes {
            if case .camera(let change) = message { told.append(change.change) }
            if told.count == 4 { break }
        }
        #expect(told == [.created, .updated, .geometry, .deleted])
    }

    @Test(arguments: ["motion", "motion-fast", "hog", "ssd", "onnx:yolov8n.onnx"])
    func everyDetectorAWorkerRunsCanBeNamed(detector: String) async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let body = #"{"id":"door","name":"Door","source":"rtsp://h/s","detector":"\#(detector)"}"#
            let response = try await call(client, .post, "/api/v1/cameras", token: fixture.tokens[.admin], body: body)
            #expect(response.status == .created, "\(response.json)")
        }
        #expect(try await fixture.store.cameras().map(\.detector) == [detector])
    }

    @Test(arguments: [
        (#"{"id":"../etc","name":"x","source":"rtsp://h/s"}"#, "id"),
        (#"{"id":"a","name":"","source":"rtsp://h/s"}"#, "name"),
        (#"{"id":"a","name":"x","source":"/etc/passwd"}"#, "source"),
        (#"{"id":"a","name":"x","source":"rtsp://"}"#, "source"),
        (#"{"id":"a","name":"x","source":"ftp://h/s"}"#, "source"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s x"}"#, "source"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","detector":"yolo"}"#, "detector"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","detector":"onnx:../../x"}"#, "detector"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","analysisRate":0}"#, "analysisRate"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","analysisRate":"fast"}"#, "analysisRate"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","colour":"red"}"#, "colour"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","lines":[{"name":"l","a":[1,1],"b":[1,1]}]}"#, "lines[0].b"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","lines":[{"name":"l","a":[1,1],"b":[5,5],"width":3}]}"#, "lines[0].width"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","zones":[{"name":"z","polygon":[[0,0],[9,9],[9,0],[0,9]]}]}"#, "zones[0].polygon"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s","siteID":"nowhere"}"#, "siteID"),
        (#"{"id":"a","name":"x'; DROP TABLE cameras; --","source":"rtsp://h/s","siteID":"x"}"#, "siteID"),
        (#"{"id":"a","name":"x","source":"rtsp://h/s""#, "body"),
        (#"["not","an","object"]"#, "body"),
        (#"{"name":"x","source":"rtsp://h/s"}"#, "id"),
    ])
    func badCamerasAreRefusedByFieldAndNothingIsStored(body: String, field: String) async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.app().test(.router) { client in
            let response = try await call(client, .post, "/api/v1/cameras", token: fixture.tokens[.admin], body: body)
            #expect(response.status == .badRequest, "\(body)")
            #expect(errorField(response.json) == field, "\(body): \(response.json)")
        }
        #expect(try await fixture.store.cameras().isEmpty)
        #expect(try await fixture.store.auditEntries(AuditQuery(action: "camera.create")).isEmpty)
    }

    @Test func oversizedBodiesAndHugePolygonsAreRefusedAndTheServerCarriesOn() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera()
        try await fixture.app().test(.router) { client in
            let huge = String(repeating: "x", count: 300_000)
            let tooBig = try await call(client, .patch, "/api/v1/cameras/door", token: fixture.tokens[.admin],
                                        body: #"{"name":"\#(huge)"}"#)
            #expect(tooBig.status == .contentTooLarge)
            let corners = (0..<5_000).map { k in "[\(k % 700),\(k / 700)]" }.joined(separator: ",")
            let polygon = try await call(client, .put, "/api/v1/cameras/door/geometry", token: fixture.tokens[.admin],
                                         body: #"{"zones":[{"name":"z","polygon":[\#(corners)]}]}"#)
            #expect(polygon.status == .badRequest && errorField(polygon.json) == "zones[0].polygon")
            #expect(try await fixture.store.camera(id: "door")?.geometryVersion == 1, "nothing half-applied")
            #expect(try await call(client, .get, "/api/v1/cameras/door", token: fixture.tokens[.viewer]).status == .ok)
        }
    }

    @Test func geometryPointsMustLieInsideTheCamerasFrame() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera()
        fixture.live.put(CameraLiveState(cameraID: "door", status: .online, frameWidth: 640, frameHeight: 480))
        try await fixture.app().test(.router) { client in
            let outside = try await call(client, .put, "/api/v1/cameras/door/geometry", token: fixture.tokens[.operator],
                                         body: #"{"lines":[{"name":"l","a":[10,10],"b":[700,10]}]}"#)
            #expect(outside.status == .badRequest && errorField(outside.json) == "lines[0].b")
            #expect((outside.json["error"] as? [String: Any])?["message"] as? String == "the point lies outside the 640×480 frame")
        }
    }

    /// `/live` keeps each tenant's camera list for a second: changes made here show at once,
    /// changes made through another server within that second.
    @Test func liveFollowsChangesMadeHereAtOnceAndElsewhereWithinASecond() async throws {
        let fixture = try await ControlPlaneFixture()
        try await fixture.seedCamera()
        fixture.live.put(CameraLiveState(cameraID: "door", status: .online))
        fixture.live.put(CameraLiveState(cameraID: "side", status: .online))
        try await fixture.app().test(.router) { client in
            func listed() async throws -> [String] {
                let live = try await call(client, .get, "/api/v1/live", token: fixture.tokens[.viewer])
                return ((live.json["cameras"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }.sorted()
            }
            #expect(try await listed() == ["door"])
            // Another server adds a camera: this one sees it once its kept list is a second old.
            try await fixture.store.saveCamera(Camera(id: "side", name: "Side", source: "rtsp://10.0.0.8/s", geometry: Geometry()))
            #expect(try await listed() == ["door"])
            fixture.wallClock.advance(by: 1.5)
            #expect(try await listed() == ["door", "side"])
            // A change made through this server shows at once.
            #expect(try await call(client, .delete, "/api/v1/cameras/door", token: fixture.tokens[.admin]).status == .noContent)
            #expect(try await listed() == ["side"])
        }
    }

    /// On every backend: the tenant comes from the signed-in user, and the store keeps to it.
    @Test(arguments: StoreBackend.available)
    func aTenantsAdministratorCannotSeeOrChangeAnotherTenantsCameras(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let fixture = try await ControlPlaneFixture(store: store)
            try await fixture.seedCamera()
            try await fixture.app().test(.router) { client in
                let other = fixture.otherAdminToken
                let listed = try await call(client, .get, "/api/v1/cameras", token: other)
                #expect((listed.json["cameras"] as? [Any])?.isEmpty == true)
                #expect(try await call(client, .get, "/api/v1/cameras/door", token: other).status == .notFound)
                #expect(try await call(client, .patch, "/api/v1/cameras/door", token: other, body: #"{"name":"mine"}"#).status == .notFound)
                #expect(try await call(client, .delete, "/api/v1/cameras/door", token: other).status == .notFound)
                #expect(try await call(client, .put, "/api/v1/cameras/door/geometry", token: other, body: #"{"lines":[]}"#).status == .notFound)
                #expect(try await call(client, .get, "/api/v1/cameras/door/counts", token: other).status == .notFound)
                let live = try await call(client, .get, "/api/v1/live", token: other)
                #expect((live.json["cameras"] as? [Any])?.isEmpty == true)
                let users = try await call(client, .get, "/api/v1/users", token: other)
                #expect((users.json["users"] as? [[String: Any]])?.map { $0["username"] as? String } == ["other-admin"])
                // Its own camera with the same id as ours is refused: camera ids are unique in an installation.
                let clash = try await call(client, .post, "/api/v1/cameras", token: other,
                                           body: #"{"id":"door","name":"Theirs","source":"rtsp://10.9.9.9/s"}"#)
                #expect(clash.status == .conflict && errorField(clash.json) == "id", "\(clash.status) \(clash.json)")
            }
            #expect(try await fixture.store.camera(id: "door")?.name == "Door")
        }
    }

    @Test func siteGrantsLimitWhatAUserSeesAndManages() async throws {
        let fixture = try await ControlPlaneFixture()
        let setup = AuditEntry(time: ControlPlaneFixture.start, username: "t", action: "t", target: "t")
        try await fixture.store.saveSite(Site(id: "north", name: "North"), audit: setup)
        try await fixture.store.saveSite(Site(id: "south", name: "South"), audit: setup)
        try await fixture.seedCamera("north-door", site: "north")
        try await fixture.seedCamera("south-door", site: "south")
        var north = try #require(fixture.users[.operator])
        north.sites = ["north"]
        try await fixture.store.updateUser(north, audit: setup)
        try await fixture.app().test(.router) { client in
            let token = fixture.tokens[.operator]
            let listed = try await call(client, .get, "/api/v1/cameras", token: token)
            #expect((listed.json["cameras"] as? [[String: Any]])?.map { $0["id"] as? String } == ["north-door"])
            #expect(try await call(client, .get, "/api/v1/cameras/south-door", token: token).status == .notFound)
            let elsewhere = try await call(client, .post, "/api/v1/cameras", token: token,
                                           body: #"{"id":"s2","name":"S2","source":"rtsp://10.0.0.2/s","siteID":"south"}"#)
            #expect(elsewhere.status == .forbidden && errorField(elsewhere.json) == "siteID")
        }
    }
}
