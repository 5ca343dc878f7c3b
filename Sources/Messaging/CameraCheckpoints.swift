/// Keeps each camera's latest checkpoint, shared by every worker that may take the camera over.
public protocol CameraCheckpoints: Sendable {
    /// The camera's latest checkpoint, if one is kept.
    func checkpoint(cameraID: String) async throws -> CameraCheckpoint?
    /// Keeps `checkpoint` in place of the camera's last one, unless that one was written under a
    /// newer lease: then nothing changes and this returns false (the writer has lost the camera).
    func save(_ checkpoint: CameraCheckpoint) async throws -> Bool
}
