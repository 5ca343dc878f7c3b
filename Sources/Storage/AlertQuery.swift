import Foundation

/// Which alerts to read: open ones or all, optionally of one camera, in a time range, newest first.
public struct AlertQuery: Sendable {
    /// Only alerts not yet resolved.
    public var openOnly: Bool
    public var cameraID: String?
    /// Alerts fired at or after `from` and before `to`.
    public var from: Date
    public var to: Date
    public var limit: Int
    /// For a caller granted only some sites: only alerts of these cameras, or of these sites;
    /// nil for every alert.
    public var visibleTo: (cameraIDs: Set<String>, siteIDs: Set<String>)?

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
            && visibleTo.map { scope in
                alert.cameraID.map(scope.cameraIDs.contains) == true || alert.siteID.map(scope.siteIDs.contains) == true
            } ?? true
    }
}
