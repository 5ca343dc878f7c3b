/// Keeps each camera's latest checkpoint, shared by every worker that may take the camera over.
///
/// A worker starting to count a camera claims its checkpoints under its lease token first:
/// from then on a holder with an older token can no longer write one, so a worker frozen past
/// its lease cannot move the camera on behind its successor's back.
public protocol CameraCheckpoints: Sendable {
    /// The camera's latest checkpoint, if one is kept.
    func checkpoint(cameraID: String) async throws -> CameraCheckpoint?
    /// Raises the camera's token to `leaseToken` and returns its latest checkpoint, in one step;
    /// refused (nothing changes) when a newer token has claimed it.
    func claim(cameraID: String, leaseToken: Int64) async throws -> CheckpointClaim
    /// Keeps `checkpoint` in place of the camera's last one, unless a newer lease token has
    /// claimed the camera: then nothing changes and this returns false (the writer has lost the camera).
    func save(_ checkpoint: CameraCheckpoint) async throws -> Bool
}

/// The answer to `CameraCheckpoints.claim`.
public enum CheckpointClaim: Sendable, Hashable {
    /// The camera is this token's: its latest checkpoint, if any.
    case granted(CameraCheckpoint?)
    /// A newer token has claimed the camera.
    case refused
}
