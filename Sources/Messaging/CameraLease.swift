import Foundation

/// The right of one worker to count one camera, until `expires` unless renewed.
///
/// `token` is a fencing token: every new lease of a camera has a larger token than any before
/// it, so work stamped with an older token can be recognised as stale.
public struct CameraLease: Hashable, Sendable {
    public var cameraID: String
    public var owner: String
    public var token: Int64

    public init(cameraID: String, owner: String, token: Int64) {
        self.cameraID = cameraID
        self.owner = owner
        self.token = token
    }
}
