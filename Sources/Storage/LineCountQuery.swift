import Foundation

/// Which line counts an analytics question sums: some cameras, optionally only some of their
/// lines (`camera/line`), over `from ..< to` (whole UTC hours), grouped in `timeZone`.
public struct LineCountQuery: Hashable, Sendable {
    public var cameraIDs: [String]
    /// `camera/line` names; nil for every line of the cameras.
    public var lines: Set<String>?
    public var from: Date
    public var to: Date
    public var timeZone: TimeZone

    public init(cameraIDs: [String], lines: Set<String>? = nil, from: Date, to: Date, timeZone: TimeZone = .gmt) {
        self.cameraIDs = cameraIDs
        self.lines = lines
        self.from = from
        self.to = to
        self.timeZone = timeZone
    }

    /// Whether an hourly count is one this query sums (time aside).
    public func includes(_ count: HourlyLineCount) -> Bool {
        cameraIDs.contains(count.cameraID) && (lines?.contains("\(count.cameraID)/\(count.line)") ?? true)
    }

    public var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }
}
