import FootfallSupport
import Logging
import Messaging
import ServiceLifecycle
import Storage

/// Runs every camera pipeline and restarts one that fails (or whose live stream ends), with
/// exponential backoff and jitter, without touching the others.
///
/// With leasing, a pipeline runs only while this worker holds the camera's lease, so that
/// several workers can be given every camera and each camera is counted by exactly one.
/// Every wait — backoff, lease retries, renewals and their deadlines — is on the injected
/// clock, so tests drive them with a manual clock.
public struct CameraSupervisor: Service {
    /// How cameras are shared with other workers.
    public struct Leasing: Sendable {
        public var leases: any CameraLeases
        /// This worker's name in the lease table.
        public var owner: String
        /// How long a lease lasts unless renewed; renewed every third of it.
        public var duration: Duration

        public init(leases: any CameraLeases, owner: String, duration: Duration = .seconds(10)) {
            self.leases = leases
            self.owner = owner
            self.duration = duration
        }
    }

    /// The cameras supervised from the start (a fixed list), if not read from a directory.
    public let pipelines: [CameraPipeline]
    private let roster: Roster?
    let leasing: Leasing?
    let announcing: Announcing?
    let logger: Logger
    private let backoff: Backoff
    let clock: AnyClock

    /// Where a supervisor with a directory finds its cameras and makes their pipelines.
    struct Roster: Sendable {
        var directory: any CameraDirectory
        var makePipeline: @Sendable (ManagedCamera) -> CameraPipeline
        /// Camera change notices (`LiveMessage.camera`) arrive here.
        var changes: (any EventBus)?
        /// How often the directory is read even without a notice.
        var refreshInterval: Duration
    }

    /// A run longer than this counts as healthy: the next failure waits only the initial delay again.
    static let healthyRun = Duration.seconds(60)

    /// Supervises a fixed list of pipelines.
    ///
    /// - Parameters:
    ///   - initialDelay: the wait before the first restart; each later one doubles, up to `maximumDelay`.
    ///   - clock: the clock every wait is measured on (tests pass a manual clock).
    public init(pipelines: [CameraPipeline], leasing: Leasing? = nil, announcing: Announcing? = nil, logger: Logger,
                initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(30),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.pipelines = pipelines
        self.roster = nil
        self.leasing = leasing
        self.announcing = announcing
        self.logger = logger
        // Jitter: cameras that failed together (a switch rebooted) do not all retry in step.
        self.backoff = Backoff(initial: initialDelay, maximum: maximumDelay, jitter: .proportional(0.2))
        self.clock = AnyClock(clock)
    }

    /// Supervises the cameras of `directory`, following its changes without a restart: a new
    /// camera starts, a deleted or disabled one stops (handing over what it holds), a camera
    /// whose settings changed restarts, and new lines and zones reach the running pipeline
    /// before its next frame. The directory is read again on every camera notice from
    /// `changes` and every `refreshInterval`.
    public init(directory: any CameraDirectory, makePipeline: @escaping @Sendable (ManagedCamera) -> CameraPipeline,
                changes: (any EventBus)? = nil, refreshInterval: Duration = .seconds(30), leasing: Leasing? = nil,
                announcing: Announcing? = nil, logger: Logger, initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(30),
                clock: any Clock<Duration> = ContinuousClock()) {
        self.pipelines = []
        self.roster = Roster(directory: directory, makePipeline: makePipeline, changes: changes, refreshInterval: refreshInterval)
        self.leasing = leasing
        self.announcing = announcing
        self.logger = logger
        self.backoff = Backoff(initial: initialDelay, maximum: maximumDelay, jitter: .proportional(0.2))
        self.clock = AnyClock(clock)
    }

    public func run() async throws {
        let (nudges, nudge) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let load = announcing.map { _ in WorkerLoad(changed: { nudge.yield() }) }
        await withDiscardingTaskGroup { group in
            if let announcing, let load {
                group.addTask { await announce(announcing, load: load, nudges: nudges) }
            }
            if let roster {
                await follow(roster, load: load)
            } else {
                load?.setCameraCount(pipelines.count)
                await withDiscardingTaskGroup { cameras in
                    for pipeline in pipelines {
                        let handle = CameraHandle(camera: ManagedCamera(tenantID: Tenant.defaultID, camera: pipeline.camera),
                                                  pipeline: pipeline)
                        cameras.addTask { await supervise(handle, load: load) }
                    }
                }
            }
            // Every camera has ended: so does the announcing.
            nudge.finish()
            group.cancelAll()
        }
    }

    /// Keeps the running cameras equal to the directory's, until graceful shutdown.
    private func follow(_ roster: Roster, load: WorkerLoad?) async {
        let (triggers, trigger) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                while await pause(roster.refreshInterval) { trigger.yield() }
            }
            if let bus = roster.changes {
                let messages = bus.subscribe()
                group.addTask {
                    try? await cancelWhenGracefulShutdown {
                        for await message in messages {
                            if case .camera = message { trigger.yield() }
                        }
                    }
                }
            }
            trigger.yield()
            var running: [String: CameraHandle] = [:]
            // Removed or disabled cameras whose runs may still be handing over: one added back
            // waits for its old run, so that two never count the same camera.
            var retiring: [String: CameraHandle] = [:]
            await withGracefulShutdownHandler {
                for await _ in triggers {
                    let desired: [ManagedCamera]
                    do {
                        desired = try await roster.directory.cameras()
                    } catch {
                        logger.warning("camera.directory_unavailable", metadata: ["error": "\(error)"])
                        continue
                    }
                    load?.setCameraCount(desired.count)
                    reconcile(desired, running: &running, retiring: &retiring, roster: roster, load: load, group: &group)
                }
            } onGracefulShutdown: {
                trigger.finish()
            }
        }
    }

    /// Starts, stops, restarts or updates cameras so that `running` matches `desired`.
    private func reconcile(_ desired: [ManagedCamera], running: inout [String: CameraHandle],
                           retiring: inout [String: CameraHandle], roster: Roster, load: WorkerLoad?,
                           group: inout DiscardingTaskGroup) {
        let wanted = Dictionary(desired.map { ($0.camera.id, $0) }, uniquingKeysWith: { first, _ in first })
        for (id, handle) in running where wanted[id] == nil {
            logger.info("camera.removed", metadata: ["camera.id": "\(id)"])
            handle.retire(reason: "the camera was removed or disabled")
            running[id] = nil
            retiring[id] = handle
        }
        for (id, camera) in wanted.sorted(by: { $0.key < $1.key }) {
            var previous = retiring.removeValue(forKey: id)
            if let handle = running[id] {
                guard handle.camera.needsRestart(for: camera) else {
                    // The lines and zones may have changed: the pipeline follows before its next frame.
                    handle.pipeline.geometryFeed.offer(version: camera.camera.geometryVersion, geometry: camera.camera.geometry)
                    continue
                }
                logger.info("camera.settings_changed", metadata: ["camera.id": "\(id)"])
                handle.retire(reason: "the camera's settings changed")
                previous = handle
            }
            let handle = CameraHandle(camera: camera, pipeline: roster.makePipeline(camera))
            running[id] = handle
            group.addTask { [previous] in
                // The old run hands over what it holds before the new one starts.
                await previous?.waitUntilFinished()
                await supervise(handle, load: load)
            }
        }
    }

    private func supervise(_ handle: CameraHandle, load: WorkerLoad?) async {
        defer {
            handle.pipeline.forgetMetrics()
            handle.markFinished()
        }
        let pipeline = handle.pipeline
        let cameraID = pipeline.camera.id
        let held = WorkerStatus.HeldCamera(tenantID: handle.camera.tenantID, cameraID: cameraID,
                                           analysisRate: pipeline.configuration.analysisRate ?? WorkerLoad.defaultAnalysisRate)
        var attempt = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully && handle.retiredReason == nil {
            let started = clock.now
            do {
                let stop: PipelineStopSignal
                if let leasing {
                    guard let lease = await acquire(cameraID, leasing: leasing, handle: handle, load: load) else { return }
                    stop = handle.nextRun()
                    load?.took(held, since: clock.now, stop: stop)
                    do {
                        try await run(pipeline, holding: lease, leasing: leasing, stop: stop)
                    } catch {
                        await release(lease, leasing: leasing)
                        load?.gaveUp(cameraID)
                        throw error
                    }
                    await release(lease, leasing: leasing)
                    load?.gaveUp(cameraID)
                } else {
                    stop = handle.nextRun()
                    load?.took(held, since: clock.now, stop: stop)
                    defer { load?.gaveUp(cameraID) }
                    try await pipeline.run(lease: nil, stop: stop)
                }
                if stop.reason == Self.handOverReason {
                    // Handed over to even out the load: another worker takes it within a lease.
                    attempt = 0
                    continue
                }
                guard pipeline.configuration.restartWhenEnded, handle.retiredReason == nil else { return }
                logger.info("camera.stream_ended", metadata: ["camera.id": "\(cameraID)"])
                attempt = 0
            } catch {
                // A camera that ran for a while before failing starts again from a short wait.
                if started.duration(to: clock.now) > Self.healthyRun { attempt = 0 }
                guard !Task.isCancelled && !Task.isShuttingDownGracefully && handle.retiredReason == nil else { return }
                logger.warning("camera.restarting", metadata: [
                    "camera.id": "\(cameraID)", "error": "\(error)",
                    "delay": "\(backoff.baseDelay(attempt: attempt + 1))",
                ])
            }
            attempt += 1
            guard await pause(backoff.delay(attempt: attempt)) else { return }
        }
    }

    /// Sleeps on the clock; false when shutdown or cancellation ended the wait.
    func pause(_ delay: Duration) async -> Bool {
        do {
            try await cancelWhenGracefulShutdown { try await clock.sleep(for: delay) }
            return true
        } catch {
            return false
        }
    }

    /// Waits until this worker holds the camera's lease; nil at shutdown or once the camera is retired.
    ///
    /// With a share (`load`), the worker asks for the camera only while below its share, unless
    /// nobody has held the camera for a whole lease: then no worker with room is taking it
    /// (their shares are stale, or they are gone), and counting it beats leaving it uncounted.
    private func acquire(_ cameraID: String, leasing: Leasing, handle: CameraHandle, load: WorkerLoad?) async -> CameraLease? {
        var freeSince: AnyClock.Instant?
        while !Task.isCancelled && !Task.isShuttingDownGracefully && handle.retiredReason == nil {
            var reserved = false
            do {
                reserved = try await mayAsk(cameraID, leasing: leasing, handle: handle, load: load, freeSince: &freeSince)
                if reserved {
                    if let lease = try await leasing.leases.acquire(cameraID: cameraID, owner: leasing.owner,
                                                                    duration: leasing.duration) {
                        logger.info("camera.lease_acquired", metadata: ["camera.id": "\(cameraID)", "lease.token": "\(lease.token)"])
                        return lease
                    }
                    load?.unreserve(cameraID)
                    // Another process counts the camera: its gauges here would say it is offline.
                    handle.pipeline.forgetMetrics()
                }
            } catch {
                if reserved { load?.unreserve(cameraID) }
                logger.warning("camera.lease_unavailable", metadata: ["camera.id": "\(cameraID)", "error": "\(error)"])
            }
            guard await pause(await nextAttempt(cameraID, leasing: leasing, wanted: reserved, freeWithoutRoom: freeSince != nil))
            else { return nil }
        }
        return nil
    }

    /// How long to wait before asking for the camera again. Held by another worker, it is
    /// asked for again just after that lease runs out unless renewed: at once when its holder
    /// died or froze, and otherwise about once a lease, which keeps a fleet's polling of the
    /// cameras it does not hold cheap. A worker with room for it (`wanted`), or a camera nobody
    /// holds, is asked for every third of a lease (with jitter), so cameras handed over to
    /// even out the load move quickly. A camera found free while this worker had no room for it
    /// (`freeWithoutRoom`: its holder died, and the shares are being worked out again) is asked
    /// for every half second until a worker takes it.
    private func nextAttempt(_ cameraID: String, leasing: Leasing, wanted: Bool, freeWithoutRoom: Bool) async -> Duration {
        if freeWithoutRoom { return .milliseconds(500) * Double.random(in: 0.8...1.2) }
        let round = leasing.duration / 3 * Double.random(in: 0.8...1.2)
        guard let left = try? await leasing.leases.timeLeft(cameraID: cameraID) else { return round }
        let expiry = left + .milliseconds(Int64.random(in: 10...150))
        return wanted ? min(round, expiry) : expiry
    }

    /// Whether to ask for the camera now (room reserved in `load`).
    private func mayAsk(_ cameraID: String, leasing: Leasing, handle: CameraHandle, load: WorkerLoad?,
                        freeSince: inout AnyClock.Instant?) async throws -> Bool {
        guard let load else { return true }
        if load.reserve(cameraID) { return true }
        // Before this worker knows its share, nobody has had a fair chance at the camera yet.
        guard load.target != nil else {
            freeSince = nil
            return false
        }
        guard let holder = try await leasing.leases.holder(cameraID: cameraID) else {
            let since = freeSince ?? clock.now
            freeSince = since
            guard since.duration(to: clock.now) >= leasing.duration else { return false }
            logger.info("camera.unclaimed", metadata: ["camera.id": "\(cameraID)"])
            return load.reserve(cameraID, force: true)
        }
        freeSince = nil
        if holder.owner != leasing.owner { handle.pipeline.forgetMetrics() }
        return false
    }

    /// Runs the pipeline while renewing its lease every third of its duration. When no renewal
    /// succeeded for half the duration (a renewal that hangs counts as failed), the pipeline is
    /// asked to stop — handing over what it holds — and cancelled if it has not stopped a
    /// quarter of the duration later, still before another worker could be given the camera.
    private func run(_ pipeline: CameraPipeline, holding lease: CameraLease, leasing: Leasing, stop: PipelineStopSignal)
        async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pipeline.run(lease: lease, stop: stop) }
            group.addTask { try await keep(lease, leasing: leasing, stop: stop) }
            defer { group.cancelAll() }
            // The first to end decides: the pipeline (ended, failed or stopped) or the lost lease.
            try await group.next()
        }
        let lost = PipelineError.leaseLost(cameraID: lease.cameraID)
        if stop.reason == lost.description { throw lost }
    }

    /// Renews until the lease is lost; then stops the pipeline and, after a last grace, throws.
    private func keep(_ lease: CameraLease, leasing: Leasing, stop: PipelineStopSignal) async throws {
        let clock = self.clock
        // When the last renewal that succeeded was sent: the lease runs at least until
        // then + duration, so stopping by then + duration / 2 leaves a margin.
        var renewed = clock.now
        while true {
            try await clock.sleep(for: leasing.duration / 3)
            let sent = clock.now
            let deadline = renewed.advanced(by: leasing.duration / 2)
            let outcome: Bool?
            do {
                // A renewal that hangs must not outlive the margin.
                outcome = try await withDeadline(deadline, clock: clock) { () async throws -> Bool? in
                    do {
                        return try await leasing.leases.renew(lease, duration: leasing.duration)
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        logger.warning("camera.lease_renew_failed",
                                       metadata: ["camera.id": "\(lease.cameraID)", "error": "\(error)"])
                        return nil
                    }
                }
            } catch is TimeoutError {
                outcome = false
            }
            if outcome == true {
                renewed = sent
                continue
            }
            // Failed fast: try again next round unless the margin is used up.
            if outcome == nil && clock.now < deadline { continue }
            logger.warning("camera.lease_lost", metadata: ["camera.id": "\(lease.cameraID)", "lease.token": "\(lease.token)"])
            stop.stop(reason: PipelineError.leaseLost(cameraID: lease.cameraID).description)
            try await clock.sleep(until: renewed.advanced(by: leasing.duration * 3 / 4))
            throw PipelineError.leaseLost(cameraID: lease.cameraID)
        }
    }

    /// Gives the camera up at once; if that fails (say, at shutdown) the lease simply expires.
    private func release(_ lease: CameraLease, leasing: Leasing) async {
        do {
            try await leasing.leases.release(lease)
            logger.info("camera.lease_released", metadata: ["camera.id": "\(lease.cameraID)"])
        } catch {
            logger.warning("camera.lease_release_failed", metadata: ["camera.id": "\(lease.cameraID)", "error": "\(error)"])
        }
    }
}
