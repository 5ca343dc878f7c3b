import CountingCore
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import Pipeline
import Prometheus
import Storage
import Synchronization
import Testing

/// A supervisor that follows the store: cameras added, changed and removed through the
/// control plane start, restart, follow or stop without a restart of the process.
struct CameraSupervisorDirectoryTests {
    struct Directory: CameraDirectory {
        let store: InMemoryStore
        func cameras() async throws -> [ManagedCamera] {
            try await store.cameras().filter(\.enabled).map { ManagedCamera(tenantID: Tenant.defaultID, camera: $0) }
        }
    }

    static let audit = AuditEntry(time: Date(timeIntervalSince1970: 1_800_000_000), username: "test", action: "t", target: "t")

    @Test func camerasStartFollowChangesAndStopAsTheStoreSays() async throws {
        let store = InMemoryStore()
        let bus = InProcessEventBus()
        let live = InMemoryLiveState()
        let inbox = InProcessDetectionInbox()
        let clock = ManualClock()
        let made = Mutex<[String: CameraPipeline]>([:])
        let supervisor = CameraSupervisor(
            directory: Directory(store: store),
            makePipeline: { managed in
                let pipeline = CameraPipeline(
                    camera: managed.camera, configuration: CameraPipelineConfiguration(stallTimeout: .seconds(600)),
                    store: store, inbox: inbox, bus: bus, live: live,
                    metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
                    logger: Logger(label: "test"), clock: clock)
                made.withLock { $0[managed.camera.id] = pipeline }
                return pipeline
            },
            changes: bus, refreshInterval: .seconds(30), logger: Logger(label: "supervisor"), clock: clock)
        func notice(_ change: LiveMessage.CameraChange.Change, version: Int = 1) async {
            await bus.publish(.camera(.init(cameraID: "smart", tenantID: Tenant.defaultID, change: change, geometryVersion: version,
                                            time: Date())))
        }
        func statuses() async throws -> [CameraStatus] {
            try await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 100).reversed().map(\.status)
        }
        let task = Task { try await supervisor.run() }

        try await store.createCamera(Camera(id: "smart", name: "Smart", source: CameraSource.externalText,
                                            geometry: Geometry(lines: [CountingLine(name: "a", a: Point(x: 1, y: 1), b: Point(x: 1, y: 9))])),
                                     audit: Self.audit)
        // The notice, or else the next refresh, starts it; notices may race the subscription, so refresh too.
        await notice(.created)
        try await eventually("the camera started") {
            if try await statuses().isEmpty { clock.advance(by: .seconds(30)) }
            return try await statuses() == [.connecting]
        }

        let version = try await store.setGeometry(
            cameraID: "smart", geometry: Geometry(lines: [CountingLine(name: "b", a: Point(x: 5, y: 1), b: Point(x: 5, y: 9))]),
            audit: Self.audit)
        await notice(.geometry, version: version.version)
        try await eventually("the new geometry offered to the running pipeline") {
            made.withLock { $0["smart"] }?.geometryFeed.latest.version == 2
        }
        #expect(try await statuses() == [.connecting], "a geometry change does not restart the camera")

        var camera = try #require(try await store.camera(id: "smart"))
        camera.enabled = false
        try await store.updateCamera(camera, audit: Self.audit)
        await notice(.updated)
        try await eventually("the disabled camera stopped") { try await statuses() == [.connecting, .offline] }
        let last = try #require(try await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 1).first)
        #expect(last.reason == "the camera was removed or disabled")

        camera.enabled = true
        camera.name = "Smart camera"
        try await store.updateCamera(camera, audit: Self.audit)
        await notice(.updated)
        try await eventually("the enabled camera started again") { try await statuses() == [.connecting, .offline, .connecting] }
        task.cancel()
        _ = await task.result
    }
}
