import Synchronization

/// Checkpoints in this process: what one process that counts every camera itself needs.
public final class InMemoryCameraCheckpoints: CameraCheckpoints {
    private let kept = Mutex<[String: CameraCheckpoint]>([:])

    public init() {}

    public func checkpoint(cameraID: String) -> CameraCheckpoint? {
        kept.withLock { $0[cameraID] }
    }

    public func save(_ checkpoint: CameraCheckpoint) -> Bool {
        kept.withLock { kept in
            if let last = kept[checkpoint.cameraID], last.leaseToken > checkpoint.leaseToken { return false }
            kept[checkpoint.cameraID] = checkpoint
            return true
        }
    }
}
