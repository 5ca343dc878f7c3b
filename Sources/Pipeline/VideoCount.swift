import CountingCore

/// A video counted offline: the summary, and every crossing with the frame it was counted at,
/// so that errors can be given for part of the video (tune on one part, report on the other).
public struct VideoCount: Sendable {
    /// Totals per line and zone, as `footfall count` prints them.
    public var summary: CountSummary
    /// In the order counted, each with the frame (0-based) it was counted at.
    public var crossings: [(frame: Int, crossing: LineCrossing)]

    public init(summary: CountSummary, crossings: [(frame: Int, crossing: LineCrossing)]) {
        self.summary = summary
        self.crossings = crossings
    }
}
