import CountingCore

/// A video counted offline: the summary, and every crossing with the frame it was counted at,
/// so that errors can be given for part of the video (tune on one part, report on the other).
public struct VideoCount: Sendable {
    /// One crossing: the line, the direction, the frame, the track that crossed and, for a
    /// crossing counted from two fragments, the track that ended before it.
    public struct Crossing: Hashable, Sendable {
        public var line: String
        public var direction: CrossingDirection
        public var frame: Int
        public var track: Int
        public var linkedTrack: Int?

        public init(line: String, direction: CrossingDirection, frame: Int, track: Int, linkedTrack: Int? = nil) {
            self.line = line
            self.direction = direction
            self.frame = frame
            self.track = track
            self.linkedTrack = linkedTrack
        }
    }

    /// Totals per line and zone, as `footfall count` prints them.
    public var summary: CountSummary
    /// In the order counted.
    public var crossings: [Crossing]

    public init(summary: CountSummary, crossings: [Crossing]) {
        self.summary = summary
        self.crossings = crossings
    }
}
