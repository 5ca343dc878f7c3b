import CountingCore
import Foundation
import Logging
import Messaging
import Pipeline
import Prometheus
import Storage
import Testing

/// The real pipeline with detection on the shared inference threads: the same counts as
/// detection on the camera's own task, and the model's figures stored per minute.
@Suite(.enabled(if: SyntheticVideo.available, "needs ffmpeg"))
struct CameraPipelineModelTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func detectionOnTheInferenceThreadsCountsAndStoresTheModelsMinutes() async throws {
        let video = try SyntheticVideo.fourPasses()
        defer { try? FileManager.default.removeItem(atPath: video) }
        let store = InMemoryStore()
        let geometry = try JSONDecoder().decode(Geometry.self, from: Data(SyntheticVideo.geometryJSON.utf8))
        let camera = Camera(id: "synthetic", name: "Synthetic", source: video, geometry: geometry)
        try await store.saveCamera(camera)
        let live = InMemoryLiveState()
        let model = AIModel(name: "motion", version: "builtin", kind: .motion, detector: "motion", registered: Self.start)
        let inference = InferenceService(threads: 1)
        let pipeline = CameraPipeline(
            camera: camera,
            configuration: CameraPipelineConfiguration(realTime: false, loop: false, latestFrameWins: false, model: model,
                                                       inference: inference),
            store: store, bus: InProcessEventBus(), live: live,
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"), now: { Self.start })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await inference.run() }
            defer { group.cancelAll() }
            try await pipeline.run()
        }
        // The counts of the end-to-end test, which detects on the camera's own task.
        let lines = try #require(live.state(cameraID: "synthetic")?.lines)
        #expect(lines.map(\.countIn) == [1])
        #expect(lines.map(\.countOut) == [2])
        #expect(inference.completed == 350, "every frame of the 14 s video at 25 frames/s went through the service")

        let minutes = try await store.modelMinutes(cameraID: "synthetic", modelName: nil, from: Self.start,
                                                   to: Self.start.addingTimeInterval(3_600), limit: 10)
        #expect(minutes.count == 1)
        let minute = try #require(minutes.first)
        #expect(minute.modelName == "motion" && minute.minute == Self.start)
        #expect(minute.frames == 350 && minute.regions == 350 && minute.errors == 0)
        #expect(minute.detections > 100, "the walking box is seen on most frames of its four passes")
        #expect(minute.meanMilliseconds > 0 && minute.p99Milliseconds >= minute.meanMilliseconds)
        #expect(try await store.models().map(\.name) == ["motion"], "registered when the pipeline started")
        #expect(await live.snapshot(cameraID: "synthetic", kind: .blurred) != nil, "the picture that may be kept, people pixelated")
    }
}
