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
/// Crossings go to the crossing sink as they happen (idempotently, keyed by camera, line,
/// run, track and time), and stay queued until the sink takes them; per-minute results are
/// stored when each minute closes and at shutdown; status changes are stored as camera events.
/// A camera whose source is `external` reads the detections a smart camera pushes through the
/// API instead of decoding video.
public struct CameraPipeline: Service {
    /// The source of a camera that pushes its own detections.
    public static let externalSource = "external"

    public let camera: Camera
    public let configuration: CameraPipelineConfiguration
    private let store: any CountStore & CameraEventStore
    private let sink: any CrossingSink
    private let inbox: (any DetectionInbox)?
    private let bus: any EventBus
    private let live: any LiveStateStore
    private let metrics: PipelineMetrics
    private let logger: Logger
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - sink: where crossings go; by default straight into `store`.
    ///   - inbox: where pushed detections arrive, for `external` cameras.
    public init(camera: Camera, configuration: CameraPipelineConfiguration, store: any CountStore & CameraEventStore,
                sink: (any CrossingSink)? = nil, inbox: (any DetectionInbox)? = nil,
                bus: any EventBus, live: any LiveStateStore, metrics: PipelineMetrics, logger: Logger,
                clock: @escaping @Sendable () -> Date = Date.init) {
        self.camera = camera
        self.configuration = configuration
        self.store = store
        self.sink = sink ?? DirectCrossingSink(store: store)
        self.inbox = inbox
        self.bus = bus
        self.live = live
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "camera.id"] = "\(camera.id)"
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        try await run(lease: nil)
    }

    /// Runs the pipeline; with a lease, its fencing token names the run, so crossings counted
    /// under an older lease can be told from newer ones. `stop` ends the run early, as the end
    /// of the stream would (nothing held is lost), with its reason in the last status.
    public func run(lease: CameraLease?, stop: PipelineStopSignal? = nil) async throws {
        let start = clock()
        // Today's totals so far come first, so the first state anyone sees already has them.
        let totals = await storedTotals(on: start)
        var state = CameraLiveState(
            cameraID: camera.id, status: .connecting,
            lines: camera.geometry.lines.map { line in
                let base = totals.base[line.name] ?? (0, 0)
                return .init(name: line.name, countIn: base.in, countOut: base.out)
            },
            zones: camera.geometry.zones.map { .init(name: $0.name) })
        var status = StatusTracker()
        await setStatus(.connecting, reason: nil, state: &state, tracker: &status)
        logger.info("camera.starting", metadata: ["camera.source": "\(VideoInfo.redacted(camera.source))"])

        let isExternal = camera.source == Self.externalSource
        let analyzer: FrameAnalyzer
        do {
            let detector: any PersonDetector = isExternal ? PushedDetections() : try configuration.detector.makeDetector()
            analyzer = FrameAnalyzer(detector: detector, geometry: camera.geometry, counting: configuration.counting)
        } catch {
            await setStatus(.failed, reason: error.description, state: &state, tracker: &status)
            logger.error("camera.detector_failed", metadata: ["error": "\(error)"])
            throw PipelineError.vision(error)
        }
        var run = RunState(analyzer: analyzer, camera: camera, start: start,
                           runID: lease.map { "L\($0.token)" } ?? String(Int64(start.timeIntervalSince1970 * 1000)))
        run.status = status
        run.totals = totals
        if isExternal {
            try await runExternal(run: &run, state: &state, stop: stop)
        } else {
            try await runVideo(run: &run, state: &state, stop: stop)
        }
    }

    private func runVideo(run: inout RunState, state: inout CameraLiveState, stop: PipelineStopSignal?) async throws {
        let queue = FrameQueue(capacity: configuration.queueCapacity,
                               policy: configuration.latestFrameWins ? .latestWins : .blocking)
        let reader = FrameReaderThread(source: camera.source, realTime: configuration.realTime,
                                       loop: configuration.loop, rtspTransport: configuration.rtspTransport,
                                       queue: queue) { [logger] info in
            logger.info("camera.opened", metadata: ["video.width": "\(info.width)", "video.height": "\(info.height)",
                                                   "video.fps": "\(info.frameRate)"])
        }
        stop?.onStop { reader.stop() }
        do {
            try await withGracefulShutdownHandler {
                try await withTaskCancellationHandler {
                    while let frame = try await nextFrame(queue, reader: reader) {
                        if let rate = configuration.analysisRate, frame.time < run.lastAnalysed + 1 / rate - 1e-6 {
                            continue
                        }
                        run.lastAnalysed = frame.time
                        try await process(frame, run: &run, state: &state)
                        let dropped = queue.dropped
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
        } catch {
            reader.stop()
            await reader.join()
            await fail(with: error, run: &run, state: &state)
            throw error
        }
        await reader.join()
        await finish(run: &run)
        await setStatus(.offline, reason: stop?.reason ?? "stream ended", state: &state, tracker: &run.status)
        logger.info("camera.stopped", metadata: ["frames": "\(run.frames)"])
    }

    /// Counts the detections a smart camera pushes, until shutdown or a stall.
    private func runExternal(run: inout RunState, state: inout CameraLiveState, stop: PipelineStopSignal?) async throws {
        guard let inbox else {
            let error = PipelineError.noDetectionInbox(cameraID: camera.id)
            await setStatus(.failed, reason: error.description, state: &state, tracker: &run.status)
            throw error
        }
        let batches = inbox.receive(cameraID: camera.id)
        // Batches and a once-a-second tick (nil) share one stream, so a camera that stops
        // pushing is noticed as stalled while the loop waits.
        let (events, events_) = AsyncStream.makeStream(of: DetectionBatch?.self)
        stop?.onStop { events_.finish() }
        let timeout = configuration.stallTimeout
        let clock = ContinuousClock()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await batch in batches { events_.yield(batch) }
                    events_.finish()
                }
                group.addTask {
                    while true {
                        try await Task.sleep(for: .seconds(1))
                        events_.yield(nil)
                    }
                }
                defer { group.cancelAll() }
                var lastBatch = clock.now
                try await withGracefulShutdownHandler {
                    for await event in events {
                        if let batch = event {
                            lastBatch = clock.now
                            try await process(batch, run: &run, state: &state)
                        } else if lastBatch.duration(to: clock.now) > timeout {
                            let seconds = timeout.inSeconds
                            throw PipelineError.stalled(seconds: seconds)
                        } else {
                            // A quiet camera still shows it is alive (the shared cache's heartbeat),
                            // and its totals still start again at midnight.
                            rollOverDay(at: self.clock(), counting: [], run: &run, state: &state)
                            await live.put(state)
                        }
                    }
                } onGracefulShutdown: {
                    events_.finish()
                }
            }
        } catch is CancellationError {
            // Shutdown: finish as a video camera does at the end of its stream.
        } catch {
            await fail(with: error, run: &run, state: &state)
            throw error
        }
        await finish(run: &run)
        await setStatus(.offline, reason: stop?.reason ?? "stopped", state: &state, tracker: &run.status)
        logger.info("camera.stopped", metadata: ["frames": "\(run.frames)"])
    }

    private func fail(with error: any Error, run: inout RunState, state: inout CameraLiveState) async {
        await finish(run: &run)
        let status: CameraStatus = switch error {
        case PipelineError.stalled: .stalled
        case is PipelineError: .failed
        default: .offline
        }
        await setStatus(status, reason: "\(error)", state: &state, tracker: &run.status)
        logger.error("camera.source_failed", metadata: ["error": "\(error)"])
    }

    /// Live line totals count from the start of the current UTC day: the crossings already
    /// stored today (by an earlier run or another worker) are the starting point.
    private func storedTotals(on start: Date) async -> LineTotals {
        var totals = LineTotals(day: Self.utcDay(of: start))
        do {
            let stored = try await store.crossingTotals(cameraID: camera.id, from: totals.day, to: start.addingTimeInterval(1))
            for (line, counts) in stored { totals.base[line] = (counts.countIn, counts.countOut) }
        } catch {
            logger.warning("camera.totals_unavailable", metadata: ["error": "\(error)"])
        }
        return totals
    }

    static func utcDay(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    /// What one run of the pipeline keeps between frames.
    private struct RunState {
        var analyzer: FrameAnalyzer
        var minutes: MinuteAccumulator
        let start: Date
        let runID: String
        var frames = 0
        var lastSnapshot = -Double.infinity
        var rateWindowStart: Date
        var rateWindowFrames = 0
        var pendingCrossings: [CrossingRecord] = []
        var droppedReported = 0
        var lastAnalysed = -Double.infinity
        var detectorFailuresInARow = 0
        var status = StatusTracker()
        var totals = LineTotals()

        init(analyzer: FrameAnalyzer, camera: Camera, start: Date, runID: String) {
            self.analyzer = analyzer
            self.minutes = MinuteAccumulator(cameraID: camera.id, geometry: camera.geometry)
            self.start = start
            self.runID = runID
            self.rateWindowStart = start
        }
    }

    /// The last status stored, so that only changes become camera events.
    struct StatusTracker {
        var last: CameraStatus?
        var lastReason: String?
    }

    /// Today's totals per line: the engine counts since the run started; `base` holds what
    /// came before (stored crossings of the day, or minus the engine's totals at midnight).
    struct LineTotals {
        var day = Date(timeIntervalSince1970: 0)
        var base: [String: (in: Int, out: Int)] = [:]
    }

    /// The next frame, or nil at the end; throws `stalled` when none comes within the stall timeout.
    private func nextFrame(_ queue: FrameQueue, reader: FrameReaderThread) async throws -> Frame? {
        let timeout = configuration.stallTimeout
        return try await withThrowingTaskGroup(of: Frame??.self) { group in
            group.addTask { .some(try await queue.next()) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .none
            }
            defer { group.cancelAll() }
            if case .some(let frame) = try await group.next()! { return frame }
            // Stalled: stopping the reader also ends the pending `next()`.
            reader.stop()
            let seconds = timeout.inSeconds
            throw PipelineError.stalled(seconds: seconds)
        }
    }

    /// Detector failures in a row after which the run ends and the supervisor takes over.
    static let maximumDetectorFailures = 25

    private func process(_ frame: Frame, run: inout RunState, state: inout CameraLiveState) async throws {
        let events: [CountingEvent]
        do {
            events = try run.analyzer.analyze(frame)
            run.detectorFailuresInARow = 0
        } catch {
            run.detectorFailuresInARow += 1
            logger.error("camera.detect_failed", metadata: ["error": "\(error)"])
            if run.detectorFailuresInARow >= Self.maximumDetectorFailures {
                await setStatus(.failed, reason: error.description, state: &state, tracker: &run.status)
                throw PipelineError.vision(error)
            }
            return
        }
        try await handle(events, streamTime: frame.time, run: &run, state: &state)

        if frame.time - run.lastSnapshot >= configuration.snapshotInterval {
            run.lastSnapshot = frame.time
            do {
                let jpeg = try SnapshotRenderer.jpeg(frame: frame, geometry: camera.geometry, tracks: run.analyzer.engine.tracks)
                await live.putSnapshot(cameraID: camera.id, jpeg: jpeg)
            } catch {
                logger.warning("camera.snapshot_failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One pushed frame: its time is the camera's clock; a batch older than the last is dropped,
    /// since the tracker only moves forward.
    private func process(_ batch: DetectionBatch, run: inout RunState, state: inout CameraLiveState) async throws {
        let time = batch.time.timeIntervalSince(run.start)
        guard time > run.lastAnalysed else {
            metrics.framesDropped(camera: camera.id).increment()
            return
        }
        run.lastAnalysed = time
        let events = run.analyzer.step(detections: batch.detections, time: time)
        try await handle(events, streamTime: time, run: &run, state: &state)
    }

    /// Counts, stores and publishes what one analysed frame produced.
    private func handle(_ events: [CountingEvent], streamTime: Double, run: inout RunState,
                        state: inout CameraLiveState) async throws {
        run.frames += 1
        metrics.framesAnalysed(camera: camera.id).increment()
        let now = run.start.addingTimeInterval(streamTime)
        if state.status != .online {
            await setStatus(.online, reason: nil, state: &state, tracker: &run.status)
        }
        rollOverDay(at: now, counting: events, run: &run, state: &state)

        var messages: [LiveMessage] = []
        for event in events {
            switch event {
            case .crossing(let crossing):
                let time = run.start.addingTimeInterval(crossing.time)
                run.pendingCrossings.append(CrossingRecord(
                    id: crossing.eventID(camera: camera.id, run: run.runID, streamStart: run.start.timeIntervalSince1970),
                    cameraID: camera.id, line: crossing.line, direction: crossing.direction,
                    trackID: crossing.trackID, time: time))
                run.minutes.addCrossing(line: crossing.line, direction: crossing.direction, at: time)
                let base = run.totals.base[crossing.line] ?? (0, 0)
                let totalIn = base.in + crossing.totalIn
                let totalOut = base.out + crossing.totalOut
                if let index = state.lines.firstIndex(where: { $0.name == crossing.line }) {
                    state.lines[index].countIn = totalIn
                    state.lines[index].countOut = totalOut
                }
                metrics.crossings(camera: camera.id, line: crossing.line, direction: crossing.direction.rawValue).increment()
                messages.append(.crossing(.init(cameraID: camera.id, line: crossing.line, direction: crossing.direction,
                                                trackID: crossing.trackID, time: time,
                                                totalIn: totalIn, totalOut: totalOut)))
            case .occupancy(let occupancy):
                if let index = state.zones.firstIndex(where: { $0.name == occupancy.zone }) {
                    state.zones[index].occupancy = occupancy.occupancy
                }
                metrics.occupancy(camera: camera.id, zone: occupancy.zone).record(occupancy.occupancy)
                messages.append(.occupancy(.init(cameraID: camera.id, zone: occupancy.zone,
                                                 occupancy: occupancy.occupancy, time: now)))
            case .zoneEntered, .zoneExited:
                // Visits are folded into occupancy for now; dwell statistics come with their storage.
                break
            }
        }
        run.minutes.addFrame(occupancies: run.analyzer.occupancies, at: now)

        if !run.pendingCrossings.isEmpty {
            await storeCrossings(&run.pendingCrossings)
        }
        let closed = run.minutes.drainMinutes(endingBy: now)
        if !closed.isEmpty { await storeResults(closed) }

        run.rateWindowFrames += 1
        let window = now.timeIntervalSince(run.rateWindowStart)
        if window >= 2 {
            state.framesPerSecond = Double(run.rateWindowFrames) / window
            run.rateWindowStart = now
            run.rateWindowFrames = 0
        }
        state.updated = now
        await live.put(state)
        for message in messages { await bus.publish(message) }
    }

    /// At midnight (UTC) every line's live totals start again from zero: the engine's totals
    /// before this frame's crossings become the negative base, and this frame's crossings
    /// are the new day's first.
    private func rollOverDay(at now: Date, counting events: [CountingEvent], run: inout RunState,
                             state: inout CameraLiveState) {
        let day = Self.utcDay(of: now)
        guard day > run.totals.day else { return }
        run.totals.day = day
        for (index, counter) in run.analyzer.engine.lineCounters.enumerated() {
            var before = (in: counter.totalIn, out: counter.totalOut)
            for case .crossing(let crossing) in events where crossing.line == counter.line.name {
                if crossing.direction == .in { before.in -= 1 } else { before.out -= 1 }
            }
            run.totals.base[counter.line.name] = (-before.in, -before.out)
            if state.lines.indices.contains(index) {
                state.lines[index].countIn = 0
                state.lines[index].countOut = 0
            }
        }
    }

    private func storeCrossings(_ pending: inout [CrossingRecord]) async {
        do {
            try await sink.deliver(pending)
            pending.removeAll()
        } catch let error as StorageError where error.isInvalidInput {
            // Trying again cannot help (the camera was deleted, say), and would hold up every
            // later crossing: count them as dropped and say why.
            metrics.storeErrors(camera: camera.id).increment()
            metrics.crossingsDropped(camera: camera.id).increment(by: pending.count)
            logger.error("camera.crossings_refused", metadata: ["error": "\(error)", "camera.crossings": "\(pending.count)"])
            pending.removeAll()
        } catch {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.deliver_crossings_failed", metadata: ["error": "\(error)", "crossings": "\(pending.count)"])
            // Keep them for the next frame's attempt, but never grow without bound.
            if pending.count > 10_000 {
                metrics.crossingsDropped(camera: camera.id).increment(by: pending.count - 10_000)
                pending.removeFirst(pending.count - 10_000)
            }
        }
    }

    private func storeResults(_ results: [CountingResult]) async {
        do {
            try await store.addCountingResults(results)
        } catch {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.store_results_failed", metadata: ["error": "\(error)", "results": "\(results.count)"])
        }
    }

    private func finish(run: inout RunState) async {
        if !run.pendingCrossings.isEmpty { await storeCrossings(&run.pendingCrossings) }
        let rest = run.minutes.drainAll()
        if !rest.isEmpty { await storeResults(rest) }
    }

    private func setStatus(_ status: CameraStatus, reason: String?, state: inout CameraLiveState,
                           tracker: inout StatusTracker) async {
        state.status = status
        await live.put(state)
        let now = clock()
        await bus.publish(.status(.init(cameraID: camera.id, status: status, reason: reason, time: now)))
        guard tracker.last != status || tracker.lastReason != reason else { return }
        tracker.last = status
        tracker.lastReason = reason
        do {
            try await store.insertCameraEvent(CameraEvent(cameraID: camera.id, time: now, status: status, reason: reason))
        } catch {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.store_event_failed", metadata: ["error": "\(error)", "camera.status": "\(status.rawValue)"])
        }
    }
}
