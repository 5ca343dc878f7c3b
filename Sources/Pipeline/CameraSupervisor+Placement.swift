import Foundation
import Logging
import Messaging

extension CameraSupervisor {
    /// How a worker makes itself known to the fleet and shares the cameras with it.
    public struct Announcing: Sendable {
        /// Where the worker announces itself and reads the others.
        public var registry: any WorkerRegistry
        /// The worker's name (with leasing, the owner name of its leases).
        public var name: String
        /// Analysed frames per second this worker can carry; shares are in proportion to it.
        public var capacity: Double
        /// Where the cameras counted and the share are recorded (`footfall_worker_cameras`,
        /// `footfall_worker_share`); nil records nothing.
        public var metrics: PipelineMetrics?

        /// Announces `name` with `capacity` (analysed frames per second) in `registry`.
        public init(registry: any WorkerRegistry, name: String, capacity: Double, metrics: PipelineMetrics? = nil) {
            self.registry = registry
            self.name = name
            self.capacity = capacity
            self.metrics = metrics
        }
    }

    /// Why a camera's run stopped when it was handed to another worker.
    static let handOverReason = "handed over to another worker to share the cameras evenly"

    /// How often a worker announces itself: a third of a lease (or of 10 s without leasing).
    var announcementInterval: Duration { (leasing?.duration ?? .seconds(10)) / 3 }

    /// How long an announcement lasts: two rounds. A worker that died drops out before its
    /// leases run out, so the others have made room for its cameras by the time they are free.
    var announcementLifetime: Duration { announcementInterval * 2 }

    /// Announces this worker every `announcementInterval` (and when the number of cameras
    /// changes) until shutdown, then withdraws it.
    ///
    /// With leasing, each round from the second on also works out this worker's share from every
    /// worker's capacity and hands over the cameras above it, as many as the others have room
    /// for. The first round only announces: workers started together see each other before any
    /// takes a camera, so the first to start does not take them all only to hand most of them
    /// over again.
    func announce(_ announcing: Announcing, load: WorkerLoad, nudges: AsyncStream<Void>) async {
        let startedAt = Date()
        let (rounds, round) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                while await pause(announcementInterval) { round.yield() }
                round.finish()
            }
            group.addTask {
                for await _ in nudges { round.yield() }
                round.finish()
            }
            // Shares are worked out once the other workers have had a round to announce themselves.
            let sharing = clock.now.advanced(by: announcementInterval)
            round.yield()
            for await _ in rounds {
                await balance(announcing, load: load, startedAt: startedAt, share: clock.now >= sharing)
            }
            group.cancelAll()
        }
        do {
            try await announcing.registry.withdraw(name: announcing.name)
        } catch {
            logger.warning("worker.withdraw_failed", metadata: ["worker.name": "\(announcing.name)", "error": "\(error)"])
        }
    }

    /// One round: with leasing and `share`, set the share and hand over the surplus; then
    /// announce what this worker counts and aims for.
    private func balance(_ announcing: Announcing, load: WorkerLoad, startedAt: Date, share: Bool) async {
        do {
            if let cameras = load.cameraCount {
                if leasing == nil {
                    // Alone, without shared leases: it counts every camera.
                    _ = load.setTarget(cameras, handOverAtMost: 0)
                } else if share {
                    try await setShare(announcing, load: load, cameras: cameras)
                }
            }
            let status = WorkerStatus(name: announcing.name, capacity: announcing.capacity, cameras: load.heldCameras,
                                      target: load.target, startedAt: startedAt, announcedAt: Date())
            announcing.metrics?.workerCameras().record(status.cameras.count)
            if let target = status.target { announcing.metrics?.workerShare().record(target) }
            try await announcing.registry.announce(status, ttl: announcementLifetime)
        } catch {
            logger.warning("worker.announce_failed", metadata: ["worker.name": "\(announcing.name)", "error": "\(error)"])
        }
    }

    /// Works out this worker's share from every worker's capacity and hands over the cameras
    /// above it, as many as the others have room for.
    private func setShare(_ announcing: Announcing, load: WorkerLoad, cameras: Int) async throws {
        let workers = try await announcing.registry.workers()
        let target = FairShare.target(for: announcing.name, capacity: announcing.capacity, among: workers, cameras: cameras)
        let previous = load.target
        // Cameras go only where another worker has room below its share: a camera this worker
        // took because nobody else could stays until someone can take it.
        let room = workers.filter { $0.name != announcing.name }
            .reduce(0) { $0 + max(0, ($1.target ?? 0) - $1.cameras.count) }
        let surplus = load.setTarget(target, handOverAtMost: room)
        if previous != target {
            logger.info("worker.share_changed", metadata: [
                "worker.name": "\(announcing.name)", "worker.target": "\(target)", "worker.count": "\(workers.count)",
            ])
        }
        for (cameraID, stop) in surplus where stop.reason == nil {
            logger.info("camera.handing_over", metadata: ["camera.id": "\(cameraID)", "worker.target": "\(target)"])
            stop.stop(reason: Self.handOverReason)
        }
    }
}
