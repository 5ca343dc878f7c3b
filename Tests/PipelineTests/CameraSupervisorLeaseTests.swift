import CountingCore
import Foundation
import Logging
import Messaging
import Pipeline
import Prometheus
import Storage
import Synchronization
import Testing

/// Two workers are given the same camera; the lease lets exactly one count it at a time.
struct CameraSupervisorLeaseTests {
    static func pipeline(store: InMemoryStore, camera: Camera) -> CameraPipeline {
        CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(stallTimeout: .seconds(60)), store: store,
            inbox: InProcessDetectionInbox(), bus: InProcessEventBus(), live: InMemoryLiveState(),
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"))
    }

    @Test func oneWorkerCountsACameraAndTheOtherTakesOverWhenItStops() async throws {
        let store = InMemoryStore()
        let camera = Camera(id: "smart", name: "Smart", source: CameraPipeline.externalSource, geometry: Geometry())
        try await store.saveCamera(camera)
        let leases = InMemoryCameraLeases()
        let duration = Duration.seconds(2)
        let first = CameraSupervisor(pipelines: [Self.pipeline(store: store, camera: camera)],
                                     leasing: .init(leases: leases, owner: "worker-a", duration: duration),
                                     logger: Logger(label: "a"), initialDelay: .milliseconds(50))
        let second = CameraSupervisor(pipelines: [Self.pipeline(store: store, camera: camera)],
                                      leasing: .init(leases: leases, owner: "worker-b", duration: duration),
                                      logger: Logger(label: "b"), initialDelay: .milliseconds(50))
        func starts() async throws -> Int {
            try await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 100)
                .filter { $0.status == .connecting }.count
        }
        let a = Task { try await first.run() }
        try await Task.sleep(for: .milliseconds(200))
        let b = Task { try await second.run() }
        // Several lease periods: the first keeps renewing, the second never gets in.
        try await Task.sleep(for: .seconds(5))
        #expect(leases.holder(cameraID: "smart")?.owner == "worker-a")
        #expect(try await starts() == 1)

        a.cancel()
        _ = await a.result
        let deadline = ContinuousClock.now + .seconds(5)
        while leases.holder(cameraID: "smart")?.owner != "worker-b", ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let holder = try #require(leases.holder(cameraID: "smart"))
        #expect(holder.owner == "worker-b")
        #expect(holder.token > 1)
        try await Task.sleep(for: .milliseconds(100))
        b.cancel()
        _ = await b.result
        // Runs never overlapped: each start is followed by the end of that run before the next.
        let events = try await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 100)
        #expect(events.reversed().map(\.status) == [.connecting, .offline, .connecting, .offline])
    }

    /// Leases behind a network that stops answering: renewals and releases hang.
    final class PartitionedLeases: CameraLeases {
        let inner = InMemoryCameraLeases()
        let partitioned = Mutex(false)

        func acquire(cameraID: String, owner: String, duration: Duration) async throws -> CameraLease? {
            inner.acquire(cameraID: cameraID, owner: owner, duration: duration)
        }

        func renew(_ lease: CameraLease, duration: Duration) async throws -> Bool {
            if partitioned.withLock({ $0 }) { try await Task.sleep(for: .seconds(3_600)) }
            return inner.renew(lease, duration: duration)
        }

        func release(_ lease: CameraLease) async throws {
            if partitioned.withLock({ $0 }) { throw CancellationError() }
            inner.release(lease)
        }

        func holder(cameraID: String) async throws -> CameraLease? {
            inner.holder(cameraID: cameraID)
        }
    }

    @Test func aWorkerWhoseRenewalsHangStopsWhileItsLeaseStillHolds() async throws {
        let store = InMemoryStore()
        let camera = Camera(id: "smart", name: "Smart", source: CameraPipeline.externalSource, geometry: Geometry())
        try await store.saveCamera(camera)
        let leases = PartitionedLeases()
        let worker = CameraSupervisor(pipelines: [Self.pipeline(store: store, camera: camera)],
                                      leasing: .init(leases: leases, owner: "worker-a", duration: .seconds(3)),
                                      logger: Logger(label: "a"), initialDelay: .seconds(60))
        func events() async throws -> [CameraEvent] {
            try await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 100)
        }
        let task = Task { try await worker.run() }
        while try await events().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        let lease = try #require(try await leases.holder(cameraID: "smart"))
        leases.partitioned.withLock { $0 = true }
        // The worker must stop on its own before its lease could pass to anyone else.
        let deadline = ContinuousClock.now + .seconds(10)
        while try await events().first?.status != .offline, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(try await events().first?.status == .offline)
        #expect(try await events().first?.reason?.contains("lost the lease") == true)
        #expect(try await leases.holder(cameraID: "smart") == lease, "the lease had already expired")
        task.cancel()
        _ = await task.result
    }
}
