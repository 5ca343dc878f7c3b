import CountingCore
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Storage
import Vision

/// One camera: decode → detect → track → count → store and publish, as a `Service`.
///
/// Crossings are stored as they happen (idempotently, keyed by camera, line, run, track and
/// time); per-minute results are stored when each minute closes and at shutdown.
public struct CameraPipeline: Service {
    public let camera: Camera
    public let configuration: CameraPipelineConfiguration
    private let store: any CountStore
    private let bus: any EventBus
    private let live: any LiveStateStore
    private let metrics: PipelineMetrics
    private let logger: Logger
    private let clock: @Sendable () -> Date

    public init(camera: Camera, configuration: CameraPipelineConfiguration, store: any CountStore,
                bus: any EventBus, live: any LiveStateStore, metrics: PipelineMetrics, logger: Logger,
                clock: @escaping @Sendable () -> Date = Date.init) {
        self.camera = camera
        self.configuration = configuration
        self.store = store
        self.bus = bus
        self.live = live
        self.metrics = metrics
        var logger = logger
        logger[metadataKey: "camera.id"] = "\(camera.id)"
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        var state = CameraLiveState(
            cameraID: camera.id, status: .connecting,
            lines: camera.geometry.lines.map { .init(name: $0.name) },
            zones: camera.geometry.zones.map { .init(name: $0.name) })
        await setStatus(.connecting, reason: nil, state: &state)
        logger.info("camera.starting", metadata: ["camera.source": "\(VideoInfo.redacted(camera.source))"])

        let analyzer: FrameAnalyzer
        do {
            let detector = try configuration.detector.makeDetector()
            analyzer = FrameAnalyzer(detector: detector, geometry: camera.geometry, counting: configuration.counting)
        } catch {
            await setStatus(.failed, reason: error.description, state: &state)
            logger.error("camera.detector_failed", metadata: ["error": "\(error)"])
            throw PipelineError.vision(error)
        }

        let queue = FrameQueue(capacity: configuration.queueCapacity,
                               policy: configuration.latestFrameWins ? .latestWins : .blocking)
        let reader = FrameReaderThread(source: camera.source, realTime: configuration.realTime,
                                       loop: configuration.loop, rtspTransport: configuration.rtspTransport,
                                       queue: queue) { [logger] info in
            logger.info("camera.opened", metadata: ["video.width": "\(info.width)", "video.height": "\(info.height)",
                                                   "video.fps": "\(info.frameRate)"])
        }
        var run = RunState(analyzer: analyzer, camera: camera, start: clock())
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
            await finish(run: &run)
            let status: CameraStatus = switch error {
            case PipelineError.stalled: .stalled
            case is PipelineError: .failed
            default: .offline
            }
            await setStatus(status, reason: "\(error)", state: &state)
            logger.error("camera.source_failed", metadata: ["error": "\(error)"])
            throw error
        }
        await reader.join()
        await finish(run: &run)
        await setStatus(.offline, reason: "stream ended", state: &state)
        logger.info("camera.stopped", metadata: ["frames": "\(run.frames)"])
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

        init(analyzer: FrameAnalyzer, camera: Camera, start: Date) {
            self.analyzer = analyzer
            self.minutes = MinuteAccumulator(cameraID: camera.id, geometry: camera.geometry)
            self.start = start
            self.runID = String(Int64(start.timeIntervalSince1970 * 1000))
            self.rateWindowStart = start
        }
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
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) * 1e-18
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
                await setStatus(.failed, reason: error.description, state: &state)
                throw PipelineError.vision(error)
            }
            return
        }
        run.frames += 1
        metrics.framesAnalysed(camera: camera.id).increment()
        let now = run.start.addingTimeInterval(frame.time)
        if state.status != .online {
            await setStatus(.online, reason: nil, state: &state)
        }

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
                if let index = state.lines.firstIndex(where: { $0.name == crossing.line }) {
                    state.lines[index].countIn = crossing.totalIn
                    state.lines[index].countOut = crossing.totalOut
                }
                metrics.crossings(camera: camera.id, line: crossing.line, direction: crossing.direction.rawValue).increment()
                messages.append(.crossing(.init(cameraID: camera.id, line: crossing.line, direction: crossing.direction,
                                                trackID: crossing.trackID, time: time,
                                                totalIn: crossing.totalIn, totalOut: crossing.totalOut)))
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

    private func storeCrossings(_ pending: inout [CrossingRecord]) async {
        do {
            try await store.insertCrossings(pending)
            pending.removeAll()
        } catch {
            metrics.storeErrors(camera: camera.id).increment()
            logger.error("camera.store_crossings_failed", metadata: ["error": "\(error)", "crossings": "\(pending.count)"])
            // Keep them for the next frame's attempt, but never grow without bound.
            if pending.count > 10_000 { pending.removeFirst(pending.count - 10_000) }
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

    private func setStatus(_ status: CameraStatus, reason: String?, state: inout CameraLiveState) async {
        state.status = status
        await live.put(state)
        await bus.publish(.status(.init(cameraID: camera.id, status: status, reason: reason, time: clock())))
    }
}
