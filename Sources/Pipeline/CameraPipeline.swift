import CountingCore
import FootfallSupport
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Storage
import Vision

/// One camera: decode → detect → track → count → store and publish, as a `Service`.
///
/// The counting state of a run lives in `CameraRun` (a value type); this service feeds it
/// frames and carries out what it returns. Crossings go to the crossing sink as they happen
/// (idempotently, keyed by camera, line, run, track and time) and stay in the run's outbox
/// until the sink takes them; per-minute results are stored when each minute closes and at
/// shutdown; status changes are stored as camera events. A camera whose source is `external`
/// reads the detections a smart camera pushes through the API instead of decoding video.
public struct CameraPipeline: Service {
    public let camera: Camera
    public let configuration: CameraPipelineConfiguration
    private let source: CameraSource
    private let store: any CountStore & CameraEventStore & ModelStore
    private let sink: any CrossingSink
    private let inbox: (any DetectionInbox)?
    private let checkpoints: (any CameraCheckpoints)?
    private let bus: any EventBus
    private let live: any LiveStateStore
    private let metrics: PipelineMetrics
    private let logger: Logger
    private let clock: AnyClock
    private let now: @Sendable () -> Date
    /// Where a change of lines and zones arrives while the pipeline runs.
    public let geometryFeed: GeometryFeed

    /// - Parameters:
    ///   - sink: where crossings go; by default straight into `store`.
    ///   - inbox: where pushed detections arrive, for `external` cameras.
    ///   - checkpoints: where an `external` camera's counting is kept for its next holder, when the inbox is durable.
    ///   - clock: times stalls and the quiet camera's heartbeat (tests pass a manual clock).
    ///   - now: the wall clock that dates events and decides when a day ends.
    ///   - geometryFeed: where changed lines and zones arrive; one is made from `camera` if none is given.
    public init(camera: Camera, configuration: CameraPipelineConfiguration, store: any CountStore & CameraEventStore & ModelStore,
                sink: (any CrossingSink)? = nil, inbox: (any DetectionInbox)? = nil, checkpoints: (any CameraCheckpoints)? = nil,
                bus: any EventBus, live: any LiveStateStore, metrics: PipelineMetrics, logger: Logger,
                clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = Date.init,
                geometryFeed: GeometryFeed? = nil) {
        self.camera = camera
        self.configuration = configuration
        self.source = camera.sourceKind
        self.store = store
        self.sink = sink ?? DirectCrossingSink(store: store) { [logger, id = camera.id] fenced in
            logger.warning("pipeline.crossings_fenced", metadata: ["camera.id": "\(id)", "crossings.fenced": "\(fenced)"])
        }
        self.inbox = inbox
        self.checkpoints = checkpoints
        self.bus = bus
        self.live = live
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "camera.id"] = "\(camera.id)"
        self.logger = logger
        self.clock = AnyClock(clock)
        self.now = now
        self.geometryFeed = geometryFeed ?? GeometryFeed(version: camera.geometryVersion, geometry: camera.geometry)
    }

    public func run() async throws {
        try await run(lease: nil)
    }

    /// Removes the camera's gauges from this process's metrics: called when the process gives
    /// the camera up (removed, or its lease held by another process).
    public func forgetMetrics() {
        metrics.forget(camera: camera.id, zones: geometryFeed.latest.geometry.zones.map(\.name))
    }

    /// Runs the pipeline; with a lease, its fencing token names the run, so crossings counted
    /// under an older lease can be told from newer ones. `stop` ends the run early, as the end
    /// of the stream would (nothing held is lost), with its reason in the last status.
    public func run(lease: CameraLease?, stop: PipelineStopSignal? = nil) async throws {
        let start = now()
        // The latest lines and zones, which may have changed since the camera was read.
        var camera = self.camera
        (camera.geometryVersion, camera.geometry) = geometryFeed.latest
        // Today's totals so far come first, so the first state anyone sees already has them.
        var run = CameraRun(camera: camera, runID: lease.map { "L\($0.token)" } ?? String(Int64(start.timeIntervalSince1970 * 1000)),
                            start: start, storedToday: await storedTotals(on: start),
                            countingDelay: configuration.counting.countingDelaySeconds, leaseToken: lease?.token)
        if lease != nil { metrics.leaseHeld(camera: camera.id).record(1) }
        defer { metrics.runEnded(camera: camera.id) }
        if let directory = configuration.spoolDirectory { openSpool(in: directory, run: &run) }
        // A pushed camera's checkpoints are claimed before the store's fence goes up: from the
        // fence on, the store drops what the last holder still counts, so by then it must no
        // longer be able to write a checkpoint and acknowledge those frames.
        var claimed: CameraCheckpoint?
        if source == .external, let inbox, inbox.isDurable, let checkpoints {
            do {
                claimed = try await claim(checkpoints, run: run)
            } catch {
                await fail(with: error, run: &run)
                throw error
            }
        }
        if let lease {
            // The fence goes up before anything is counted: from now on the store refuses what
            // an earlier holder of the camera counts. It is dated after the claim, not at the
            // run's start: until the claim the last holder could still write a checkpoint, and
            // what that checkpoint covers this run does not count again, so the store must keep
            // it. Without the store the lease's timing is the only guard, so counting goes on.
            do {
                guard try await store.recordLease(cameraID: camera.id, token: lease.token, acquiredAt: now()) else {
                    // The store has seen a newer lease: everything counted under this one would be
                    // refused. Stop, so that the camera is taken again under a newer token.
                    logger.error("camera.lease_behind_fence", metadata: ["lease.token": "\(lease.token)"])
                    await report(.failed, reason: "the store knows a newer lease of this camera", run: &run)
                    throw PipelineError.leaseLost(cameraID: camera.id)
                }
            } catch let error as PipelineError {
                throw error
            } catch {
                logger.warning("camera.lease_record_failed", metadata: ["error": "\(error)", "lease.token": "\(lease.token)"])
            }
        }
        run.modelMinutes = configuration.model.map { ModelMinuteAccumulator(cameraID: camera.id, model: $0) }
        if let model = configuration.model {
            // Listed with what is known of it, before any figure registers it with less.
            do {
                try await store.registerModel(model)
            } catch {
                logger.warning("camera.register_model_failed", metadata: ["error": "\(error)", "model.name": "\(model.name)"])
            }
        }
        await report(.connecting, reason: nil, run: &run)
        logger.info("camera.starting", metadata: ["camera.source": "\(VideoInfo.redacted(camera.source))"])
        var analyzer: FrameAnalyzer
        do {
            let detector: any PersonDetector = source == .external ? PushedDetections() : try configuration.detector.makeDetector()
            analyzer = FrameAnalyzer(detector: detector, geometry: camera.geometry, counting: configuration.counting)
        } catch {
            await report(.failed, reason: error.description, run: &run)
            logger.error("camera.detector_failed", metadata: ["error": "\(error)"])
            throw PipelineError.vision(error)
        }
        switch source {
        case .external: try await runExternal(run: &run, analyzer: &analyzer, claimed: claimed, stop: stop)
        case .file, .stream: try await runVideo(run: &run, analyzer: &analyzer, stop: stop)
        }
    }

    private func runVideo(run: inout CameraRun, analyzer: inout FrameAnalyzer, stop: PipelineStopSignal?) async throws {
        let queue = FrameQueue(capacity: configuration.queueCapacity,
                               policy: configuration.latestFrameWins ? .latestWins : .blocking)
        let reader = FrameReaderThread(source: camera.source, realTime: configuration.realTime,
                                       loop: configuration.loop, rtspTransport: configuration.rtspTransport,
                                       decoder: configuration.decoder, openTimeout: configuration.openTimeout,
                                       // The frames the gate below would skip need no conversion.
                                       keepRate: configuration.analysisRate, queue: queue) { [logger, configuration] info in
            logger.info("camera.opened", metadata: ["video.width": "\(info.width)", "video.height": "\(info.height)",
                                                   "video.fps": "\(info.frameRate)",
                                                   "video.decoder": "\(configuration.decoder.rawValue)"])
        }
        stop?.onStop { reader.stop() }
        var gate = AnalysisGate(rate: configuration.analysisRate, minimumRate: configuration.minimumAnalysisRate)
        do {
            try await withGracefulShutdownHandler {
                try await withTaskCancellationHandler {
                    while let frame = try await nextFrame(queue, reader: reader) {
                        switch gate.admit(time: frame.time, behind: configuration.inference?.isBehind ?? false) {
                        case .skip:
                            continue
                        case .shed:
                            run.shed += 1
                            metrics.framesShed(camera: camera.id).increment()
                            continue
                        case .analyse:
                            break
                        }
                        run.lastAnalysed = frame.time
                        try await process(frame, run: &run, analyzer: &analyzer)
                        let dropped = queue.dropped
                        metrics.frameQueueDepth(camera: camera.id).record(queue.depth)
                        run.noteDropped(total: dropped, shed: run.shed, at: run.live.updated ?? Date())
                        if dropped > run.droppedReported {
                            metrics.framesDropped(camera: camera.id).increment(by: dropped - run.droppedReported)
                            run.droppedReported = dropped
                        }
                    }
                } onCancel: {
                    reader.stop()
                }
            } onGracefulShutdown: {
                reader.stop()
            }
        } catch is CancellationError {
            // Cancelled (a frame waiting for detection, or for the decoder): a stop, not a failure.
            reader.stop()
        } catch {
            reader.stop()
            await reader.join()
            await fail(with: error, run: &run)
            throw error
        }
        await reader.join()
        await finish(run: &run)
        await report(.offline, reason: stop?.reason ?? "stream ended", run: &run)
        logger.info("camera.stopped", metadata: ["frames": "\(run.frames)"])
    }

    /// What the external loop waits for: a batch, a once-a-second tick, or the end of the inbox.
    private enum InboxEvent: Sendable {
        case batch(PushedBatch)
        case tick
        case ended((any Error)?)
    }

    /// Counts the detections a smart camera pushes, until shutdown or a stall.
    ///
    /// With a durable inbox the run starts from the camera's checkpoint, if one is kept, and
    /// writes one every `checkpointInterval` seconds of the camera's stream (and once a second
    /// of quiet), when no crossing counted so far is held for delivery; only then are the
    /// batches it covers acknowledged.
    /// A worker that dies leaves its unacknowledged batches to the next holder, which counts
    /// them again from the checkpoint into the same crossings (same ids, stored once).
    /// `claimed`: the camera's checkpoint claimed for this run, when its inbox is durable.
    private func runExternal(run: inout CameraRun, analyzer: inout FrameAnalyzer, claimed: CameraCheckpoint?,
                             stop: PipelineStopSignal?) async throws {
        guard let inbox else {
            let error = PipelineError.noDetectionInbox(cameraID: camera.id)
            await report(.failed, reason: error.description, run: &run)
            throw error
        }
        let subscription: DetectionSubscription
        do {
            subscription = try await inbox.receive(cameraID: camera.id)
        } catch {
            await fail(with: error, run: &run)
            throw error
        }
        let batches = subscription.batches
        let checkpoints = inbox.isDurable ? self.checkpoints : nil
        if let claimed { await resume(from: claimed, run: &run, analyzer: &analyzer) }
        var checkpointer = Checkpointer(checkpoints: checkpoints, checkpointedAt: run.lastAnalysed)
        // Batches and a once-a-second tick share one stream, so a camera that stops pushing is
        // noticed as stalled while the loop waits.
        let (events, events_) = AsyncStream.makeStream(of: InboxEvent.self)
        stop?.onStop { events_.finish() }
        let timeout = configuration.stallTimeout
        let clock = self.clock
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await batch in batches { events_.yield(.batch(batch)) }
                        events_.yield(.ended(nil))
                    } catch {
                        events_.yield(.ended(error))
                    }
                    events_.finish()
                }
                group.addTask {
                    while true {
                        try await clock.sleep(for: .seconds(1))
                        events_.yield(.tick)
                    }
                }
                defer { group.cancelAll() }
                var lastBatch = clock.now
                try await withGracefulShutdownHandler {
                    for await event in events {
                        // Asked to stop (a lost lease, a hand-over) or cancelled: the batches still
                        // waiting here stay unacknowledged for the next holder. Counting them
                        // would only fail to store and deliver, and under load a backlog of them
                        // kept a worker busy for minutes after it had lost the camera.
                        if stop?.reason != nil || Task.isCancelled { break }
                        switch event {
                        case .batch(let pushed):
                            lastBatch = clock.now
                            try await process(pushed.batch, run: &run, analyzer: &analyzer)
                            checkpointer.unacknowledged = pushed
                            if run.lastAnalysed - checkpointer.checkpointedAt >= configuration.checkpointInterval {
                                try await checkpoint(&checkpointer, run: run, engine: analyzer.engine)
                            }
                        case .tick:
                            if lastBatch.duration(to: clock.now) > timeout {
                                throw PipelineError.stalled(seconds: timeout.inSeconds)
                            }
                            // A quiet camera still shows it is alive (the shared cache's heartbeat),
                            // and its totals still start again at midnight.
                            run.startNewDayIfDue(at: now(), engine: analyzer.engine)
                            await live.put(run.live)
                            // Its open minute is stored now rather than when its next frame comes.
                            if lastBatch.duration(to: clock.now) >= .seconds(3) {
                                let quiet = run.drainQuietMinutes(at: now())
                                if !quiet.isEmpty { await storeResults(quiet, run: &run) }
                            }
                            try await checkpoint(&checkpointer, run: run, engine: analyzer.engine)
                        case .ended(let error):
                            if let error { throw PipelineError.inboxFailed(cameraID: camera.id, reason: "\(error)") }
                            return
                        }
                    }
                } onGracefulShutdown: {
                    events_.finish()
                }
            }
        } catch is CancellationError {
            // Shutdown: finish as a video camera does at the end of its stream.
        } catch {
            await fail(with: error, run: &run)
            await subscription.close()
            throw error
        }
        await finish(run: &run)
        // What was counted is delivered now (or kept on disk): the next holder starts here. The
        // acknowledgement usually fails (stopping the reader above closed the consumer), so the
        // next holder gets those frames again and skips them as counted.
        try? await checkpoint(&checkpointer, run: run, engine: analyzer.engine)
        await subscription.close()
        await report(.offline, reason: stop?.reason ?? "stopped", run: &run)
        logger.info("camera.stopped", metadata: ["frames": "\(run.frames)"])
    }

    /// Where a pushed camera's checkpoints stand in one run.
    private struct Checkpointer {
        let checkpoints: (any CameraCheckpoints)?
        /// Stream time of the last batch covered by a checkpoint.
        var checkpointedAt: Double
        /// The last batch counted and not yet acknowledged.
        var unacknowledged: PushedBatch?
    }

    /// Writes a checkpoint and acknowledges the batches it covers, when there are some and every
    /// crossing counted so far is delivered. A checkpoint refused because a newer lease claimed the
    /// camera means another worker has it: this run stops. One that cannot be written now is
    /// tried again with a later batch; until then the batches stay unacknowledged.
    private func checkpoint(_ checkpointer: inout Checkpointer, run: CameraRun, engine: CountingEngine) async throws {
        guard let pushed = checkpointer.unacknowledged, run.outbox.isEmpty else { return }
        if let checkpoints = checkpointer.checkpoints {
            let state = PushedCameraCheckpoint(runID: run.runID, start: run.start, lastAnalysed: run.lastAnalysed,
                                               geometryVersion: run.geometryVersion, engine: engine,
                                               crossingOrdinals: run.crossingOrdinals, minutes: run.pendingMinutes)
            do {
                guard try await checkpoints.save(try state.encoded(cameraID: camera.id, leaseToken: run.leaseToken ?? 0)) else {
                    logger.error("camera.checkpoint_refused", metadata: ["lease.token": "\(run.leaseToken ?? 0)"])
                    throw PipelineError.leaseLost(cameraID: camera.id)
                }
            } catch let error as PipelineError {
                throw error
            } catch {
                metrics.checkpointErrors(camera: camera.id).increment()
                logger.warning("camera.checkpoint_failed", metadata: ["error": "\(error)"])
                return
            }
        }
        do {
            try await pushed.acknowledge()
        } catch {
            // The inbox reconnected: the batches come again, and are skipped as already counted.
            logger.debug("camera.acknowledge_failed", metadata: ["error": "\(error)"])
        }
        checkpointer.unacknowledged = nil
        checkpointer.checkpointedAt = run.lastAnalysed
    }

    /// Claims the camera's checkpoints for this run's lease, so that an older holder can no
    /// longer write one, and returns the latest. Throws `leaseLost` when a newer lease has
    /// claimed the camera, and the checkpoint store's error when the claim cannot be made (the
    /// run is started again later).
    private func claim(_ checkpoints: any CameraCheckpoints, run: CameraRun) async throws -> CameraCheckpoint? {
        do {
            switch try await checkpoints.claim(cameraID: camera.id, leaseToken: run.leaseToken ?? 0) {
            case .granted(let checkpoint):
                return checkpoint
            case .refused:
                logger.error("camera.checkpoint_claim_refused", metadata: ["lease.token": "\(run.leaseToken ?? 0)"])
                throw PipelineError.leaseLost(cameraID: camera.id)
            }
        } catch let error as PipelineError {
            throw error
        } catch {
            metrics.checkpointErrors(camera: camera.id).increment()
            logger.warning("camera.checkpoint_unavailable", metadata: ["error": "\(error)"])
            throw error
        }
    }

    /// Takes up the claimed checkpoint, unless it does not decode or was counted with other
    /// settings: then counting starts afresh.
    private func resume(from kept: CameraCheckpoint, run: inout CameraRun, analyzer: inout FrameAnalyzer) async {
        guard let checkpoint = PushedCameraCheckpoint.decoded(kept),
              checkpoint.engine.configuration == configuration.counting else {
            logger.warning("camera.checkpoint_skipped", metadata: ["lease.token": "\(kept.leaseToken)"])
            return
        }
        let upTo = checkpoint.start.addingTimeInterval(checkpoint.lastAnalysed)
        let current = analyzer.engine.geometry
        run.resume(from: checkpoint, storedToday: await storedTotals(on: upTo, through: upTo))
        analyzer.resume(with: checkpoint.engine)
        // Lines and zones changed since: counted from here as a change while running would be.
        if analyzer.engine.geometry != current { analyzer.setGeometry(current) }
        logger.info("camera.resumed", metadata: ["lease.token": "\(kept.leaseToken)", "camera.run": "\(checkpoint.runID)"])
    }

    private func fail(with error: any Error, run: inout CameraRun) async {
        await finish(run: &run)
        let status: CameraStatus = switch error {
        case PipelineError.stalled: .stalled
        case is PipelineError: .failed
        default: .offline
        }
        await report(status, reason: "\(error)", run: &run)
        logger.error("camera.source_failed", metadata: ["error": "\(error)"])
    }

    /// The crossings already stored today (by an earlier run or another worker), per line.
    /// `through`: up to this time only (by default a second past `start`).
    private func storedTotals(on start: Date, through end: Date? = nil) async -> [String: CrossingTotals] {
        do {
            return try await store.crossingTotals(cameraID: camera.id, from: LiveTotals.utcDay(of: start),
                                                  to: end ?? start.addingTimeInterval(1))
        } catch {
            logger.warning("camera.totals_unavailable", metadata: ["error": "\(error)"])
            return [:]
        }
    }

    /// The next frame, or nil at the end; throws `stalled` when none comes within the stall timeout.
    private func nextFrame(_ queue: FrameQueue, reader: FrameReaderThread) async throws -> Frame? {
        let timeout = configuration.stallTimeout
        do {
            return try await withTimeout(timeout, clock: clock) { try await queue.next() }
        } catch is TimeoutError {
            // Stalled: stopping the reader also ends the pending `next()`.
            reader.stop()
            throw PipelineError.stalled(seconds: timeout.inSeconds)
        }
    }

    /// Detector failures in a row after which the run ends and the supervisor takes over.
    static let maximumDetectorFailures = 25

    /// Switches to lines and zones changed since the last frame, if any.
    private func followGeometry(run: inout CameraRun, analyzer: inout FrameAnalyzer) {
        let latest = geometryFeed.latest
        guard latest.version > run.geometryVersion else { return }
        let before = analyzer.engine
        analyzer.setGeometry(latest.geometry)
        run.changeGeometry(latest.geometry, version: latest.version, before: before, after: analyzer.engine)
        logger.info("camera.geometry_changed", metadata: ["camera.geometry_version": "\(latest.version)"])
    }

    private func process(_ frame: Frame, run: inout CameraRun, analyzer: inout FrameAnalyzer) async throws {
        followGeometry(run: &run, analyzer: &analyzer)
        if run.live.frameWidth != frame.width || run.live.frameHeight != frame.height {
            run.setFrameSize(width: frame.width, height: frame.height)
        }
        let events: [CountingEvent]
        do {
            if let inference = configuration.inference {
                events = try await analyzer.analyze(frame, on: inference)
            } else {
                events = try analyzer.analyze(frame)
            }
            run.detectorFailuresInARow = 0
            let figures = analyzer.lastDetection
            run.modelMinutes?.addFrame(at: run.start.addingTimeInterval(frame.time), seconds: figures.seconds,
                                       regions: figures.regions, detections: figures.detections)
        } catch let error as VisionError {
            run.detectorFailuresInARow += 1
            run.modelMinutes?.addFailure(at: run.start.addingTimeInterval(frame.time), message: error.description)
            await storeModelMinutes(endingBy: run.start.addingTimeInterval(frame.time), run: &run)
            logger.error("camera.detect_failed", metadata: ["error": "\(error)"])
            if run.detectorFailuresInARow >= Self.maximumDetectorFailures {
                await report(.failed, reason: error.description, run: &run)
                throw PipelineError.vision(error)
            }
            return
        }
        // The pictures first: once the live state shows the frame, its picture is there to fetch.
        if frame.time - run.lastSnapshot >= configuration.snapshotInterval {
            run.lastSnapshot = frame.time
            do {
                let jpeg = try SnapshotRenderer.jpeg(frame: frame, geometry: analyzer.engine.geometry, tracks: analyzer.engine.tracks)
                await live.putSnapshot(cameraID: camera.id, jpeg: jpeg)
                // Everyone tracked, confirmed or not, is pixelated in the picture that may be stored.
                let blurred = try SnapshotRenderer.jpeg(frame: frame.pixelating(analyzer.engine.tracks.map(\.box)),
                                                        geometry: analyzer.engine.geometry, tracks: [])
                await live.putSnapshot(cameraID: camera.id, kind: .blurred, jpeg: blurred)
            } catch {
                logger.warning("camera.snapshot_failed", metadata: ["error": "\(error)"])
            }
        }
        if frame.time - run.lastPlainSnapshot >= configuration.plainSnapshotInterval {
            run.lastPlainSnapshot = frame.time
            do {
                let jpeg = try SnapshotRenderer.jpeg(frame: frame, geometry: Geometry(), tracks: [])
                await live.putSnapshot(cameraID: camera.id, kind: .plain, jpeg: jpeg)
            } catch {
                logger.warning("camera.snapshot_failed", metadata: ["error": "\(error)"])
            }
        }
        await publish(run.record(events, streamTime: frame.time, engine: analyzer.engine, countedAt: now()), run: &run)
        await storeModelMinutes(endingBy: run.start.addingTimeInterval(frame.time), run: &run)
    }

    /// One pushed frame: its time is the camera's clock; a batch older than the last is dropped,
    /// since the tracker only moves forward.
    private func process(_ batch: DetectionBatch, run: inout CameraRun, analyzer: inout FrameAnalyzer) async throws {
        let time = batch.time.timeIntervalSince(run.start)
        guard time > run.lastAnalysed else {
            metrics.framesDropped(camera: camera.id).increment()
            return
        }
        run.lastAnalysed = time
        followGeometry(run: &run, analyzer: &analyzer)
        let events = analyzer.step(detections: batch.detections, time: time)
        await publish(run.record(events, streamTime: time, engine: analyzer.engine, countedAt: now()), run: &run)
    }

    /// Carries out what one analysed frame produced: stores, publishes, counts metrics.
    private func publish(_ output: CameraRun.FrameOutput, run: inout CameraRun) async {
        metrics.framesAnalysed(camera: camera.id).increment()
        if output.cameOnline {
            await recordStatusChange(.online, reason: nil)
        }
        for message in output.messages {
            switch message {
            case .crossing(let crossing):
                metrics.crossings(camera: camera.id, line: crossing.line, direction: crossing.direction.rawValue).increment()
            case .occupancy(let occupancy):
                metrics.occupancy(camera: camera.id, zone: occupancy.zone).record(occupancy.occupancy)
            case .status, .camera, .alert:
                break
            }
        }
        if !run.outbox.isEmpty { await deliverCrossings(&run) }
        if !output.closedMinutes.isEmpty { await storeResults(output.closedMinutes, run: &run) }
        await live.put(run.live)
        for message in output.messages { await bus.publish(message) }
    }

    private func deliverCrossings(_ run: inout CameraRun) async {
        defer { metrics.crossingsHeld(camera: camera.id).record(run.outbox.pending.count) }
        // On disk first, so that a process killed during the delivery loses nothing.
        let pending = run.outbox.pending
        spool(&run) { try $0.write(pending) }
        do {
            try await sink.deliver(run.outbox.pending)
            run.outbox.delivered()
            spool(&run) { try $0.delivered() }
        } catch let error as StorageError where error.isInvalidInput {
            // Trying again cannot help (the camera was deleted, say), and would hold up every
            // later crossing: count them as dropped and say why.
            let refused = run.outbox.refused()
            spool(&run) { try $0.delivered() }
            metrics.storeErrors(camera: camera.id).increment()
            metrics.crossingsDropped(camera: camera.id).increment(by: refused)
            logger.error("camera.crossings_refused", metadata: ["error": "\(error)", "camera.crossings": "\(refused)"])
        } catch {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.deliver_crossings_failed", metadata: ["error": "\(error)", "camera.crossings": "\(run.outbox.pending.count)"])
            // Kept for the next frame's attempt, but never beyond the outbox's capacity: with a
            // spool, a full outbox is left on disk for the drain and memory starts afresh; without
            // one, the oldest are given up.
            if let directory = configuration.spoolDirectory, run.spool != nil, run.outbox.pending.count > run.outbox.capacity {
                run.spool?.close()
                run.spool = nil
                run.outbox.leftOnDisk()
                openSpool(in: directory, run: &run, adopting: false)
                logger.warning("camera.spool_rotated", metadata: ["spool.directory": "\(directory)"])
            } else {
                let dropped = run.outbox.failed()
                if dropped > 0 { metrics.crossingsDropped(camera: camera.id).increment(by: dropped) }
            }
        }
    }

    /// Opens the run's spool, and takes over what earlier runs of the camera left in theirs:
    /// their crossings join the outbox (and the new spool) before the old files go.
    private func openSpool(in directory: String, run: inout CameraRun, adopting: Bool = true) {
        let leftovers = adopting ? CrossingSpool.files(in: directory, cameraID: camera.id) : []
        do {
            run.spool = try CrossingSpool(directory: directory, cameraID: camera.id, runID: run.runID)
        } catch {
            logger.error("camera.spool_failed", metadata: ["error": "\(error)"])
            return
        }
        // Files a live run or the drain holds are theirs; unreadable ones stay for the drain.
        var claims: [CrossingSpool.Claim] = []
        var adopted = 0
        for file in leftovers {
            guard let claim = CrossingSpool.Claim(path: file) else { continue }
            guard let crossings = try? claim.read() else {
                claim.release(removing: false)
                continue
            }
            for crossing in crossings { run.outbox.add(crossing) }
            adopted += crossings.count
            claims.append(claim)
        }
        guard !claims.isEmpty else { return }
        let pending = run.outbox.pending
        spool(&run) { try $0.write(pending) }
        // Removed only once their crossings are safe in the new file.
        let safe = run.spool != nil
        for claim in claims { claim.release(removing: safe) }
        if adopted > 0 { logger.info("camera.spool_adopted", metadata: ["camera.crossings": "\(adopted)"]) }
    }

    /// Does `operation` on the run's spool; a spool that fails is given up (logged), and the
    /// crossings stay in memory as without one.
    private func spool(_ run: inout CameraRun, _ operation: (inout CrossingSpool) throws -> Void) {
        guard var spool = run.spool else { return }
        do {
            try operation(&spool)
            run.spool = spool
        } catch {
            logger.error("camera.spool_failed", metadata: ["error": "\(error)", "spool.file": "\(spool.path)"])
            spool.close()
            run.spool = nil
        }
    }

    /// Stores minute results; those the store does not take now are tried again later, and
    /// those it never will (the camera was deleted, say) are given up, so that they do not
    /// hold up every later minute.
    private func storeResults(_ results: [CountingResult], run: inout CameraRun) async {
        do {
            try await store.addCountingResults(results)
        } catch let error as StorageError where error.isInvalidInput {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.results_refused", metadata: ["error": "\(error)", "results": "\(results.count)"])
        } catch {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.store_results_failed", metadata: ["error": "\(error)", "results": "\(results.count)"])
            run.notStored(results)
        }
    }

    private func finish(run: inout CameraRun) async {
        if !run.outbox.isEmpty { await deliverCrossings(&run) }
        // Emptied, the file goes; still holding crossings, it stays for the camera's next run
        // or the next start of the process.
        run.spool?.close()
        run.spool = nil
        let rest = run.drainMinutes()
        if !rest.isEmpty { await storeResults(rest, run: &run) }
        if let minutes = run.modelMinutes?.drainAll(), !minutes.isEmpty { await storeModelMinutes(minutes) }
    }

    /// Stores the model's figures for the minutes that ended by `date`.
    private func storeModelMinutes(endingBy date: Date, run: inout CameraRun) async {
        guard let minutes = run.modelMinutes?.drainMinutes(endingBy: date), !minutes.isEmpty else { return }
        await storeModelMinutes(minutes)
    }

    private func storeModelMinutes(_ minutes: [ModelMinute]) async {
        do {
            try await store.addModelMinutes(minutes)
        } catch {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.store_model_minutes_failed", metadata: ["error": "\(error)", "minutes": "\(minutes.count)"])
        }
    }

    /// Sets the status: live at once, published always, stored as an event only when it changed.
    private func report(_ status: CameraStatus, reason: String?, run: inout CameraRun) async {
        let changed = run.setStatus(status, reason: reason)
        metrics.cameraOnline(camera: camera.id).record(status == .online ? 1 : 0)
        await live.put(run.live)
        await bus.publish(.status(.init(cameraID: camera.id, status: status, reason: reason, time: now())))
        if changed { await storeEvent(status, reason: reason) }
    }

    /// A status change the run already made live (coming online with a frame): publish and store it.
    private func recordStatusChange(_ status: CameraStatus, reason: String?) async {
        metrics.cameraOnline(camera: camera.id).record(status == .online ? 1 : 0)
        await bus.publish(.status(.init(cameraID: camera.id, status: status, reason: reason, time: now())))
        await storeEvent(status, reason: reason)
    }

    private func storeEvent(_ status: CameraStatus, reason: String?) async {
        do {
            try await store.insertCameraEvent(CameraEvent(cameraID: camera.id, time: now(), status: status, reason: reason))
        } catch {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.store_event_failed", metadata: ["error": "\(error)", "camera.status": "\(status.rawValue)"])
        }
    }
}
