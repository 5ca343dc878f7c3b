/// Tracks which confirmed tracks are inside one zone, and for how long.
///
/// A track counts as inside once its reference point has stayed in the polygon for
/// `minimumDwell` seconds; its visit then runs until the point leaves or the track ends.
/// While the tracker has lost the person, the visit goes on, but after `presenceSeconds`
/// unseen they no longer count toward `occupancy` (see `expire(time:previousStep:)`), until
/// found again.
public struct ZoneCounter: Sendable, Codable {
    private struct Visit: Sendable, Codable {
        var enteredAt: Double
        var counted: Bool
        var lastInside: Double
        /// Counted and seen recently enough to be part of `occupancy`.
        var present: Bool

        init(enteredAt: Double, counted: Bool, lastInside: Double, present: Bool) {
            self.enteredAt = enteredAt
            self.counted = counted
            self.lastInside = lastInside
            self.present = present
        }

        // Saved before the presence time: every counted visit was part of the occupancy.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            enteredAt = try container.decode(Double.self, forKey: .enteredAt)
            counted = try container.decode(Bool.self, forKey: .counted)
            lastInside = try container.decode(Double.self, forKey: .lastInside)
            present = try container.decodeIfPresent(Bool.self, forKey: .present) ?? counted
        }
    }

    public let zone: Zone
    public let minimumDwell: Double
    /// How long, in seconds, a person inside still counts toward `occupancy` after they were
    /// last seen; 0 keeps them until their track ends.
    public let presenceSeconds: Double
    private var visits: [Int: Visit] = [:]
    /// People counted inside and seen within `presenceSeconds`.
    public private(set) var occupancy = 0
    /// For a zone with entrances: people who came in through them less those who went out,
    /// never below 0; nil for a zone without entrances. Compare with `occupancy` (from
    /// presence): the difference is the drift between the two.
    public private(set) var countedOccupancy: Int?

    public init(zone: Zone, minimumDwell: Double = 0, presenceSeconds: Double = 0) {
        self.zone = zone
        self.minimumDwell = minimumDwell
        self.presenceSeconds = presenceSeconds
        self.countedOccupancy = zone.entrances.isEmpty ? nil : 0
    }

    /// Decodes a counter saved before the presence time with none (0), which is how it counted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        zone = try container.decode(Zone.self, forKey: .zone)
        minimumDwell = try container.decode(Double.self, forKey: .minimumDwell)
        presenceSeconds = try container.decodeIfPresent(Double.self, forKey: .presenceSeconds) ?? 0
        visits = try container.decode([Int: Visit].self, forKey: .visits)
        occupancy = try container.decode(Int.self, forKey: .occupancy)
        countedOccupancy = try container.decodeIfPresent(Int.self, forKey: .countedOccupancy)
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
            var visit = visits[trackID] ?? Visit(enteredAt: time, counted: false, lastInside: time, present: false)
            visit.lastInside = time
            var event: ZoneVisit?
            if !visit.counted && time - visit.enteredAt >= minimumDwell {
                visit.counted = true
                event = ZoneVisit(zone: zone.name, trackID: trackID, enteredAt: visit.enteredAt, exitedAt: nil)
            }
            if visit.counted && !visit.present {
                visit.present = true
                occupancy += 1
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

    /// Takes out of `occupancy` the people not seen for more than `presenceSeconds` at stream
    /// time `time`, nor at the step before (`previousStep`), so that at a low analysis rate one
    /// missed frame is not taken for someone gone. Their visits go on: found again inside, they
    /// count again, with no new entry.
    public mutating func expire(time: Double, previousStep: Double?) {
        guard presenceSeconds > 0, let previousStep else { return }
        for (trackID, visit) in visits
        where visit.present && time - visit.lastInside > presenceSeconds + 1e-9 && visit.lastInside < previousStep {
            visits[trackID]?.present = false
            occupancy -= 1
        }
    }

    private mutating func end(trackID: Int, at time: Double) -> ZoneVisit? {
        guard let visit = visits.removeValue(forKey: trackID), visit.counted else { return nil }
        if visit.present { occupancy -= 1 }
        return ZoneVisit(zone: zone.name, trackID: trackID, enteredAt: visit.enteredAt, exitedAt: time)
    }
}
