import Foundation

/// A change of a camera's status, kept so operators can see what a camera did and why.
public struct CameraEvent: Hashable, Sendable {
    public var cameraID: String
    public var time: Date
    public var status: CameraStatus
    /// Why, in words (an error, "stream ended"); nil when there is nothing to say.
    public var reason: String?

    public init(cameraID: String, time: Date, status: CameraStatus, reason: String? = nil) {
        self.cameraID = cameraID
        self.time = time
        self.status = status
        self.reason = reason
    }

    /// Longest reason kept; longer ones are cut, not refused, so the event is never lost.
    public static let maximumReasonLength = 1_000

    /// The event with its reason cut to `maximumReasonLength` characters.
    public var trimmed: CameraEvent {
        var event = self
        if let reason, reason.count > Self.maximumReasonLength {
            event.reason = String(reason.prefix(Self.maximumReasonLength - 1)) + "…"
        }
        return event
    }
}
