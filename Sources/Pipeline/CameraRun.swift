import CountingCore
import Foundation
import Messaging
import Storage

/// One run of a camera's pipeline without its I/O: today's line totals, the crossings waiting
/// for delivery, the minutes not yet stored, the status history filter and the live state
/// operators see. The pipeline feeds it what the counting engine reports and carries out what
/// it returns, so everything here is tested synchronously.
struct CameraRun {
    let cameraID: String
    /// Names the run: the lease's fencing token, or the start time (or, resumed from a
    /// checkpoint, the name of the run that wrote it).
    private(set) var runID: String
    /// The fencing token of the lease this run counts under, stamped on its crossings.
    let leaseToken: Int64?
    /// Wall-clock time at stream time 0.
    private(set) var start: Date
    /// The version of the lines and zones counted now; crossings are stamped with it.
    private(set) var geometryVersion: Int
    private(set) var live: CameraLiveState
    private(set) var totals: LiveTotals
    var outbox: CrossingOutbox
    /// The outbox on disk, written and emptied by the pipeline around each delivery (nil
    /// without a spool directory, or when it could not be opened).
    var spool: CrossingSpool?
    private var minutes: MinuteAccumulator
    private var statuses = StatusChangeFilter()
    /// Crossings given an id per line, direction and millisecond, for the ordinal in the next
    /// one's id; forgotten a minute later. Part of a pushed camera's checkpoint.
    private(set) var crossingOrdinals: [String: CrossingOrdinal] = [:]

    /// How many crossings of one line and direction got an id in one millisecond.
    struct CrossingOrdinal: Codable, Equatable {
        var millisecond: Int64
        var count: Int
    }
    private var rate: FrameRateMeter
    private var drops: DropRateMeter
    /// Frames analysed so far.
    private(set) var frames = 0
    /// Stream time of the last analysed frame.
    var lastAnalysed = -Double.infinity
    /// Stream time of the last rendered snapshot.
    var lastSnapshot = -Double.infinity
    /// Stream time of the last bare frame kept for the line editor.
    var lastPlainSnapshot = -Double.infinity
    /// Dropped frames already counted in the metrics.
    var droppedReported = 0
    /// Frames not analysed because the inference service was behind (`AnalysisGate`).
    var shed = 0
    /// The detection model's figures per minute, when the model is known.
    var modelMinutes: ModelMinuteAccumulator?
    var detectorFailuresInARow = 0

    /// What one analysed frame produced for the outside world.
    struct FrameOutput: Equatable {
        /// Live messages to publish, in order.
        var messages: [LiveMessage] = []
        /// Per-minute results of minutes that ended with this frame.
        var closedMinutes: [CountingResult] = []
        /// The camera came online with this frame (a status change to store and publish).
        var cameOnline = false
    }

    /// A run of `camera` starting at `start`, with the crossings already stored today;
    /// `countingDelay` is shown live (see `CountingConfiguration.countingDelaySeconds`).
    init(camera: Camera, runID: String, start: Date, storedToday: [String: CrossingTotals],
         outboxCapacity: Int = 10_000, countingDelay: Double? = nil, leaseToken: Int64? = nil) {
        self.cameraID = camera.id
        self.runID = runID
        self.leaseToken = leaseToken
        self.start = start
        self.geometryVersion = camera.geometryVersion
        self.totals = LiveTotals(start: start, stored: storedToday)
        self.live = CameraLiveState(
            cameraID: camera.id, status: .connecting,
            lines: camera.geometry.lines.map { line in
                let today = storedToday[line.name] ?? CrossingTotals()
                return .init(name: line.name, countIn: today.countIn, countOut: today.countOut)
            },
            zones: camera.geometry.zones.map { .init(name: $0.name, countedOccupancy: $0.entrances.isEmpty ? nil : 0) },
            geometryVersion: camera.geometryVersion)
        self.live.countingDelaySeconds = countingDelay
        self.live.leaseToken = leaseToken
        self.outbox = CrossingOutbox(capacity: outboxCapacity)
        self.minutes = MinuteAccumulator(cameraID: camera.id, geometry: camera.geometry)
        self.rate = FrameRateMeter(start: start)
        self.drops = DropRateMeter(start: start)
    }

    /// How many crossings of the same line and direction in the same millisecond came before this one.
    private mutating func ordinal(of crossing: LineCrossing) -> Int {
        let millisecond = LineCrossing.milliseconds(start.timeIntervalSince1970 + crossing.time)
        if crossingOrdinals.count > 1_000 {
            crossingOrdinals = crossingOrdinals.filter { $0.value.millisecond > millisecond - 60_000 }
        }
        let key = "\(crossing.line)/\(crossing.direction.rawValue)/\(millisecond)"
        let count = crossingOrdinals[key]?.count ?? 0
        crossingOrdinals[key] = CrossingOrdinal(millisecond: millisecond, count: count + 1)
        return count
    }

    /// Sets the live status; returns whether it is a change to record as a camera event.
    mutating func setStatus(_ status: CameraStatus, reason: String?) -> Bool {
        live.status = status
        return statuses.isChange(status, reason: reason)
    }

    /// Records what the engine reported for one frame at `streamTime`: crossings go to the
    /// outbox and today's totals, occupancy to the zones, both to the minute results; returns
    /// the live messages and the minutes that closed.
    /// `countedAt`: the wall clock now, stamped on crossings for the store's fence.
    mutating func record(_ events: [CountingEvent], streamTime: Double, engine: CountingEngine,
                         countedAt: Date? = nil) -> FrameOutput {
        var output = FrameOutput()
        frames += 1
        let now = start.addingTimeInterval(streamTime)
        if live.status != .online {
            output.cameOnline = setStatus(.online, reason: nil)
        }
        startNewDayIfDue(at: now, engine: engine, events: events)
        for event in events {
            switch event {
            case .crossing(let crossing):
                let time = start.addingTimeInterval(crossing.time)
                outbox.add(CrossingRecord(
                    id: crossing.eventID(camera: cameraID, streamStart: start.timeIntervalSince1970, ordinal: ordinal(of: crossing)),
                    cameraID: cameraID, line: crossing.line, direction: crossing.direction,
                    trackID: crossing.trackID, time: time, geometryVersion: geometryVersion, leaseToken: leaseToken,
                    countedAt: countedAt))
                minutes.addCrossing(line: crossing.line, direction: crossing.direction, at: time)
                let today = totals.today(line: crossing.line, engineIn: crossing.totalIn, engineOut: crossing.totalOut)
                if let index = live.lines.firstIndex(where: { $0.name == crossing.line }) {
                    live.lines[index].countIn = today.countIn
                    live.lines[index].countOut = today.countOut
                }
                output.messages.append(.crossing(.init(cameraID: cameraID, line: crossing.line, direction: crossing.direction,
                                                       trackID: crossing.trackID, time: time,
                                                       totalIn: today.countIn, totalOut: today.countOut)))
            case .occupancy(let occupancy):
                if let index = live.zones.firstIndex(where: { $0.name == occupancy.zone }) {
                    live.zones[index].occupancy = occupancy.occupancy
                    live.zones[index].countedOccupancy = occupancy.countedOccupancy
                }
                output.messages.append(.occupancy(.init(cameraID: cameraID, zone: occupancy.zone,
                                                        occupancy: occupancy.occupancy,
                                                        counted: occupancy.countedOccupancy, time: now)))
            case .zoneExited(let visit):
                if let duration = visit.duration, let exitedAt = visit.exitedAt {
                    minutes.addVisit(zone: visit.zone, seconds: duration, endedAt: start.addingTimeInterval(exitedAt))
                }
            case .zoneEntered:
                break
            }
        }
        minutes.addFrame(occupancies: engine.zoneCounters.map(\.occupancy), at: now)
        output.closedMinutes = minutes.drainMinutes(endingBy: now, runID: runID)
        if let framesPerSecond = rate.frame(at: now) { live.framesPerSecond = framesPerSecond }
        live.updated = now
        return output
    }

    /// Notes how many frames the camera's queue has dropped and how many were shed for load so
    /// far, after an analysed frame at `now`; the live state shows the share not analysed over
    /// the last window, and whether the camera ran at its minimum rate in it.
    mutating func noteDropped(total: Int, shed: Int = 0, at now: Date) {
        if let window = drops.frame(at: now, droppedTotal: total, shedTotal: shed) {
            live.droppedFraction = window.share
            live.reducedRate = window.reducedRate
        }
    }

    /// At midnight (UTC) every line's live totals start again from zero, this frame's crossings
    /// being the new day's first. A quiet camera calls this with no events on its ticks.
    mutating func startNewDayIfDue(at now: Date, engine: CountingEngine, events: [CountingEvent] = []) {
        let crossings = events.compactMap { event -> LineCrossing? in
            if case .crossing(let crossing) = event { return crossing }
            return nil
        }
        guard totals.rollOver(at: now, engine: engine.lineCounters, crossings: crossings) else { return }
        for index in live.lines.indices {
            live.lines[index].countIn = 0
            live.lines[index].countOut = 0
        }
    }

    /// Counts with new lines and zones from the next frame on. `engine` is the engine before the
    /// change and `changed` the same engine after `setGeometry`: lines that stayed keep today's
    /// totals, and so do changed or new lines of a name counted before.
    mutating func changeGeometry(_ geometry: Geometry, version: Int, before engine: CountingEngine, after changed: CountingEngine) {
        var today: [String: CrossingTotals] = [:]
        for counter in engine.lineCounters {
            today[counter.line.name] = totals.today(line: counter.line.name, engineIn: counter.totalIn, engineOut: counter.totalOut)
        }
        totals.rebase(today: today, engine: changed.lineCounters)
        minutes.geometry = geometry
        geometryVersion = version
        live.geometryVersion = version
        live.lines = geometry.lines.map { line in
            let total = today[line.name] ?? CrossingTotals()
            return .init(name: line.name, countIn: total.countIn, countOut: total.countOut)
        }
        live.zones = changed.zoneCounters.map { .init(name: $0.zone.name, occupancy: $0.occupancy, countedOccupancy: $0.countedOccupancy) }
    }

    /// Carries on from the checkpoint of an earlier run of the camera: its name and start, so the
    /// crossings counted again after the checkpoint keep their ids, and its engine, whose totals
    /// are part of `storedToday` (the crossings stored today up to the checkpoint).
    mutating func resume(from checkpoint: PushedCameraCheckpoint, storedToday: [String: CrossingTotals]) {
        runID = checkpoint.runID
        start = checkpoint.start
        lastAnalysed = checkpoint.lastAnalysed
        crossingOrdinals = checkpoint.crossingOrdinals
        minutes.resume(checkpoint.minutes)
        totals.rebase(today: storedToday, engine: checkpoint.engine.lineCounters)
        for index in live.lines.indices {
            guard let counter = checkpoint.engine.lineCounters.first(where: { $0.line.name == live.lines[index].name }) else { continue }
            let today = totals.today(line: counter.line.name, engineIn: counter.totalIn, engineOut: counter.totalOut)
            live.lines[index].countIn = today.countIn
            live.lines[index].countOut = today.countOut
        }
        live.zones = checkpoint.engine.zoneCounters.map {
            .init(name: $0.zone.name, occupancy: $0.occupancy, countedOccupancy: $0.countedOccupancy)
        }
    }

    /// Records the size of the camera's frames, which lines and zones must fit in.
    mutating func setFrameSize(width: Int, height: Int) {
        live.frameWidth = width
        live.frameHeight = height
    }

    /// Everything not yet stored, the current partial minute included; the run is over.
    mutating func drainMinutes() -> [CountingResult] {
        minutes.drainAll(runID: runID)
    }

    /// Everything not yet stored, the current partial minute included, for a camera that has
    /// gone quiet at `now`: what comes later in the same minute is written again with it.
    mutating func drainQuietMinutes(at now: Date) -> [CountingResult] {
        minutes.drainAll(runID: runID, at: now)
    }

    /// The minutes' figures not forgotten yet: part of a pushed camera's checkpoint.
    var pendingMinutes: MinuteAccumulator.Pending { minutes.pending }

    /// Takes back minutes the store could not take; they are written again with the first
    /// frame 10 s (of the camera's time) after the last one.
    mutating func notStored(_ results: [CountingResult]) {
        minutes.notWritten(results, retryAt: (live.updated ?? start).addingTimeInterval(10))
    }
}
