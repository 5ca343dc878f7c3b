import CountingCore
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import Metrics
import Prometheus
import ServiceLifecycle
import Storage
import Testing
@testable import Pipeline

/// The broker is down while a camera counts, and its process dies: the crossing is on disk,
/// and the next start delivers it, once.
struct SpoolDrainServiceTests {
    /// A broker that is down: every delivery fails.
    struct DownSink: CrossingSink {
        func deliver(_ crossings: [CrossingRecord]) async throws {
            throw MessagingError.invalidMessage(field: "broker", reason: "unavailable")
        }
    }

    static let geometry = Geometry(lines: [CountingLine(name: "door", a: Point(x: 100, y: 0), b: Point(x: 100, y: 300))])
    static let camera = Camera(id: "smart", name: "Smart", source: CameraSource.externalText, geometry: geometry)

    static func pipeline(store: InMemoryStore, sink: any CrossingSink, inbox: InProcessDetectionInbox, spool: String) -> CameraPipeline {
        CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(spoolDirectory: spool), store: store, sink: sink,
            inbox: inbox, bus: InProcessEventBus(), live: InMemoryLiveState(),
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"))
    }

    /// One person walks left to right across the line, 4 px a frame at 10 frames/s, from `start`.
    static func walk(from start: Date) -> [DetectionBatch] {
        (0..<45).map { i in
            DetectionBatch(time: start.addingTimeInterval(0.5 + Double(i) * 0.1),
                           detections: [Detection(box: Box(x: 10 + Double(i) * 4, y: 90, width: 30, height: 60), confidence: 0.9)])
        }
    }

    static func push(_ batches: [DetectionBatch], to inbox: InProcessDetectionInbox) async throws {
        // The pipeline subscribes once it starts; until then pushes are refused.
        try await eventually("the pipeline listening") { (try? inbox.push(cameraID: "smart", batches: [])) != nil }
        for batch in batches { try inbox.push(cameraID: "smart", batches: [batch]) }
    }

    /// A process's spool directory for the default tenant under `root`, as the app lays them out.
    static func tenantDirectory(_ root: String) -> String {
        root + "/test-process/" + Tenant.defaultID.uuidString
    }

    static func drain(_ root: String, store: InMemoryStore) -> SpoolDrainService {
        SpoolDrainService(root: root, logger: Logger(label: "test")) { tenant in
            DirectCrossingSink(store: store.scoped(to: tenant))
        }
    }

    @Test func aCrossingCountedWhileTheBrokerIsDownIsOnDiskAndDeliveredOnceAtTheNextStart() async throws {
        let root = CrossingSpoolTests.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let spool = Self.tenantDirectory(root)
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        let start = Date()
        let inbox = InProcessDetectionInbox()
        let pipeline = Self.pipeline(store: store, sink: DownSink(), inbox: inbox, spool: spool)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run() }
            try await Self.push(Self.walk(from: start), to: inbox)
            // Counted and on disk while the pipeline still runs: a SIGKILL now loses nothing.
            try await eventually("the crossing spooled") {
                CrossingSpool.files(in: spool).flatMap { (try? CrossingSpool.read($0)) ?? [] }.count == 1
            }
            group.cancelAll()
        }
        #expect(try await store.crossings(cameraID: "smart", from: start, to: start.addingTimeInterval(60)).isEmpty)
        let left = CrossingSpool.files(in: spool)
        #expect(left.count == 1, "the run stopped with its crossing undelivered: the file stays")

        let spooled = try CrossingSpool.read(left[0])
        // The broker is back: a round of the drain delivers it (rounds repeat, as the service's
        // do every 30 s, until the file is free: the run lets go of it as it ends).
        let drain = Self.drain(root, store: store)
        var delivered = 0
        try await eventually("the spool delivered") {
            delivered += await drain.deliver()
            return delivered > 0
        }
        #expect(delivered == 1)
        let stored = try await store.crossings(cameraID: "smart", from: start, to: start.addingTimeInterval(60))
        #expect(stored.map(\.direction) == [.out])
        #expect(CrossingSpool.files(in: spool).isEmpty)
        // The spool's copy delivered again (a crash before the file went) is stored once.
        #expect(try await store.insertCrossings(spooled) == 0)
        #expect(try await store.crossings(cameraID: "smart", from: start, to: start.addingTimeInterval(60)).count == 1)
    }

    @Test func theCamerasNextRunDeliversWhatTheLastOneLeft() async throws {
        let root = CrossingSpoolTests.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let spool = Self.tenantDirectory(root)
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        let start = Date()
        // An earlier run of the camera left one crossing.
        var earlier = try CrossingSpool(directory: spool, cameraID: "smart", runID: "L3")
        let left = CrossingRecord(id: "left-behind", cameraID: "smart", line: "door", direction: .in, trackID: 1,
                                  time: start.addingTimeInterval(-30), leaseToken: 3)
        try earlier.write([left])
        earlier.close()

        let inbox = InProcessDetectionInbox()
        let pipeline = Self.pipeline(store: store, sink: DirectCrossingSink(store: store), inbox: inbox, spool: spool)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run() }
            try await Self.push(Self.walk(from: start), to: inbox)
            try await eventually("both crossings stored") {
                try await store.crossings(cameraID: "smart", from: start.addingTimeInterval(-60), to: start.addingTimeInterval(60)).count == 2
            }
            group.cancelAll()
        }
        let stored = try await store.crossings(cameraID: "smart", from: start.addingTimeInterval(-60), to: start.addingTimeInterval(60))
        #expect(stored.first?.id == "left-behind")
        #expect(CrossingSpool.files(in: spool).isEmpty, "the old file went once its crossing was safe; the run's own is empty")
    }

    /// The drain leaves a live run's file alone, and takes it once the run has closed it.
    @Test func theDrainNeverTakesTheFileOfALiveRun() async throws {
        let root = CrossingSpoolTests.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        var live = try CrossingSpool(directory: Self.tenantDirectory(root), cameraID: "smart", runID: "L9")
        try live.write([CrossingRecord(id: "held", cameraID: "smart", line: "door", direction: .in, trackID: 1, time: Date())])
        #expect(await Self.drain(root, store: store).deliver() == 0)
        #expect(CrossingSpool.files(in: Self.tenantDirectory(root)).count == 1)
        live.close()
        #expect(await Self.drain(root, store: store).deliver() == 1)
        #expect(CrossingSpool.files(in: Self.tenantDirectory(root)).isEmpty)
    }
}
