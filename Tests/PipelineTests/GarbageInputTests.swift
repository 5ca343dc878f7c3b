import CountingCore
import Foundation
import Logging
import Messaging
import Pipeline
import Prometheus
import Storage
import Testing
import Vision

/// What real cameras send on bad days: a stream that changes resolution, bytes that are not
/// video, a camera that refuses connections. Each gives a clear outcome and no crash, with
/// either decoder.
@Suite(.enabled(if: SyntheticVideo.available, "needs ffmpeg"))
struct GarbageInputTests {
    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("footfall-\(UUID().uuidString)-\(name)").path
    }

    @Test(arguments: FrameDecoder.allCases)
    func aStreamThatChangesResolutionIsReadToTheEnd(decoder: FrameDecoder) throws {
        // Two MPEG-TS clips of different sizes, joined byte for byte as a live stream would switch.
        let small = Self.temporary("small.ts"), large = Self.temporary("large.ts"), joined = Self.temporary("joined.ts")
        defer { for path in [small, large, joined] { try? FileManager.default.removeItem(atPath: path) } }
        for (path, size) in [(small, "320x240"), (large, "640x480")] {
            try SyntheticVideo.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=\(size):rate=10:duration=2",
                                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mpegts", path])
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: small)) + Data(contentsOf: URL(fileURLWithPath: large))
        try data.write(to: URL(fileURLWithPath: joined))
        let summary = try VideoCounter(decoder: decoder).count(video: joined, geometry: Geometry())
        // Every frame of both parts arrives (through ffmpeg scaled to the size the stream started
        // with; decoded in process at its own size).
        #expect(summary.frames >= 38 && summary.frames <= 40)
    }

    @Test(arguments: FrameDecoder.allCases)
    func bytesThatAreNotVideoAreAClearError(decoder: FrameDecoder) throws {
        let garbage = Self.temporary("garbage.mp4")
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        try Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: garbage))
        #expect {
            try VideoCounter(decoder: decoder).count(video: garbage, geometry: Geometry())
        } throws: { error in
            "\(error)".contains("cannot open") && "\(error)".contains(garbage)
        }
    }

    @Test(arguments: FrameDecoder.allCases)
    func aCameraThatRefusesConnectionsIsOfflineWithTheReasonAndNoPassword(decoder: FrameDecoder) async throws {
        let store = InMemoryStore()
        let camera = Camera(id: "door", name: "Door", source: "rtsp://admin:hunter2@127.0.0.1:1/stream", geometry: Geometry())
        try await store.saveCamera(camera)
        let live = InMemoryLiveState()
        let pipeline = CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(decoder: decoder), store: store, bus: InProcessEventBus(), live: live,
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"))
        await #expect(throws: (any Error).self) { try await pipeline.run() }
        #expect(live.state(cameraID: "door")?.status == .offline)
        let event = try #require(try await store.cameraEvents(cameraID: "door", from: .distantPast, to: .distantFuture,
                                                              limit: 1).first)
        #expect(event.status == .offline)
        #expect(event.reason?.contains("127.0.0.1:1") == true)
        #expect(event.reason?.contains("hunter2") == false)
    }
}
