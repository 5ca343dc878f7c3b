/// Counts crossings of one directed line, track by track.
///
/// A point within the hysteresis band around the line is ignored, so jitter on the line,
/// touching it and turning back, or stopping on it never counts: a track must be clearly on
/// the other side before a crossing is counted, and clearly back before the opposite one is.
/// A move between two sides counts only if it passes through the drawn segment.
public struct LineCounter: Sendable, Codable {
    private struct LastSide: Sendable, Codable {
        var side: Int
        var point: Point
    }

    public let line: CountingLine
    public private(set) var totalIn = 0
    public private(set) var totalOut = 0
    private var lastSide: [Int: LastSide] = [:]
    private let inverseLength: Double

    public init(line: CountingLine) {
        self.line = line
        let dx = line.b.x - line.a.x
        let dy = line.b.y - line.a.y
        let length = (dx * dx + dy * dy).squareRoot()
        self.inverseLength = length > 0 ? 1 / length : 0
    }

    /// Number of tracks whose last side is remembered (bounded by the live tracks).
    public var trackedCount: Int { lastSide.count }

    /// Signed distance in pixels from the line through `a` and `b`: positive on side +1.
    public func distance(of p: Point) -> Double {
        ((line.b.x - line.a.x) * (p.y - line.a.y) - (line.b.y - line.a.y) * (p.x - line.a.x)) * inverseLength
    }

    /// −1, 0 or +1 as `CountingLine.side(of:)`, but 0 within `band` pixels of the line.
    public func side(of p: Point, band: Double) -> Int {
        let distance = distance(of: p)
        if distance > band { return 1 }
        if distance < -band { return -1 }
        return 0
    }

    /// Feeds a track's reference point; returns the direction if this move crosses the line.
    /// `band` is the hysteresis half-width in pixels (0 applies the plain rule).
    /// The crossing is not added to the totals: call `commit` once the track is confirmed.
    public mutating func observe(trackID: Int, point: Point, band: Double = 0) -> CrossingDirection? {
        let side = side(of: point, band: band)
        guard side != 0 else { return nil }
        guard let last = lastSide[trackID] else {
            lastSide[trackID] = LastSide(side: side, point: point)
            return nil
        }
        lastSide[trackID] = LastSide(side: side, point: point)
        guard last.side != side, line.segmentIntersects(from: last.point, to: point) else { return nil }
        return side > 0 ? .in : .out
    }

    /// Adds a crossing to the totals and returns them.
    public mutating func commit(_ direction: CrossingDirection) -> (totalIn: Int, totalOut: Int) {
        switch direction {
        case .in: totalIn += 1
        case .out: totalOut += 1
        }
        return (totalIn, totalOut)
    }

    /// The side (−1 or +1) the track was last clearly on, nil before it was clearly on one.
    public func lastSide(of trackID: Int) -> Int? {
        lastSide[trackID]?.side
    }

    /// Forgets a track that the tracker removed.
    public mutating func forget(trackID: Int) {
        lastSide[trackID] = nil
    }
}
