import Foundation

/// One finished visit to a zone: the minute it ended in and how long it lasted.
public struct DwellSample: Hashable, Sendable {
    /// Start of the minute (UTC) in which the visit ended.
    public var minute: Date
    public var seconds: Double

    public init(minute: Date, seconds: Double) {
        self.minute = minute
        self.seconds = seconds
    }
}
