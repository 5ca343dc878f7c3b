import CountingCore
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import Metrics
import Pipeline
import Prometheus
import Storage
import Synchronization
import Testing

/// A smart camera pushes detections; the pipeline tracks and counts them like any detector's.
struct ExternalCameraPipelineTests {
    /// A sink that refuses the first deliveries, as a broker does while it restarts.
    final class FlakySink: CrossingSink {
        let store: InMemoryStore
        let failures = Mutex(3)

        init(store: InMemoryStore) { self.store = store }

        func deliver(_ crossings: [CrossingRecord]) async throws {
            let fail = failures.withLock { remaining in
                defer { remaining -= 1 }
                return remaining > 0
            }
            if fail { throw MessagingError.invalidMessage(field: "broker", reason: "unavailable") }
            try await store.insertCrossings(crossings)
        }
    }

    @Test func pushedDetectionsAreCountedAndNothingIsLostWhileTheSinkFails() async throws {
        let store = InMemoryStore()
        let geometry = Geometry(lines: [CountingLine(name: "door", a: Point(x: 100, y: 0), b: Point(x: 100, y: 300))])
        let camera = Camera(id: "smart", name: "Smart", source: CameraSource.externalText, geometry: geometry)
        try await store.saveCamera(camera)
        let start = Date()
        // One crossing already stored today: live totals start from it.
        try await store.insertCrossings([CrossingRecord(id: "earlier", cameraID: "smart", line: "door", direction: .in,
                                                        trackID: 1, time: start.addingTimeInterval(-1))])
        let inbox = InProcessDetectionInbox()
        let live = InMemoryLiveState()
        let pipeline = CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(), store: store, sink: FlakySink(store: store),
            inbox: inbox, bus: InProcessEventBus(), live: live,
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"))

        // One person walks left to right across the line (an "out"), 4 px a frame at 10 frames/s.
        let batches = (0..<45).map { i in
            DetectionBatch(time: start.addingTimeInterval(0.5 + Double(i) * 0.1),
                           detections: [Detection(box: Box(x: 10 + Double(i) * 4, y: 90, width: 30, height: 60), confidence: 0.9)])
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run() }
            // The pipeline subscribes once it starts; until then pushes are refused.
            while (try? inbox.push(cameraID: "smart", batches: [])) == nil { try await Task.sleep(for: .milliseconds(10)) }
            // One frame at a time, so each failed delivery is retried on the next frame.
            for batch in batches {
                try inbox.push(cameraID: "smart", batches: [batch])
                try await Task.sleep(for: .milliseconds(2))
            }
            try await eventually("the crossing stored") {
                try await !store.crossings(cameraID: "smart", from: start, to: start.addingTimeInterval(60)).isEmpty
            }
            group.cancelAll()
        }
        let stored = try await store.crossings(cameraID: "smart", from: start, to: start.addingTimeInterval(60))
        #expect(stored.map(\.direction) == [.out])
        #expect(live.state(cameraID: "smart")?.lines == [.init(name: "door", countIn: 1, countOut: 1)])
        let events = try await store.cameraEvents(cameraID: "smart", from: start.addingTimeInterval(-60),
                                                  to: Date().addingTimeInterval(1), limit: 10)
        #expect(events.reversed().map(\.status) == [.connecting, .online, .offline])
    }

    @Test func aPushedCameraWithoutAnInboxFailsClearly() async throws {
        let store = InMemoryStore()
        let camera = Camera(id: "smart", name: "Smart", source: CameraSource.externalText, geometry: Geometry())
        try await store.saveCamera(camera)
        let pipeline = CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(), store: store, bus: InProcessEventBus(),
            live: InMemoryLiveState(),
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"))
        await #expect(throws: PipelineError.self) { try await pipeline.run() }
        let events = try await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 10)
        #expect(events.first?.status == .failed)
        #expect(events.first?.reason?.contains("pushes detections") == true)
    }

    @Test func aCameraThatStopsPushingIsStalledAfterTheTimeoutOnItsClock() async throws {
        let store = InMemoryStore()
        let camera = Camera(id: "smart", name: "Smart", source: CameraSource.externalText, geometry: Geometry())
        try await store.saveCamera(camera)
        let clock = ManualClock()
        let inbox = InProcessDetectionInbox()
        let live = InMemoryLiveState()
        let pipeline = CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(stallTimeout: .seconds(15)), store: store,
            inbox: inbox, bus: InProcessEventBus(), live: live,
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"), clock: clock)
        let run = Task { try await pipeline.run() }
        try await eventually("the pipeline receiving pushes") { (try? inbox.push(cameraID: "smart", batches: [])) != nil }
        try inbox.push(cameraID: "smart", batches: [DetectionBatch(time: Date(), detections: [])])
        try await eventually("the camera online and its tick asleep") {
            live.state(cameraID: "smart")?.status == .online && clock.sleepers == 1
        }
        // Fifteen quiet seconds, one tick at a time: still online.
        for second in 1...15 {
            clock.advance(by: .seconds(1))
            try await eventually("tick \(second)") {
                clock.sleepers == 1 && clock.nextDeadline == clock.now.advanced(by: .seconds(1))
            }
        }
        #expect(live.state(cameraID: "smart")?.status == .online)
        // The sixteenth: more than the timeout without a batch.
        clock.advance(by: .seconds(1))
        await #expect(throws: PipelineError.self) { try await run.value }
        let event = try #require(try await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture,
                                                              limit: 1).first)
        #expect(event.status == .stalled)
        #expect(event.reason == "no frame for 15.0 s")
        #expect(live.state(cameraID: "smart")?.status == .stalled)
    }
}
