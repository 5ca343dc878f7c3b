/// Tracks which confirmed tracks are inside one zone.
public struct ZoneCounter: Sendable {
    public let zone: Zone
    private var inside: Set<Int> = []

    public init(zone: Zone) {
        self.zone = zone
    }

    /// Number of tracks inside now; never negative by construction.
    public var occupancy: Int { inside.count }

    /// Feeds a confirmed track's reference point.
    public mutating func observe(trackID: Int, point: Point) {
        if zone.contains(point) {
            inside.insert(trackID)
        } else {
            inside.remove(trackID)
        }
    }

    /// Forgets a track that the tracker removed: it has left the scene.
    public mutating func forget(trackID: Int) {
        inside.remove(trackID)
    }
}
