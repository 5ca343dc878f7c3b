import CountingCore
import FootfallTestSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Messaging
import Pipeline
import Prometheus
import Storage
import Synchronization
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

    /// A listening socket that accepts connections and never answers, as a hung camera does.
    static func silentServer() throws -> (socket: Int32, port: Int) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        try #require(listener >= 0 && bound == 0 && listen(listener, 8) == 0)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        return (listener, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func aCameraStuckOpeningStopsAtOnceWhenAsked() async throws {
        let (listener, port) = try Self.silentServer()
        defer { close(listener) }
        let store = InMemoryStore()
        let camera = Camera(id: "mute", name: "Mute", source: "rtsp://127.0.0.1:\(port)/stream", geometry: Geometry())
        try await store.saveCamera(camera)
        let live = InMemoryLiveState()
        // An hour to open: the run can end only by not waiting for the decoder's thread.
        let pipeline = CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(decoder: .inProcess, openTimeout: .seconds(3_600)),
            store: store, bus: InProcessEventBus(), live: live,
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"))
        let stop = PipelineStopSignal()
        let ended = Mutex(false)
        let run = Task {
            defer { ended.withLock { $0 = true } }
            try await pipeline.run(lease: nil, stop: stop)
        }
        // The decoder has connected and waits for an answer that never comes.
        var pending = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        try await eventually("the decoder connecting") { poll(&pending, 1, 0) > 0 }
        let connection = accept(listener, nil, nil)
        defer { close(connection) }
        stop.stop(reason: "handed over")
        try await eventually("the run ended without waiting for the open") { ended.withLock { $0 } }
        try await run.value
        #expect(live.state(cameraID: "mute")?.status == .offline)
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
