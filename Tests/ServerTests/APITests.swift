import CountingCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Messaging
import Prometheus
import Server
import Storage
import Testing

/// The REST API through HummingbirdTesting, on the in-memory store and live cache.
struct APITests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    struct Fixture {
        let store = InMemoryStore()
        let live = InMemoryLiveState()
        let bus = InProcessEventBus()
        let registry = PrometheusCollectorRegistry()

        var dependencies: ServerDependencies {
            ServerDependencies(store: store, live: live, bus: bus, metrics: registry, clock: { APITests.now })
        }

        func app() -> some ApplicationProtocol {
            buildApplication(configuration: .init(host: "127.0.0.1", port: 0), dependencies: dependencies,
                             logger: .init(label: "test"))
        }

        func seed() async throws {
            try await store.saveCamera(Camera(
                id: "door", name: "Door", source: "rtsp://admin:hunter2@10.0.0.9/stream",
                geometry: Geometry(lines: [CountingLine(name: "in-out", a: Point(x: 0, y: 0), b: Point(x: 10, y: 0))],
                                   zones: [Zone(name: "hall", polygon: [Point(x: 0, y: 0), Point(x: 9, y: 0), Point(x: 0, y: 9)])])))
            try await store.addCountingResults([
                CountingResult(cameraID: "door", kind: .line, name: "in-out", minute: APITests.now.addingTimeInterval(-120),
                               countIn: 4, countOut: 1),
                CountingResult(cameraID: "door", kind: .zone, name: "hall", minute: APITests.now.addingTimeInterval(-120),
                               occupancyMin: 1, occupancyMax: 2, occupancySum: 3, occupancySamples: 2),
            ])
            var state = CameraLiveState(cameraID: "door", status: .online, framesPerSecond: 9.96, updated: APITests.now,
                                        lines: [.init(name: "in-out", countIn: 4, countOut: 1)], zones: [.init(name: "hall", occupancy: 2, countedOccupancy: 3)],
                                        frameWidth: 640, frameHeight: 480)
            state.countingDelaySeconds = CountingConfiguration().countingDelaySeconds
            live.put(state)
        }
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    func errorField(_ buffer: ByteBuffer) throws -> (field: String?, message: String?) {
        let error = try #require(try json(buffer)["error"] as? [String: Any])
        return (error["field"] as? String, error["message"] as? String)
    }

    @Test func camerasListsGeometryAndStatusButNotTheSource() async throws {
        let fixture = Fixture()
        try await fixture.seed()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/cameras", method: .get) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(!body.contains("hunter2"))
                let cameras = try #require(try json(response.body)["cameras"] as? [[String: Any]])
                #expect(cameras.count == 1)
                #expect(cameras[0]["id"] as? String == "door")
                #expect(cameras[0]["status"] as? String == "online")
                let lines = try #require(cameras[0]["lines"] as? [[String: Any]])
                #expect(lines[0]["a"] as? [Double] == [0, 0])
            }
        }
    }

    @Test func countsDefaultToTheLastHourByMinute() async throws {
        let fixture = Fixture()
        try await fixture.seed()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/cameras/door/counts", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["bucket"] as? String == "minute")
                #expect(body["from"] as? String == "2027-01-15T07:00:00Z")
                #expect(body["to"] as? String == "2027-01-15T08:00:00Z")
                let lines = try #require(body["lines"] as? [[String: Any]])
                let buckets = try #require(lines.first?["buckets"] as? [[String: Any]])
                #expect(buckets.count == 1)
                #expect(buckets[0]["start"] as? String == "2027-01-15T07:58:00Z")
                #expect(buckets[0]["in"] as? Int == 4)
                #expect(buckets[0]["out"] as? Int == 1)
                let zones = try #require(body["zones"] as? [[String: Any]])
                let zoneBuckets = try #require(zones.first?["buckets"] as? [[String: Any]])
                #expect(zoneBuckets[0]["mean"] as? Double == 1.5)
                #expect(zoneBuckets[0]["max"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/cameras/door/counts?from=2027-01-15T07:00:00Z&to=2027-01-15T09:00:00.000Z&bucket=hour", method: .get) { response in
                #expect(response.status == .ok)
                let lines = try #require(try json(response.body)["lines"] as? [[String: Any]])
                let buckets = try #require(lines.first?["buckets"] as? [[String: Any]])
                #expect(buckets.map { $0["start"] as? String } == ["2027-01-15T07:00:00Z"])
            }
        }
    }

    @Test func badCountQueriesNameTheProblem() async throws {
        let fixture = Fixture()
        try await fixture.seed()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/cameras/nope/counts", method: .get) { response in
                #expect(response.status == .notFound)
                let problem = try errorField(response.body)
                #expect(problem.field == "id")
                #expect(problem.message?.contains("nope") == true)
            }
            try await client.execute(uri: "/api/v1/cameras/door/counts?from=yesterday", method: .get) { response in
                #expect(response.status == .badRequest)
                let problem = try errorField(response.body)
                #expect(problem.field == "from")
                #expect(problem.message?.contains("yesterday") == true)
            }
            try await client.execute(uri: "/api/v1/cameras/door/counts?to=2027-13-45T99:00:00Z", method: .get) { response in
                #expect(response.status == .badRequest)
                let problem = try errorField(response.body)
                #expect(problem.field == "to")
            }
            try await client.execute(uri: "/api/v1/cameras/door/counts?bucket=fortnight", method: .get) { response in
                #expect(response.status == .badRequest)
                let problem = try errorField(response.body)
                #expect(problem.field == "bucket")
                #expect(problem.message?.contains("fortnight") == true)
            }
            try await client.execute(uri: "/api/v1/cameras/door/counts?from=2027-01-15T09:00:00Z&to=2027-01-15T08:00:00Z", method: .get) { response in
                #expect(response.status == .badRequest)
                let problem = try errorField(response.body)
                #expect(problem.field == "from")
            }
            try await client.execute(uri: "/api/v1/cameras/door/counts?from=1970-01-01T00:00:00Z&bucket=minute", method: .get) { response in
                #expect(response.status == .badRequest)
                let problem = try errorField(response.body)
                #expect(problem.field == "bucket")
            }
        }
    }

    @Test func liveShowsCurrentNumbers() async throws {
        let fixture = Fixture()
        try await fixture.seed()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/live", method: .get) { response in
                #expect(response.status == .ok)
                let cameras = try #require(try json(response.body)["cameras"] as? [[String: Any]])
                #expect(cameras[0]["fps"] as? Double == 10)
                #expect(cameras[0]["frame"] as? [String: Int] == ["width": 640, "height": 480])
                #expect(cameras[0]["updated"] as? String == "2027-01-15T08:00:00Z")
                // Crossings can take the confirmation plus the fragment link time to be counted.
                #expect(cameras[0]["countingDelay"] as? Double == 1.2)
                let lines = try #require(cameras[0]["lines"] as? [[String: Any]])
                #expect(lines[0]["in"] as? Int == 4)
                let zones = try #require(cameras[0]["zones"] as? [[String: Any]])
                #expect(zones[0]["occupancy"] as? Int == 2)
                // From the counts of its entrances: one more than seen inside.
                #expect(zones[0]["counted"] as? Int == 3)
                #expect(zones[0]["drift"] as? Int == 1)
            }
        }
    }

    @Test func snapshotIs404ForUnknown503BeforeAFrameThenAJPEG() async throws {
        let fixture = Fixture()
        try await fixture.seed()
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/cameras/ghost/snapshot.jpg", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/cameras/door/snapshot.jpg", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let problem = try errorField(response.body)
                #expect(problem.message == "camera \"door\" has no frame yet")
            }
            await fixture.live.putSnapshot(cameraID: "door", jpeg: [0xFF, 0xD8, 0xFF, 0xD9])
            try await client.execute(uri: "/api/v1/cameras/door/snapshot.jpg", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/jpeg")
                #expect(Array(buffer: response.body) == [0xFF, 0xD8, 0xFF, 0xD9])
            }
            // The bare frame for the line editor is a different picture, kept less often.
            try await client.execute(uri: "/api/v1/cameras/door/snapshot.jpg?overlay=false", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
            await fixture.live.putSnapshot(cameraID: "door", kind: .plain, jpeg: [0xFF, 0xD8, 0x01, 0xFF, 0xD9])
            try await client.execute(uri: "/api/v1/cameras/door/snapshot.jpg?overlay=false", method: .get) { response in
                #expect(Array(buffer: response.body) == [0xFF, 0xD8, 0x01, 0xFF, 0xD9])
            }
            try await client.execute(uri: "/api/v1/cameras/door/snapshot.jpg?overlay=maybe", method: .get) { response in
                #expect(response.status == .badRequest)
                let problem = try errorField(response.body)
                #expect(problem.field == "overlay")
            }
        }
    }

    @Test func cameraEventsNewestFirstWithALimit() async throws {
        let fixture = Fixture()
        try await fixture.seed()
        for (i, status) in [CameraStatus.connecting, .online, .stalled].enumerated() {
            try await fixture.store.insertCameraEvent(CameraEvent(
                cameraID: "door", time: APITests.now.addingTimeInterval(Double(i)), status: status,
                reason: status == .stalled ? "no frame for 15 s" : nil))
        }
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/api/v1/cameras/door/events?limit=2", method: .get) { response in
                #expect(response.status == .ok)
                let events = try #require(try json(response.body)["events"] as? [[String: Any]])
                #expect(events.map { $0["status"] as? String } == ["stalled", "online"])
                #expect(events.first?["reason"] as? String == "no frame for 15 s")
            }
            try await client.execute(uri: "/api/v1/cameras/door/events?limit=0", method: .get) { response in
                #expect(response.status == .badRequest)
                let field = try errorField(response.body).field
                #expect(field == "limit")
            }
            try await client.execute(uri: "/api/v1/cameras/nope/events", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func healthMetricsAndDashboard() async throws {
        let fixture = Fixture()
        fixture.registry.makeCounter(name: "footfall_test_total").increment(by: Int64(3))
        try await fixture.app().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response.body)
                #expect(body["status"] as? String == "ok")
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("footfall_test_total 3"))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("/js/main.js"))
            }
            for asset in ["/js/main.js", "/style.css"] {
                try await client.execute(uri: asset, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.body.readableBytes > 100)
                }
            }
        }
    }

    @Test func emptyInstallationListsNoCameras() async throws {
        try await Fixture().app().test(.router) { client in
            try await client.execute(uri: "/api/v1/cameras", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"cameras":[]}"#)
            }
        }
    }
}
