/// Tracker plus the counters of one camera: detections in, counting events out.
///
/// Crossings made by a track before it is confirmed are held back and reported, with the
/// time they happened, once it is confirmed; they are dropped if the track dies unconfirmed.
public struct CountingEngine: Sendable {
    public let geometry: Geometry
    public private(set) var tracker: Tracker
    public private(set) var lineCounters: [LineCounter]
    public private(set) var zoneCounters: [ZoneCounter]
    private var pending: [Int: [(line: Int, direction: CrossingDirection, time: Double)]] = [:]

    public init(geometry: Geometry, tracker configuration: TrackerConfiguration = .init()) {
        self.geometry = geometry
        self.tracker = Tracker(configuration: configuration)
        self.lineCounters = geometry.lines.map(LineCounter.init)
        self.zoneCounters = geometry.zones.map(ZoneCounter.init)
    }

    /// The tracks alive after the last step, confirmed or not.
    public var tracks: [Track] { tracker.tracks }

    /// Processes one frame's detections at stream time `time` (seconds, non-decreasing).
    public mutating func step(detections: [Detection], time: Double) -> [CountingEvent] {
        let update = tracker.step(detections, time: time)
        var events: [CountingEvent] = []
        let occupancyBefore = zoneCounters.map(\.occupancy)

        for track in update.observed {
            let point = track.box.bottomCenter
            for index in lineCounters.indices {
                guard let direction = lineCounters[index].observe(trackID: track.id, point: point) else { continue }
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
                zoneCounters[index].observe(trackID: track.id, point: point)
            }
        }
        for id in update.removed {
            pending[id] = nil
            for index in lineCounters.indices { lineCounters[index].forget(trackID: id) }
            for index in zoneCounters.indices { zoneCounters[index].forget(trackID: id) }
        }
        for (index, counter) in zoneCounters.enumerated() where counter.occupancy != occupancyBefore[index] {
            events.append(.occupancy(ZoneOccupancy(zone: counter.zone.name, occupancy: counter.occupancy, time: time)))
        }
        return events
    }
}
