/// Tracker plus the counters of one camera: detections in, counting events out.
///
/// Crossings made by a track before it is confirmed are held back and reported, with the
/// time they happened, once it is confirmed; they are dropped if the track dies unconfirmed.
/// State for a track is dropped when the tracker removes it, so memory stays bounded by the
/// people in view however long the stream runs.
public struct CountingEngine: Sendable {
    public private(set) var geometry: Geometry
    public let configuration: CountingConfiguration
    public private(set) var tracker: Tracker
    public private(set) var lineCounters: [LineCounter]
    public private(set) var zoneCounters: [ZoneCounter]
    private var pending: [Int: [(line: Int, direction: CrossingDirection, time: Double)]] = [:]
    private var occupancyBefore: [Int] = []

    public init(geometry: Geometry, configuration: CountingConfiguration = .init()) {
        self.geometry = geometry
        self.configuration = configuration
        self.tracker = Tracker(configuration: configuration.tracker)
        self.lineCounters = geometry.lines.map(LineCounter.init)
        self.zoneCounters = geometry.zones.map { ZoneCounter(zone: $0, minimumDwell: configuration.zoneMinimumDwell) }
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
        pending.count + lineCounters.reduce(0) { $0 + $1.trackedCount }
            + zoneCounters.reduce(0) { $0 + $1.trackedCount }
    }

    /// Processes one frame's detections at stream time `time` (seconds, non-decreasing).
    public mutating func step(detections: [Detection], time: Double) -> [CountingEvent] {
        let update = tracker.step(detections, time: time)
        observed = update.observed
        var events: [CountingEvent] = []
        occupancyBefore.removeAll(keepingCapacity: true)
        for counter in zoneCounters { occupancyBefore.append(counter.occupancy) }

        for track in update.observed {
            let point = track.box.bottomCenter
            let band = configuration.lineHysteresis * track.box.height
            for index in lineCounters.indices {
                guard let direction = lineCounters[index].observe(trackID: track.id, point: point, band: band) else { continue }
                pending[track.id, default: []].append((index, direction, time))
            }
            guard track.isConfirmed else { continue }
            if let held = pending.removeValue(forKey: track.id) {
                for crossing in held {
                    let totals = lineCounters[crossing.line].commit(crossing.direction)
                    events.append(.crossing(LineCrossing(
                        line: geometry.lines[crossing.line].name, direction: crossing.direction,
                        trackID: track.id, time: crossing.time, totalIn: totals.totalIn, totalOut: totals.totalOut)))
                }
            }
            for index in zoneCounters.indices {
                guard let visit = zoneCounters[index].observe(trackID: track.id, point: point, time: time) else { continue }
                events.append(visit.exitedAt == nil ? .zoneEntered(visit) : .zoneExited(visit))
            }
        }
        for id in update.removed {
            pending[id] = nil
            for index in lineCounters.indices { lineCounters[index].forget(trackID: id) }
            for index in zoneCounters.indices {
                if let visit = zoneCounters[index].forget(trackID: id) { events.append(.zoneExited(visit)) }
            }
        }
        for (index, counter) in zoneCounters.enumerated() where counter.occupancy != occupancyBefore[index] {
            events.append(.occupancy(ZoneOccupancy(zone: counter.zone.name, occupancy: counter.occupancy, time: time)))
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
        var held: [Int: [(line: Int, direction: CrossingDirection, time: Double)]] = [:]
        for (track, crossings) in pending {
            let remapped = crossings.compactMap { crossing -> (line: Int, direction: CrossingDirection, time: Double)? in
                guard let index = newGeometry.lines.firstIndex(of: oldLines[crossing.line]) else { return nil }
                return (index, crossing.direction, crossing.time)
            }
            if !remapped.isEmpty { held[track] = remapped }
        }
        zoneCounters = newGeometry.zones.map { zone in
            zoneCounters.first { $0.zone == zone } ?? ZoneCounter(zone: zone, minimumDwell: configuration.zoneMinimumDwell)
        }
        lineCounters = keptLines
        pending = held
        geometry = newGeometry
    }
}
