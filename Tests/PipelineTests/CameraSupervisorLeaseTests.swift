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

/// Two workers are given the same camera; the lease lets exactly one count it at a time.
/// Leases, renewals and retries all run on manual clocks that the tests move, so no verdict
/// depends on how fast a loaded machine schedules the workers.
struct CameraSupervisorLeaseTests {
    static func pipeline(store: InMemoryStore, camera: Camera, clock: ManualClock,
                         inbox: InProcessDetectionInbox? = InProcessDetectionInbox()) -> CameraPipeline {
        CameraPipeline(
            camera: camera, configuration: CameraPipelineConfiguration(stallTimeout: .seconds(60)), store: store,
            inbox: inbox, bus: InProcessEventBus(), live: InMemoryLiveState(),
            metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: PrometheusCollectorRegistry())),
            logger: Logger(label: "test"), clock: clock)
    }

    static let camera = Camera(id: "smart", name: "Smart", source: CameraSource.externalText, geometry: Geometry())

    /// Leases that count what each owner asked for.
    final class RecordingLeases: CameraLeases {
        let inner: InMemoryCameraLeases
        private let calls = Mutex<[String: (acquisitions: Int, renewals: Int)]>([:])

        init(clock: ManualClock) { inner = InMemoryCameraLeases(clock: clock) }

        func acquisitions(_ owner: String) -> Int { calls.withLock { $0[owner]?.acquisitions ?? 0 } }
        func renewals(_ owner: String) -> Int { calls.withLock { $0[owner]?.renewals ?? 0 } }

        func acquire(cameraID: String, owner: String, duration: Duration) async throws -> CameraLease? {
            defer { calls.withLock { $0[owner, default: (0, 0)].acquisitions += 1 } }
            return inner.acquire(cameraID: cameraID, owner: owner, duration: duration)
        }

        func renew(_ lease: CameraLease, duration: Duration) async throws -> Bool {
            defer { calls.withLock { $0[lease.owner, default: (0, 0)].renewals += 1 } }
            return inner.renew(lease, duration: duration)
        }

        func release(_ lease: CameraLease) async throws { inner.release(lease) }
        func holder(cameraID: String) async throws -> CameraLease? { inner.holder(cameraID: cameraID) }
    }

    /// Waits until the worker on `clock` is idle between beats: its renewal loop and its
    /// camera's once-a-second tick both asleep until the next whole second, and nothing else
    /// (such as a renewal's deadline) pending.
    static func settled(_ clock: ManualClock, sleepers: Int = 2, _ what: String) async throws {
        try await eventually(what) {
            clock.sleepers == sleepers && clock.nextDeadline == clock.now.advanced(by: .seconds(1))
        }
    }

    @Test func oneWorkerCountsACameraAndTheOtherTakesOverWhenItStops() async throws {
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        // Worker a's clock also times the leases; worker b's clock only times b's retries.
        let clockA = ManualClock(), clockB = ManualClock()
        let leases = RecordingLeases(clock: clockA)
        let duration = Duration.seconds(3)
        let first = CameraSupervisor(pipelines: [Self.pipeline(store: store, camera: Self.camera, clock: clockA)],
                                     leasing: .init(leases: leases, owner: "worker-a", duration: duration),
                                     logger: Logger(label: "a"), initialDelay: .seconds(1), clock: clockA)
        let second = CameraSupervisor(pipelines: [Self.pipeline(store: store, camera: Self.camera, clock: clockB)],
                                      leasing: .init(leases: leases, owner: "worker-b", duration: duration),
                                      logger: Logger(label: "b"), initialDelay: .seconds(1), clock: clockB)
        func starts() async throws -> Int {
            await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 100)
                .filter { $0.status == .connecting }.count
        }
        let a = Task { try await first.run() }
        try await eventually("worker-a holds the camera") { leases.inner.holder(cameraID: "smart")?.owner == "worker-a" }
        try await Self.settled(clockA, "worker-a renewing and its camera ticking")
        let b = Task { try await second.run() }
        try await eventually("worker-b refused and waiting to retry") {
            leases.acquisitions("worker-b") == 1 && clockB.sleepers == 1
        }

        // Three lease periods, one renewal (a third of the lease) at a time: worker-a keeps
        // renewing, worker-b keeps retrying and never gets in.
        for beat in 1...9 {
            clockA.advance(by: .seconds(1))
            try await eventually("worker-a's renewal \(beat)") { leases.renewals("worker-a") == beat }
            try await Self.settled(clockA, "worker-a back asleep after renewal \(beat)")
            let tried = leases.acquisitions("worker-b")
            clockB.advance(by: .milliseconds(1_200))
            try await eventually("worker-b's retry \(beat)") {
                leases.acquisitions("worker-b") == tried + 1 && clockB.sleepers == 1
            }
        }
        #expect(leases.inner.holder(cameraID: "smart")?.owner == "worker-a")
        #expect(try await starts() == 1)

        a.cancel()
        _ = await a.result
        #expect(leases.inner.holder(cameraID: "smart") == nil, "worker-a gave the camera up as it stopped")
        clockB.advance(by: .milliseconds(1_200))
        try await eventually("worker-b holds the camera") { leases.inner.holder(cameraID: "smart")?.owner == "worker-b" }
        let holder = try #require(leases.inner.holder(cameraID: "smart"))
        #expect(holder.token > 1)
        try await eventually("worker-b's camera started") { try await starts() == 2 }
        // Worker-b put its fence up as it started: what worker-a's older lease counts from now on
        // is refused by the store; what it counted before the hand-over is kept.
        func counted(_ id: String, at time: Date) -> CrossingRecord {
            CrossingRecord(id: id, cameraID: "smart", line: "door", direction: .in, trackID: 1, time: time,
                           leaseToken: holder.token - 1)
        }
        #expect(try await store.insertCrossings([counted("zombie", at: Date().addingTimeInterval(3_600))]) == 0)
        #expect(try await store.insertCrossings([counted("before", at: Date().addingTimeInterval(-3_600))]) == 1)
        b.cancel()
        _ = await b.result
        // Runs never overlapped: each start is followed by the end of that run before the next.
        let events = await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 100)
        #expect(events.reversed().map(\.status) == [.connecting, .offline, .connecting, .offline])
    }

    /// Leases behind a network that stops answering: renewals and releases hang.
    final class PartitionedLeases: CameraLeases {
        let inner: InMemoryCameraLeases
        let partitioned = Mutex(false)

        init(clock: ManualClock) { inner = InMemoryCameraLeases(clock: clock) }

        func acquire(cameraID: String, owner: String, duration: Duration) async throws -> CameraLease? {
            inner.acquire(cameraID: cameraID, owner: owner, duration: duration)
        }

        func renew(_ lease: CameraLease, duration: Duration) async throws -> Bool {
            // Hangs until cancelled, as a request to a server that stopped answering does.
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
        try await store.saveCamera(Self.camera)
        let clock = ManualClock()
        let leases = PartitionedLeases(clock: clock)
        let worker = CameraSupervisor(pipelines: [Self.pipeline(store: store, camera: Self.camera, clock: clock)],
                                      leasing: .init(leases: leases, owner: "worker-a", duration: .seconds(3)),
                                      logger: Logger(label: "a"), initialDelay: .seconds(60), clock: clock)
        func events() async throws -> [CameraEvent] {
            await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 100)
        }
        let task = Task { try await worker.run() }
        try await eventually("the worker holds the camera") { leases.inner.holder(cameraID: "smart") != nil }
        try await Self.settled(clock, "renewing and ticking")
        let lease = try #require(leases.inner.holder(cameraID: "smart"))
        leases.partitioned.withLock { $0 = true }
        // The renewal at 1 s hangs; its deadline is half the lease after the grant (1.5 s).
        clock.advance(by: .seconds(1))
        try await eventually("the renewal waiting on its deadline") {
            clock.sleepers == 2 && clock.nextDeadline == ManualClock.Instant(offset: .milliseconds(1_500))
        }
        #expect(try await events().first?.status != .offline)
        clock.advance(to: ManualClock.Instant(offset: .milliseconds(1_500)))
        // The worker must stop on its own before its lease (3 s) could pass to anyone else.
        try await eventually("the camera stopped") { try await events().first?.status == .offline }
        #expect(try await events().first?.reason?.contains("lost the lease") == true)
        #expect(leases.inner.holder(cameraID: "smart") == lease, "the lease had already expired")
        task.cancel()
        _ = await task.result
    }

    @Test func aFailingCameraIsRestartedAfterGrowingDelaysOnTheClock() async throws {
        let store = InMemoryStore()
        try await store.saveCamera(Self.camera)
        let clock = ManualClock()
        // No inbox: every run of this pushed camera fails at once.
        let supervisor = CameraSupervisor(pipelines: [Self.pipeline(store: store, camera: Self.camera, clock: clock, inbox: nil)],
                                          logger: Logger(label: "a"), initialDelay: .seconds(1), maximumDelay: .seconds(4),
                                          clock: clock)
        func failures() async throws -> Int {
            await store.cameraEvents(cameraID: "smart", from: .distantPast, to: .distantFuture, limit: 100)
                .filter { $0.status == .failed }.count
        }
        let task = Task { try await supervisor.run() }
        var waits: [Duration] = []
        for run in 1...5 {
            try await eventually("run \(run) failed and the supervisor waits") {
                try await failures() == run && clock.sleepers == 1
            }
            let wait = clock.now.duration(to: try #require(clock.nextDeadline))
            waits.append(wait)
            clock.advance(by: wait)
        }
        // 1, 2, 4, 4, 4 seconds, each within ±20 % jitter.
        for (wait, expected) in zip(waits, [1.0, 2, 4, 4, 4]) {
            #expect(wait >= .seconds(expected * 0.8) && wait <= .seconds(expected * 1.2), "waited \(wait)")
        }
        task.cancel()
        _ = await task.result
    }
}
