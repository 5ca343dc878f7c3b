/// Tracks which confirmed tracks are inside one zone, and for how long.
///
/// A track counts as inside once its reference point has stayed in the polygon for
/// `minimumDwell` seconds; its visit then runs until the point leaves or the track ends.
public struct ZoneCounter: Sendable, Codable {
    private struct Visit: Sendable, Codable {
        var enteredAt: Double
        var counted: Bool
        var lastInside: Double
    }

    public let zone: Zone
    public let minimumDwell: Double
    private var visits: [Int: Visit] = [:]
    public private(set) var occupancy = 0
    /// For a zone with entrances: people who came in through them less those who went out,
    /// never below 0; nil for a zone without entrances. Compare with `occupancy` (from
    /// presence): the difference is the drift between the two.
    public private(set) var countedOccupancy: Int?

    public init(zone: Zone, minimumDwell: Double = 0) {
        self.zone = zone
        self.minimumDwell = minimumDwell
        self.countedOccupancy = zone.entrances.isEmpty ? nil : 0
    }

    /// Notes a counted crossing; returns whether it changed `countedOccupancy`.
    public mutating func noteCrossing(line: String, direction: CrossingDirection) -> Bool {
        guard let counted = countedOccupancy, let entrance = zone.entrances.first(where: { $0.line == line }) else { return false }
        let next = direction == entrance.entering ? counted + 1 : max(0, counted - 1)
        countedOccupancy = next
        return next != counted
    }

    /// Number of tracks with an open or pending visit (bounded by the live tracks).
    public var trackedCount: Int { visits.count }

    /// Feeds a confirmed track's reference point at stream time `time`.
    public mutating func observe(trackID: Int, point: Point, time: Double) -> ZoneVisit? {
        if zone.contains(point) {
            var visit = visits[trackID] ?? Visit(enteredAt: time, counted: false, lastInside: time)
            visit.lastInside = time
            var event: ZoneVisit?
            if !visit.counted && time - visit.enteredAt >= minimumDwell {
                visit.counted = true
                occupancy += 1
                event = ZoneVisit(zone: zone.name, trackID: trackID, enteredAt: visit.enteredAt, exitedAt: nil)
            }
            visits[trackID] = visit
            return event
        }
        return end(trackID: trackID, at: time)
    }

    /// Ends a track's visit because the tracker removed it: the visit ends when it was last seen inside.
    public mutating func forget(trackID: Int) -> ZoneVisit? {
        guard let visit = visits[trackID] else { return nil }
        return end(trackID: trackID, at: visit.lastInside)
    }

    private mutating func end(trackID: Int, at time: Double) -> ZoneVisit? {
        guard let visit = visits.removeValue(forKey: trackID), visit.counted else { return nil }
        occupancy -= 1
        return ZoneVisit(zone: zone.name, trackID: trackID, enteredAt: visit.enteredAt, exitedAt: time)
    }
}
