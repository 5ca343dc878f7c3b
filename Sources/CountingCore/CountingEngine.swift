/// Tracker plus the counters of one camera: detections in, counting events out.
///
/// Crossings made by a track before it is confirmed are held back and reported, with the
/// time they happened, once it is confirmed; they are dropped if the track dies unconfirmed.
/// A crossing the tracker lost the person during is counted from the two fragments of track
/// on either side of the line (`FragmentLinker`).
/// State for a track is dropped when the tracker removes it, so memory stays bounded by the
/// people in view however long the stream runs.
public struct CountingEngine: Sendable, Codable {
    /// A crossing made by a track not yet confirmed, held until it is.
    private struct HeldCrossing: Sendable, Codable {
        var line: Int
        var direction: CrossingDirection
        var time: Double
    }

    public private(set) var geometry: Geometry
    public let configuration: CountingConfiguration
    public private(set) var tracker: Tracker
    public private(set) var lineCounters: [LineCounter]
    public private(set) var zoneCounters: [ZoneCounter]
    private var pending: [Int: [HeldCrossing]] = [:]
    private var occupancyBefore: [Int] = []
    private var countedBefore: [Int?] = []
    private var linker: FragmentLinker
    /// Lines each unconfirmed track has crossed on its own, by index.
    private var crossedBeforeConfirmation: [Int: Set<Int>] = [:]
    /// Stream time of the last step, to tell a track found again after a loss.
    private var previousStepTime: Double?

    public init(geometry: Geometry, configuration: CountingConfiguration = .init()) {
        self.geometry = geometry
        self.configuration = configuration
        self.tracker = Tracker(configuration: configuration.tracker)
        self.lineCounters = geometry.lines.map(LineCounter.init)
        self.zoneCounters = geometry.zones.map { Self.zoneCounter($0, configuration) }
        self.linker = FragmentLinker(linkSeconds: configuration.fragmentLinkSeconds, reach: configuration.fragmentReach,
                                     confirmationSeconds: configuration.tracker.confirmationSeconds,
                                     appearanceGate: configuration.tracker.appearanceGate)
    }

    private static func zoneCounter(_ zone: Zone, _ configuration: CountingConfiguration) -> ZoneCounter {
        ZoneCounter(zone: zone, minimumDwell: configuration.zoneMinimumDwell, presenceSeconds: configuration.zonePresenceSeconds)
    }

    /// Same as `init(geometry:configuration:)` with default counting settings and this tracker.
    public init(geometry: Geometry, tracker: TrackerConfiguration) {
        self.init(geometry: geometry, configuration: CountingConfiguration(tracker: tracker))
    }

    /// The tracks matched or started in the last step, tentative ones included.
    public private(set) var observed: [Track] = []

    /// The tracks alive after the last step, confirmed or not.
    public var tracks: [Track] { tracker.tracks }

    /// Number of tracks held by the counters: bounded by the live tracks.
    public var retainedTrackStates: Int {
        pending.count + crossedBeforeConfirmation.count + linker.trackedCount
            + lineCounters.reduce(0) { $0 + $1.trackedCount }
            + zoneCounters.reduce(0) { $0 + $1.trackedCount }
    }

    /// Processes one frame's detections at stream time `time` (seconds, non-decreasing).
    public mutating func step(detections: [Detection], time: Double) -> [CountingEvent] {
        let update = tracker.step(detections, time: time)
        observed = update.observed
        var events: [CountingEvent] = []
        occupancyBefore.removeAll(keepingCapacity: true)
        countedBefore.removeAll(keepingCapacity: true)
        for counter in zoneCounters {
            occupancyBefore.append(counter.occupancy)
            countedBefore.append(counter.countedOccupancy)
        }

        for track in update.observed {
            let point = track.box.bottomCenter
            let band = configuration.lineHysteresis * track.box.height
            linker.observe(track, previousStep: previousStepTime)
            var crossedNow: Set<Int> = []
            for index in lineCounters.indices {
                guard let direction = lineCounters[index].observe(trackID: track.id, point: point, band: band) else { continue }
                crossedNow.insert(index)
                pending[track.id, default: []].append(HeldCrossing(line: index, direction: direction, time: time))
            }
            guard track.isConfirmed else {
                if !crossedNow.isEmpty { crossedBeforeConfirmation[track.id, default: []].formUnion(crossedNow) }
                continue
            }
            // Lines this track crossed on its own up to and including this step need no link.
            let crossedOwn = (crossedBeforeConfirmation.removeValue(forKey: track.id) ?? []).union(crossedNow)
            for link in linker.confirm(track, counters: lineCounters, band: configuration.lineHysteresis,
                                       crossedBefore: crossedOwn) {
                let totals = lineCounters[link.line].commit(link.direction)
                events.append(.crossing(LineCrossing(
                    line: geometry.lines[link.line].name, direction: link.direction,
                    trackID: track.id, time: link.time, totalIn: totals.totalIn, totalOut: totals.totalOut,
                    linkedTrackID: link.endedTrackID)))
            }
            if let held = pending.removeValue(forKey: track.id) {
                for crossing in held {
                    let line = geometry.lines[crossing.line]
                    // Already counted when this track's fragment was linked to a newer one.
                    guard !linker.takeCounted(trackID: track.id, line: line, direction: crossing.direction) else {
                        linker.noteAnswered(trackID: track.id, line: line)
                        continue
                    }
                    // A lost person found again by two tracks: already counted by the other one.
                    if configuration.skipsReturnsOfReplacedTracks,
                       linker.takeReplaced(trackID: track.id, line: line, direction: crossing.direction, time: crossing.time) {
                        linker.noteAnswered(trackID: track.id, line: line)
                        continue
                    }
                    let totals = lineCounters[crossing.line].commit(crossing.direction)
                    linker.noteCounted(trackID: track.id, line: line, direction: crossing.direction, time: crossing.time)
                    events.append(.crossing(LineCrossing(
                        line: line.name, direction: crossing.direction,
                        trackID: track.id, time: crossing.time, totalIn: totals.totalIn, totalOut: totals.totalOut)))
                }
            }
            for index in zoneCounters.indices {
                guard let visit = zoneCounters[index].observe(trackID: track.id, point: point, time: time) else { continue }
                events.append(visit.exitedAt == nil ? .zoneEntered(visit) : .zoneExited(visit))
            }
        }
        // In the order the tracks were made: a track that started after a removed one, as one
        // that takes over must, is judged while still there even when removed in this step too.
        for id in update.removed {
            // A track that took the person over on the line counts the crossing neither made alone.
            for link in linker.handOver(endedTrackID: id, counters: lineCounters, band: configuration.lineHysteresis) {
                let totals = lineCounters[link.line].commit(link.direction)
                events.append(.crossing(LineCrossing(
                    line: geometry.lines[link.line].name, direction: link.direction,
                    trackID: link.startedTrackID, time: link.time, totalIn: totals.totalIn, totalOut: totals.totalOut,
                    linkedTrackID: id)))
            }
            pending[id] = nil
            crossedBeforeConfirmation[id] = nil
            linker.remove(trackID: id)
            for index in lineCounters.indices { lineCounters[index].forget(trackID: id) }
            for index in zoneCounters.indices {
                if let visit = zoneCounters[index].forget(trackID: id) { events.append(.zoneExited(visit)) }
            }
        }
        for index in zoneCounters.indices { zoneCounters[index].expire(time: time, previousStep: previousStepTime) }
        linker.prune(time: time)
        previousStepTime = time
        for event in events {
            guard case .crossing(let crossing) = event else { continue }
            for index in zoneCounters.indices where !zoneCounters[index].zone.entrances.isEmpty {
                _ = zoneCounters[index].noteCrossing(line: crossing.line, direction: crossing.direction)
            }
        }
        for (index, counter) in zoneCounters.enumerated()
        where counter.occupancy != occupancyBefore[index] || counter.countedOccupancy != countedBefore[index] {
            events.append(.occupancy(ZoneOccupancy(zone: counter.zone.name, occupancy: counter.occupancy,
                                                   countedOccupancy: counter.countedOccupancy, time: time)))
        }
        return events
    }

    /// Changes the lines and zones from the next step on, as an operator's edit does on a
    /// running camera. Tracks carry on. A line or zone that is unchanged (same name and shape)
    /// keeps its state and totals, so someone crossing it at that moment is still counted; a
    /// new or changed one starts from zero. Crossings held back for unconfirmed tracks are kept
    /// for the lines that remain.
    public mutating func setGeometry(_ newGeometry: Geometry) {
        let oldLines = geometry.lines
        let keptLines = newGeometry.lines.map { line in lineCounters.first { $0.line == line } ?? LineCounter(line: line) }
        var held: [Int: [HeldCrossing]] = [:]
        for (track, crossings) in pending {
            let remapped = crossings.compactMap { crossing -> HeldCrossing? in
                guard let index = newGeometry.lines.firstIndex(of: oldLines[crossing.line]) else { return nil }
                return HeldCrossing(line: index, direction: crossing.direction, time: crossing.time)
            }
            if !remapped.isEmpty { held[track] = remapped }
        }
        zoneCounters = newGeometry.zones.map { zone in
            zoneCounters.first { $0.zone == zone } ?? Self.zoneCounter(zone, configuration)
        }
        lineCounters = keptLines
        pending = held
        crossedBeforeConfirmation = crossedBeforeConfirmation.compactMapValues { indices in
            let remapped = Set(indices.compactMap { newGeometry.lines.firstIndex(of: oldLines[$0]) })
            return remapped.isEmpty ? nil : remapped
        }
        geometry = newGeometry
    }
}
