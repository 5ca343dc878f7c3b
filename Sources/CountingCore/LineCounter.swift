/// Counts crossings of one directed line, track by track.
///
/// A point exactly on the line (side 0) is ignored, so touching the line and turning back
/// never counts; a move between two sides counts only if it passes through the drawn segment.
public struct LineCounter: Sendable {
    public let line: CountingLine
    public private(set) var totalIn = 0
    public private(set) var totalOut = 0
    private var lastSide: [Int: (side: Int, point: Point)] = [:]

    public init(line: CountingLine) {
        self.line = line
    }

    /// Number of tracks whose last side is remembered (bounded by the live tracks).
    public var trackedCount: Int { lastSide.count }

    /// Feeds a track's reference point; returns the direction if this move crosses the line.
    /// The crossing is not added to the totals: call `commit` once the track is confirmed.
    public mutating func observe(trackID: Int, point: Point) -> CrossingDirection? {
        let side = line.side(of: point)
        guard side != 0 else { return nil }
        guard let last = lastSide[trackID] else {
            lastSide[trackID] = (side, point)
            return nil
        }
        lastSide[trackID] = (side, point)
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

    /// Forgets a track that the tracker removed.
    public mutating func forget(trackID: Int) {
        lastSide[trackID] = nil
    }
}
