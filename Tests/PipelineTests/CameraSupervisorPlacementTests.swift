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

/// Workers share the cameras by capacity: a worker that joins is handed some cameras by the
/// others, one at a time at a frame boundary, and the cameras of one that dies are taken by
/// the rest soon after its leases run out. Everything runs on one manual clock, moved a
/// quarter of a second at a time once every worker is idle, so each camera's time without a
/// holder is measured in the fleet's own time, not the machine's.
struct CameraSupervisorPlacementTests {
    static let lease = Duration.seconds(3)
    static let cameras = (1...6).map { Camera(id: "cam-\($0)", name: "Cam \($0)", source: CameraSource.externalText, geometry: Geometry()) }

    /// Leases and announcements with a switch per worker that makes it vanish as a killed process
    /// does: it neither releases its leases nor withdraws its announcement, it simply goes quiet.
    final class Fleet: CameraLeases, WorkerRegistry {
        let leases: InMemoryCameraLeases
        let registry: InMemoryWorkerRegistry
        private let killed = Mutex<Set<String>>([])

        init(clock: ManualClock) {
            leases = InMemoryCameraLeases(clock: clock)
            registry = InMemoryWorkerRegistry(clock: clock)
        }

        func kill(_ owner: String) { killed.withLock { _ = $0.insert(owner) } }
        private func isKilled(_ owner: String) -> Bool { killed.withLock { $0.contains(owner) } }

        func acquire(cameraID: String, owner: String, duration: Duration) async throws -> CameraLease? {
            isKilled(owner) ? nil : leases.acquire(cameraID: cameraID, owner: owner, duration: duration)
        }

        func renew(_ lease: CameraLease, duration: Duration) async throws -> Bool {
            isKilled(lease.owner) ? false : leases.renew(lease, duration: duration)
        }

        func release(_ lease: CameraLease) async throws {
            if !isKilled(lease.owner) { leases.release(lease) }
        }

        func holder(cameraID: String) async throws -> CameraLease? { leases.holder(cameraID: cameraID) }

        func announce(_ status: WorkerStatus, ttl: Duration) async throws {
            if !isKilled(status.name) { registry.announce(status, ttl: ttl) }
        }

        func withdraw(name: String) async throws {
            if !isKilled(name) { registry.withdraw(name: name) }
        }

        func workers() async throws -> [WorkerStatus] { registry.workers() }

        /// Each camera's holder now, nil for none.
        func holders() -> [String: String?] {
            Dictionary(uniqueKeysWithValues: CameraSupervisorPlacementTests.cameras.map { ($0.id, leases.holder(cameraID: $0.id)?.owner) })
        }

        /// How many cameras each owner holds now.
        func shares() -> [String: Int] {
            holders().values.compactMap { $0 }.reduce(into: [:]) { $0[$1, default: 0] += 1 }
        }
    }

    /// The fleet under test: its workers, and the time each camera has gone without a holder.
    final class Harness: Sendable {
        let clock = ManualClock()
        let store = InMemoryStore()
        let fleet: Fleet
        private let state = Mutex<(running: [String: Task<Void, any Error>], unheldSince: [String: Duration],
                                   longestUnheld: [String: Duration])>(([:], [:], [:]))

        init() { fleet = Fleet(clock: clock) }

        var running: [String] { state.withLock { $0.running.keys.sorted() } }

        func start(_ name: String, capacity: Double = 400, metrics: PipelineMetrics? = nil) {
            let clock = self.clock, store = self.store
            let supervisor = CameraSupervisor(
                pipelines: CameraSupervisorPlacementTests.cameras.map {
                    CameraSupervisorLeaseTests.pipeline(store: store, camera: $0, clock: clock)
                },
                leasing: .init(leases: fleet, owner: name, duration: CameraSupervisorPlacementTests.lease),
                announcing: .init(registry: fleet, name: name, capacity: capacity, metrics: metrics),
                logger: Logger(label: name), initialDelay: .seconds(1), clock: clock)
            let task = Task { try await supervisor.run() }
            state.withLock { $0.running[name] = task }
        }

        /// Kills `name` as SIGKILL would: its leases stay until they expire.
        func kill(_ name: String) async {
            fleet.kill(name)
            let task = state.withLock { $0.running.removeValue(forKey: name) }
            task?.cancel()
            _ = await task?.result
        }

        func stopAll() async {
            let tasks = state.withLock { state in
                defer { state.running = [:] }
                return Array(state.running.values)
            }
            for task in tasks { task.cancel() }
            for task in tasks { _ = await task.result }
        }

        /// Waits until every running worker sleeps on the clock: its announcement round, each
        /// camera it does not hold waiting to ask again, and for each it holds the lease renewal
        /// and the camera's once-a-second tick.
        func settle(_ what: String) async throws {
            try await eventually(what) {
                let workers = running
                let held = fleet.holders().values.filter { $0.map(workers.contains) == true }.count
                return clock.sleepers == workers.count * (1 + CameraSupervisorPlacementTests.cameras.count) + held
            }
        }

        /// Moves the clock a quarter of a second at a time, settling after each, until `done`;
        /// fails after `limit` of fleet time.
        func run(until what: String, within limit: Duration, _ done: () -> Bool) async throws -> Duration {
            let start = clock.now
            try await settle("the fleet idle before \(what)")
            while !done() {
                let elapsed = start.duration(to: clock.now)
                try #require(elapsed < limit, "\(what) within \(limit): shares \(fleet.shares())")
                clock.advance(by: .milliseconds(250))
                try await settle("the fleet idle at \(elapsed) while waiting for \(what)")
                record()
            }
            return start.duration(to: clock.now)
        }

        /// Notes which cameras have no holder now, and for how long they have had none.
        private func record() {
            let now = clock.now.offset
            let holders = fleet.holders()
            state.withLock { state in
                for (camera, holder) in holders {
                    if holder == nil {
                        let since = state.unheldSince[camera] ?? now
                        state.unheldSince[camera] = since
                        state.longestUnheld[camera] = max(state.longestUnheld[camera] ?? .zero, now - since + .milliseconds(250))
                    } else {
                        state.unheldSince[camera] = nil
                    }
                }
            }
        }

        /// The longest any camera went without a holder since the last reset (to a quarter second).
        func longestUnheld(reset: Bool = true) -> Duration {
            state.withLock { state in
                defer { if reset { state.longestUnheld = [:] } }
                return state.longestUnheld.values.max() ?? .zero
            }
        }

        func handOvers() async -> Int {
            var count = 0
            for camera in CameraSupervisorPlacementTests.cameras {
                count += await store.cameraEvents(cameraID: camera.id, from: .distantPast, to: .distantFuture, limit: 1_000)
                    .filter { $0.reason?.contains("handed over") == true }.count
            }
            return count
        }
    }

    @Test func workersShareByCapacityHandCamerasToANewcomerAndTakeOverFromTheDead() async throws {
        let harness = Harness()
        for camera in Self.cameras { try await harness.store.saveCamera(camera) }
        harness.start("a")
        harness.start("b")
        let started = try await harness.run(until: "a and b sharing the six cameras", within: .seconds(10)) {
            harness.fleet.shares() == ["a": 3, "b": 3]
        }
        #expect(started <= .seconds(4), "took \(started)")
        _ = harness.longestUnheld()
        // Once shared, nothing moves.
        _ = try await harness.run(until: "six quiet seconds", within: .seconds(7)) { harness.clock.now.offset >= started + .seconds(6) }
        #expect(harness.fleet.shares() == ["a": 3, "b": 3])
        #expect(await harness.handOvers() == 0)

        // A third worker joins: a and b each hand it one camera, and no camera waits a lease.
        harness.start("c")
        let joined = try await harness.run(until: "a, b and c sharing the cameras", within: .seconds(12)) {
            harness.fleet.shares() == ["a": 2, "b": 2, "c": 2]
        }
        #expect(await harness.handOvers() == 2)
        let handOverGap = harness.longestUnheld()
        #expect(handOverGap < Self.lease, "a handed-over camera went \(handOverGap) without a holder (joined in \(joined))")

        // c dies holding two cameras: a and b take them soon after c's leases run out.
        await harness.kill("c")
        let failover = try await harness.run(until: "a and b holding c's cameras", within: .seconds(10)) {
            harness.fleet.shares() == ["a": 3, "b": 3]
        }
        let failoverGap = harness.longestUnheld()
        // c's leases had up to a whole lease left when it died.
        #expect(failover <= Self.lease * 2, "took \(failover) after c died")
        #expect(failoverGap <= Self.lease, "a camera of c's went \(failoverGap) without a holder")
        #expect(await harness.handOvers() == 2, "nothing else moved")
        await harness.stopAll()
    }

    @Test func camerasNobodyElseHasRoomForStayWithTheWorkerThatTookThem() async throws {
        let harness = Harness()
        for camera in Self.cameras { try await harness.store.saveCamera(camera) }
        // A worker whose share is full of cameras it does not count (its view of the fleet is
        // stale): a's share is 3, but nobody else will take the other three.
        harness.fleet.registry.announce(WorkerStatus(
            name: "stale", capacity: 400,
            cameras: Self.cameras.suffix(3).map { .init(tenantID: Tenant.defaultID, cameraID: $0.id, analysisRate: 5) }, target: 3,
            startedAt: .distantPast, announcedAt: .distantPast), ttl: .seconds(600))
        harness.start("a")
        let counted = try await harness.run(until: "a counting every camera", within: .seconds(12)) {
            harness.fleet.shares() == ["a": 6]
        }
        // The three above a's share were free for a whole lease, so a took them; they stay.
        _ = try await harness.run(until: "six more seconds", within: .seconds(7)) { harness.clock.now.offset >= counted + .seconds(6) }
        #expect(harness.fleet.shares() == ["a": 6])
        #expect(await harness.handOvers() == 0)
        #expect(try await harness.fleet.workers().first?.target == 3)
        await harness.stopAll()
    }

    @Test func aWorkerWithTwiceTheCapacityCountsTwiceAsMany() async throws {
        let harness = Harness()
        for camera in Self.cameras { try await harness.store.saveCamera(camera) }
        let registry = PrometheusCollectorRegistry()
        harness.start("big", capacity: 800, metrics: PipelineMetrics(factory: PrometheusMetricsFactory(registry: registry)))
        harness.start("small", capacity: 400)
        let shared = try await harness.run(until: "the cameras shared 4 to 2", within: .seconds(10)) {
            harness.fleet.shares() == ["big": 4, "small": 2]
        }
        // Another round of announcements says so.
        _ = try await harness.run(until: "a round later", within: .seconds(3)) { harness.clock.now.offset >= shared + .seconds(1) }
        let status = try await harness.fleet.workers()
        #expect(status.map(\.name) == ["big", "small"])
        #expect(status.map(\.target) == [4, 2])
        #expect(status.map(\.cameras.count) == [4, 2])
        #expect(status.map(\.load) == [20, 10])
        let exposed = registry.emitToString()
        #expect(exposed.contains("footfall_worker_cameras 4"), "\(exposed)")
        #expect(exposed.contains("footfall_worker_share 4"))
        await harness.stopAll()
    }
}
