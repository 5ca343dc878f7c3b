import CountingCore
import Foundation
import HummingbirdTesting
import HummingbirdWSTesting
import Logging
import Messaging
import Metrics
import Pipeline
import Prometheus
import Server
import Storage
import StorageSQLite
import Synchronization
import Testing

/// The real pipeline on a generated video: ffmpeg decode, OpenCV motion detection, tracking,
/// counting, SQLite, and a real WebSocket client of the real server.
@Suite(.enabled(if: SyntheticVideo.available, "needs ffmpeg"))
struct CameraPipelineEndToEndTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func crossingsAreStoredAndPushedOverTheWebSocket() async throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let store = try SQLiteStore(path: directory.appendingPathComponent("footfall.sqlite").path)
        let geometry = try JSONDecoder().decode(Geometry.self, from: Data(SyntheticVideo.geometryJSON.utf8))
        let camera = Camera(id: "synthetic", name: "Synthetic", source: video, geometry: geometry)
        try await store.saveCamera(camera)
        let live = InMemoryLiveState()
        let bus = InProcessEventBus()
        let registry = PrometheusCollectorRegistry()
        let pipeline = CameraPipeline(
            camera: camera,
            configuration: CameraPipelineConfiguration(realTime: false, loop: false, latestFrameWins: false),
            store: store, bus: bus, live: live, metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: registry)),
            logger: Logger(label: "test"), now: { Self.start })
        let app = buildApplication(
            configuration: .init(host: "127.0.0.1", port: 0),
            dependencies: ServerDependencies(store: store, live: live, bus: bus, metrics: registry, clock: { Self.start }),
            logger: Logger(label: "test"))

        let received = try await app.test(.live) { client in
            try await withThrowingTaskGroup(of: [WebSocketMessage].self) { group in
                group.addTask {
                    // Fails the test rather than hanging if the pipeline never finishes.
                    try await Task.sleep(for: .seconds(120))
                    throw CancellationError()
                }
                group.addTask {
                    let collected = Collected()
                    try await client.ws("/api/v1/live/ws") { inbound, _, _ in
                        var iterator = inbound.messages(maxSize: 1 << 16).makeAsyncIterator()
                        guard case .text(let hello) = try await iterator.next() else { return }
                        #expect(hello.contains(#""type":"hello""#))
                        try await pipeline.run()
                        while case .text(let text) = try await iterator.next() {
                            let message = try JSONDecoder().decode(WebSocketMessage.self, from: Data(text.utf8))
                            collected.append(message)
                            if message.type == "status", message.status == "offline" { break }
                        }
                    }
                    return collected.messages
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
        }

        let crossingMessages = received.filter { $0.type == "crossing" }
        #expect(crossingMessages.map(\.direction) == ["out", "in", "out"])
        #expect(crossingMessages.map(\.line) == ["middle", "middle", "middle"])
        #expect(crossingMessages.last?.in == 1)
        #expect(crossingMessages.last?.out == 2)
        #expect(received.allSatisfy { $0.camera == "synthetic" })
        let occupancy = received.filter { $0.type == "occupancy" }.compactMap(\.occupancy)
        #expect(occupancy.max() == 1)
        #expect(occupancy.allSatisfy { $0 >= 0 })

        let stored = try await store.crossings(cameraID: "synthetic", from: Self.start, to: Self.start.addingTimeInterval(60))
        #expect(stored.map(\.direction) == [.out, .in, .out])
        #expect(Set(stored.map(\.id)).count == 3)
        // Each crossing happens while its box passes x = 160: about 2, 5 and 8 s into the video.
        for (crossing, expected) in zip(stored, [2.0, 5.0, 8.0]) {
            #expect(abs(crossing.time.timeIntervalSince(Self.start) - expected) < 0.3)
        }
        let series = try await store.countSeries(cameraID: "synthetic", from: Self.start,
                                                 to: Self.start.addingTimeInterval(3600), bucket: .minute)
        #expect(series.lines["middle"] == [.init(start: Self.start, countIn: 1, countOut: 2)])
        let zone = try #require(series.zones["right"]?.first)
        #expect(zone.minimum == 0 && zone.maximum == 1)
        #expect(zone.mean > 0 && zone.mean < 1)

        let state = try #require(live.state(cameraID: "synthetic"))
        #expect(state.status == .offline)
        #expect(state.lines == [.init(name: "middle", countIn: 1, countOut: 2)])
        let annotated = try #require(live.snapshot(cameraID: "synthetic", kind: .annotated))
        let plain = try #require(live.snapshot(cameraID: "synthetic", kind: .plain))
        #expect(annotated.prefix(2) == [0xFF, 0xD8])
        #expect(plain.prefix(2) == [0xFF, 0xD8] && plain != annotated)
        let metrics = registry.emitToString()
        #expect(metrics.contains(#"footfall_frames_analysed_total{camera="synthetic"} 350"#))
        // Offline once the run ended, with nothing held back.
        #expect(metrics.contains(#"footfall_camera_online{camera="synthetic"} 0"#))
        #expect(metrics.contains(#"footfall_crossings_held{camera="synthetic"} 0"#))
        // Given up by this process, the camera's gauges go, so that it is not shown offline here
        // for ever once another process counts it.
        pipeline.forgetMetrics()
        let forgotten = registry.emitToString()
        #expect(!forgotten.contains("footfall_camera_online") && !forgotten.contains("footfall_crossings_held"))
        #expect(!forgotten.contains("footfall_zone_occupancy"))
    }

    @Test func anUnreachableSourceEndsWithAClearStatus() async throws {
        let live = InMemoryLiveState()
        let bus = InProcessEventBus()
        let camera = Camera(id: "gone", name: "Gone", source: "/nonexistent/camera.mp4", geometry: Geometry())
        let pipeline = CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(realTime: false),
            store: InMemoryStore(), bus: bus, live: live,
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"))
        let statuses = bus.subscribe()
        await #expect(throws: (any Error).self) { try await pipeline.run() }
        #expect(live.state(cameraID: "gone")?.status == .offline)
        var iterator = statuses.makeAsyncIterator()
        var reasons: [String] = []
        for _ in 0..<2 {
            if case .status(let status) = await iterator.next() { reasons.append(status.reason ?? "") }
        }
        #expect(reasons.last?.contains("/nonexistent/camera.mp4") == true)
    }
}

/// The fields of a WebSocket message that these tests look at.
struct WebSocketMessage: Decodable, Sendable {
    var type: String
    var camera: String
    var line: String?
    var direction: String?
    var `in`: Int?
    var out: Int?
    var occupancy: Int?
    var status: String?
}

/// Messages gathered inside the WebSocket handler, which may run on another thread.
final class Collected: Sendable {
    private let storage = Mutex<[WebSocketMessage]>([])

    func append(_ message: WebSocketMessage) {
        storage.withLock { $0.append(message) }
    }

    var messages: [WebSocketMessage] { storage.withLock { $0 } }
}
