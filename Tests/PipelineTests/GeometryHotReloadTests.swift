import CountingCore
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import Pipeline
import Prometheus
import Storage
import Testing

/// An operator's change of lines and zones reaches a running camera without a restart: the
/// next frame counts with the new version, and every crossing keeps the version it was
/// counted with.
struct GeometryHotReloadTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let door = CountingLine(name: "door", a: Point(x: 100, y: 0), b: Point(x: 100, y: 300))

    /// One person walking left to right, 4 px a frame at 10 frames/s, from x = 10.
    static func walk(_ frames: Range<Int>) -> [DetectionBatch] {
        frames.map { i in
            DetectionBatch(time: start.addingTimeInterval(0.5 + Double(i) * 0.1),
                           detections: [Detection(box: Box(x: 10 + Double(i) * 4, y: 90, width: 30, height: 60), confidence: 0.9)])
        }
    }

    @Test func aChangedGeometryCountsFromTheNextFrameWithItsVersion() async throws {
        let store = InMemoryStore()
        let camera = Camera(id: "smart", name: "Smart", source: CameraSource.externalText, geometry: Geometry(lines: [Self.door]))
        try await store.saveCamera(camera)
        let inbox = InProcessDetectionInbox()
        let live = InMemoryLiveState()
        let pipeline = CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(stallTimeout: .seconds(600)), store: store, inbox: inbox,
            bus: InProcessEventBus(), live: live,
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"), clock: ManualClock(), now: { Self.start })
        let run = Task { try await pipeline.run() }
        try await eventually("the pipeline receiving pushes") { (try? inbox.push(cameraID: "smart", batches: [])) != nil }
        func crossings() async throws -> [CrossingRecord] {
            try await store.crossings(cameraID: "smart", from: .distantPast, to: .distantFuture)
        }
        // Across the door (x = 100) with version 1.
        try inbox.push(cameraID: "smart", batches: Self.walk(0..<40))
        try await eventually("the first crossing") { try await crossings().count == 1 }
        try await eventually("all frames analysed") { live.state(cameraID: "smart")?.updated == Self.start.addingTimeInterval(4.4) }
        // The operator moves the door to x = 250 and adds a line at x = 300.
        var moved = Geometry(lines: [Self.door, CountingLine(name: "exit", a: Point(x: 300, y: 0), b: Point(x: 300, y: 300))])
        moved.lines[0].a.x = 250
        moved.lines[0].b.x = 250
        pipeline.geometryFeed.offer(version: 2, geometry: moved)
        try inbox.push(cameraID: "smart", batches: Self.walk(40..<90))
        try await eventually("two more crossings") { try await crossings().count == 3 }
        let stored = try await crossings()
        #expect(stored.map(\.line) == ["door", "door", "exit"])
        #expect(stored.map(\.geometryVersion) == [1, 2, 2])
        // Today's totals carry on across the change: the moved door shows both crossings.
        let state = try #require(live.state(cameraID: "smart"))
        #expect(state.geometryVersion == 2)
        #expect(state.lines == [.init(name: "door", countIn: 0, countOut: 2), .init(name: "exit", countIn: 0, countOut: 1)])
        run.cancel()
        _ = await run.result
    }
}
