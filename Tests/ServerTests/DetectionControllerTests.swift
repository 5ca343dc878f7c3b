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

/// Detections pushed by smart cameras: validated, then queued for the camera's pipeline.
struct DetectionControllerTests {
    let store = InMemoryStore()
    let inbox = InProcessDetectionInbox()
    let registry = PrometheusCollectorRegistry()
    /// The server's clock: the frames below are stamped around it.
    static let now = ISO8601DateFormatter().date(from: "2026-11-25T10:00:02Z")!

    func app() -> some ApplicationProtocol {
        let dependencies = ServerDependencies(store: store, live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: registry, inbox: inbox, clock: { Self.now })
        return buildApplication(configuration: .init(port: 0), dependencies: dependencies, logger: .init(label: "test"))
    }

    func seed() async throws {
        try await store.saveCamera(Camera(id: "smart", name: "Smart", source: "external", geometry: Geometry()))
    }

    func post(_ client: some TestClientProtocol, _ body: String, camera: String = "smart") async throws
        -> (HTTPResponse.Status, [String: Any])
    {
        try await client.execute(uri: "/api/v1/cameras/\(camera)/detections", method: .post,
                                 headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return (response.status, object)
        }
    }

    static func field(_ object: [String: Any]) -> String? {
        (object["error"] as? [String: Any])?["field"] as? String
    }

    @Test func acceptedFramesReachTheCamerasReceiver() async throws {
        try await seed()
        let received = inbox.receive(cameraID: "smart")
        try await app().test(.router) { client in
            let (status, body) = try await post(client, """
                {"frames":[{"time":"2026-11-25T10:00:00.100Z","people":[{"x":10,"y":20,"width":40,"height":90,"confidence":0.8}]},
                           {"time":"2026-11-25T10:00:00.200Z","people":[]}]}
                """)
            #expect(status == .accepted)
            #expect(body["frames"] as? Int == 2)
        }
        var iterator = received.batches.makeAsyncIterator()
        let first = try #require(try await iterator.next()?.batch)
        #expect(first.detections == [Detection(box: Box(x: 10, y: 20, width: 40, height: 90), confidence: 0.8)])
        #expect(abs(first.time.timeIntervalSince1970 - 1_795_600_800.1) < 1e-3)
        let second = try #require(try await iterator.next()?.batch)
        #expect(second.detections.isEmpty)
    }

    @Test func badFramesAreRefusedNamingTheField() async throws {
        try await seed()
        let receiver = inbox.receive(cameraID: "smart")
        _ = receiver
        try await app().test(.router) { client in
            let cases: [(String, String)] = [
                (#"{"frames":[]}"#, "frames"),
                (#"{"frames":[{"time":"2026-11-25T10:00:00Z","people":[{"x":1,"y":2,"width":-4,"height":9}]}]}"#,
                 "frames[0].people[0].width"),
                (#"{"frames":[{"time":"2026-11-25T10:00:00Z","people":[{"x":1,"y":2,"width":4,"height":9,"confidence":2}]}]}"#,
                 "frames[0].people[0].confidence"),
                (#"{"frames":[{"time":"2026-11-25T10:00:01Z","people":[]},{"time":"2026-11-25T10:00:00Z","people":[]}]}"#,
                 "frames[1].time"),
                (#"{"frames":[{"time":"2026-11-25T10:00:01Z","people":[]},{"time":"2026-11-25T10:00:01Z","people":[]}]}"#,
                 "frames[1].time"),
                (#"{"frames":[{"time":"yesterday","people":[]}]}"#, "frames[0].time"),
                (#"{"frames":[{"time":"2026-11-25T10:00:00Z","people":[{"x":1,"width":4,"height":9}]}]}"#,
                 "frames[0].people[0].y"),
            ]
            for (body, field) in cases {
                let (status, object) = try await post(client, body)
                #expect(status == .badRequest, "\(body)")
                #expect(Self.field(object) == field, "\(body)")
            }
        }
    }

    @Test func framesOutsideTheWindowAroundTheServersClockAreRefusedAndNothingIsQueued() async throws {
        try await seed()
        let received = inbox.receive(cameraID: "smart")
        try await app().test(.router) { client in
            // One frame from the far future would stop the camera counting; one from long ago would be dropped.
            for (body, field) in [
                (#"{"frames":[{"time":"9999-12-31T00:00:00Z","people":[]}]}"#, "frames[0].time"),
                (#"{"frames":[{"time":"1970-01-01T00:00:00Z","people":[]}]}"#, "frames[0].time"),
                (#"{"frames":[{"time":"2026-11-25T10:00:01Z","people":[]},{"time":"2026-11-25T10:00:08Z","people":[]}]}"#,
                 "frames[1].time"),
                (#"{"frames":[{"time":"2026-11-25T09:59:31Z","people":[]}]}"#, "frames[0].time"),
            ] {
                let (status, object) = try await post(client, body)
                #expect(status == .unprocessableContent, "\(body)")
                #expect(Self.field(object) == field, "\(body)")
            }
            // Genuine frames after them are counted.
            let (status, _) = try await post(client, #"{"frames":[{"time":"2026-11-25T09:59:33Z","people":[]},{"time":"2026-11-25T10:00:06Z","people":[]}]}"#)
            #expect(status == .accepted)
        }
        var iterator = received.batches.makeAsyncIterator()
        #expect(try #require(try await iterator.next()?.batch).time == ISO8601DateFormatter().date(from: "2026-11-25T09:59:33Z"))
        #expect(try #require(try await iterator.next()?.batch).time == ISO8601DateFormatter().date(from: "2026-11-25T10:00:06Z"))
        #expect(registry.emitToString().contains(#"footfall_pushed_frames_refused_total{camera="smart"} 5"#))
        // Only the push that was queued is timed.
        #expect(registry.emitToString().contains("footfall_push_queue_seconds_count 1\n"))
    }

    @Test func framesSentTwiceOrOutOfOrderAreRefusedNotSilentlyDropped() async throws {
        try await seed()
        try await app().test(.router) { client in
            let first = #"{"frames":[{"time":"2026-11-25T10:00:00Z","people":[]},{"time":"2026-11-25T10:00:01Z","people":[]}]}"#
            // Nobody counts the camera yet: refused, and the frames can be sent again later.
            #expect(try await post(client, first).0 == .conflict)
            let received = inbox.receive(cameraID: "smart")
            #expect(try await post(client, first).0 == .accepted)
            let (again, object) = try await post(client, first)
            #expect(again == .unprocessableContent)
            #expect(Self.field(object) == "frames[0].time")
            #expect(try await post(client, #"{"frames":[{"time":"2026-11-25T10:00:00.500Z","people":[]}]}"#).0 == .unprocessableContent)
            #expect(try await post(client, #"{"frames":[{"time":"2026-11-25T10:00:01.500Z","people":[]}]}"#).0 == .accepted)
            var iterator = received.batches.makeAsyncIterator()
            var times: [Date] = []
            for _ in 0..<3 { times.append(try #require(try await iterator.next()?.batch).time) }
            #expect(times.map { $0.timeIntervalSince(Self.now) } == [-2, -1, -0.5])
        }
        #expect(registry.emitToString().contains(#"footfall_pushed_frames_refused_total{camera="smart"} 3"#))
    }

    @Test func onlyJSONIsTaken() async throws {
        try await seed()
        try await app().test(.router) { client in
            for type in ["text/plain", "application/x-www-form-urlencoded"] {
                let status = try await client.execute(uri: "/api/v1/cameras/smart/detections", method: .post,
                                                      headers: [.contentType: type],
                                                      body: ByteBuffer(string: #"{"frames":[{"time":"2026-11-25T10:00:00Z","people":[]}]}"#)) { $0.status }
                #expect(status == .unsupportedMediaType, "\(type)")
            }
        }
    }

    @Test func aCameraAddedThroughAnotherServerTakesPushesAtOnce() async throws {
        try await seed()
        let received = inbox.receive(cameraID: "door")
        try await app().test(.router) { client in
            let body = #"{"frames":[{"time":"2026-11-25T10:00:00Z","people":[]}]}"#
            // The first push keeps the tenant's camera list; "door" is added behind this server's back.
            #expect(try await post(client, body).0 == .conflict)
            try await store.saveCamera(Camera(id: "door", name: "Door", source: "external", geometry: Geometry()))
            #expect(try await post(client, body, camera: "door").0 == .accepted)
            #expect(try await post(client, body, camera: "nope").0 == .notFound)
        }
        var iterator = received.batches.makeAsyncIterator()
        #expect(try await iterator.next()?.batch.detections == [])
    }

    @Test func unknownCameraIs404AndACameraNobodyCountsIs409() async throws {
        try await seed()
        try await app().test(.router) { client in
            let body = #"{"frames":[{"time":"2026-11-25T10:00:00Z","people":[]}]}"#
            let (missing, _) = try await post(client, body, camera: "nope")
            #expect(missing == .notFound)
            let (idle, object) = try await post(client, body)
            #expect(idle == .conflict)
            #expect(Self.field(object) == "id")
        }
    }

    @Test func rateLimitAnswers429AfterTheLimit() async throws {
        try await seed()
        let limiter = InMemoryRateLimiter()
        let dependencies = ServerDependencies(store: store, live: InMemoryLiveState(), bus: InProcessEventBus(),
                                              metrics: PrometheusCollectorRegistry(), rateLimiter: limiter)
        let app = buildApplication(configuration: .init(port: 0, requestsPerMinute: 3), dependencies: dependencies,
                                   logger: .init(label: "test"))
        // Over real sockets, so the limit is counted for the client's address.
        try await app.test(.live) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                statuses.append(try await client.execute(uri: "/api/v1/cameras", method: .get) { $0.status })
            }
            #expect(statuses == [.ok, .ok, .ok, .tooManyRequests, .tooManyRequests])
            // Health and the dashboard are not API calls and stay reachable.
            #expect(try await client.execute(uri: "/healthz", method: .get) { $0.status } == .ok)
        }
        // The counter was kept under the client's address.
        #expect(!(try await limiter.allow(key: "api:127.0.0.1", limit: 5, window: .seconds(60))))
    }
}
