/// Which way a track crossed a directed line.
public enum CrossingDirection: String, Hashable, Sendable, Codable {
    /// From side −1 to side +1.
    case `in`
    /// From side +1 to side −1.
    case out
}

/// One track crossing one line.
public struct LineCrossing: Hashable, Sendable {
    public var line: String
    public var direction: CrossingDirection
    public var trackID: Int
    /// Stream time of the frame in which the crossing happened, in seconds.
    public var time: Double
    /// The line's running totals including this crossing.
    public var totalIn: Int
    public var totalOut: Int
    /// When the crossing was counted from two fragments of track (the tracker lost the person
    /// on the line), the track that ended; `trackID` is the one that started across the line.
    public var linkedTrackID: Int?

    public init(line: String, direction: CrossingDirection, trackID: Int, time: Double, totalIn: Int, totalOut: Int,
                linkedTrackID: Int? = nil) {
        self.line = line
        self.direction = direction
        self.trackID = trackID
        self.time = time
        self.totalIn = totalIn
        self.totalOut = totalOut
        self.linkedTrackID = linkedTrackID
    }

    /// A stable identifier for storage to de-duplicate on: the camera, the line, the direction
    /// and the crossing's wall-clock time to the millisecond (`streamStart`, seconds since 1970,
    /// is stream time 0), with `ordinal` telling apart crossings of the same line and direction
    /// in the same millisecond. It does not depend on the track or the run: a worker that
    /// counts the same frames again after another died gives the same crossings the same ids;
    /// from a fresh engine (its checkpoint lost) too, as far as that engine sees the same
    /// crossings in the same frames.
    public func eventID(camera: String, streamStart: Double, ordinal: Int) -> String {
        "\(camera)/\(line)/\(direction.rawValue)/\(Self.milliseconds(streamStart + time))/\(ordinal)"
    }

    /// Milliseconds since 1970, to the nearest: a pushed frame's time is a whole millisecond,
    /// which stream time plus start may miss by a hair.
    public static func milliseconds(_ seconds: Double) -> Int64 {
        Int64((seconds * 1000).rounded())
    }
}

/// A zone's occupancy after a change.
public struct ZoneOccupancy: Hashable, Sendable {
    public var zone: String
    /// From presence: people seen inside.
    public var occupancy: Int
    /// From the counts of the zone's entrances, for a zone that has some.
    public var countedOccupancy: Int?
    public var time: Double

    public init(zone: String, occupancy: Int, countedOccupancy: Int? = nil, time: Double) {
        self.zone = zone
        self.occupancy = occupancy
        self.countedOccupancy = countedOccupancy
        self.time = time
    }
}

/// A visit of one track to one zone. `exitedAt` is nil while the visit is open.
public struct ZoneVisit: Hashable, Sendable {
    public var zone: String
    public var trackID: Int
    public var enteredAt: Double
    public var exitedAt: Double?

    public init(zone: String, trackID: Int, enteredAt: Double, exitedAt: Double?) {
        self.zone = zone
        self.trackID = trackID
        self.enteredAt = enteredAt
        self.exitedAt = exitedAt
    }

    /// Seconds spent inside, for a finished visit.
    public var duration: Double? { exitedAt.map { $0 - enteredAt } }
}

/// What a counting step reports.
public enum CountingEvent: Hashable, Sendable {
    case crossing(LineCrossing)
    case occupancy(ZoneOccupancy)
    /// A track has been inside a zone for its minimum dwell; `enteredAt` is when it came in.
    case zoneEntered(ZoneVisit)
    /// A counted visit ended; the visit carries its duration.
    case zoneExited(ZoneVisit)
}
