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
}

/// A zone's occupancy after a change.
public struct ZoneOccupancy: Hashable, Sendable {
    public var zone: String
    public var occupancy: Int
    public var time: Double
}

/// What a counting step reports.
public enum CountingEvent: Hashable, Sendable {
    case crossing(LineCrossing)
    case occupancy(ZoneOccupancy)
}
