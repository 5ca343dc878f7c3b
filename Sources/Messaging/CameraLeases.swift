/// Hands out camera leases so that two workers never count the same camera at once.
public protocol CameraLeases: Sendable {
    /// Takes the camera for `owner` for `duration` if nobody holds it; nil when somebody does.
    func acquire(cameraID: String, owner: String, duration: Duration) async throws -> CameraLease?
    /// Extends a lease still held; false when it expired or another owner has the camera.
    func renew(_ lease: CameraLease, duration: Duration) async throws -> Bool
    /// Gives the camera up at once (does nothing if the lease is no longer held).
    func release(_ lease: CameraLease) async throws
    /// The current holder of a camera, if any.
    func holder(cameraID: String) async throws -> CameraLease?
    /// How long the camera's current lease has left unless renewed; nil when nobody holds it
    /// (or the leases cannot tell). A worker waiting for the camera asks again just after.
    func timeLeft(cameraID: String) async throws -> Duration?
}

extension CameraLeases {
    public func timeLeft(cameraID: String) async throws -> Duration? { nil }
}
