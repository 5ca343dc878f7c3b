import Foundation

/// Which alerts to read: open ones or all, optionally of one camera, in a time range, newest first.
public struct AlertQuery: Hashable, Sendable {
    /// Only alerts not yet resolved.
    public var openOnly: Bool
    public var cameraID: String?
    /// Alerts fired at or after `from` and before `to`.
    public var from: Date
    public var to: Date
    public var limit: Int

    public init(openOnly: Bool = false, cameraID: String? = nil, from: Date = .distantPast, to: Date = .distantFuture,
                limit: Int = 100) {
        self.openOnly = openOnly
        self.cameraID = cameraID
        self.from = from
        self.to = to
        self.limit = limit
    }

    /// Whether `alert` is one this query asks for (the limit aside).
    public func matches(_ alert: Alert) -> Bool {
        (!openOnly || alert.resolvedAt == nil) && (cameraID == nil || alert.cameraID == cameraID)
            && alert.firedAt >= from && alert.firedAt < to
    }
}
