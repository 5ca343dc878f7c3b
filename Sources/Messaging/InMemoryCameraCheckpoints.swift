import Synchronization

/// Checkpoints in this process: what one process that counts every camera itself needs.
public final class InMemoryCameraCheckpoints: CameraCheckpoints {
    private struct Entry {
        var token: Int64
        var checkpoint: CameraCheckpoint?
    }

    private let kept = Mutex<[String: Entry]>([:])

    public init() {}

    public func checkpoint(cameraID: String) -> CameraCheckpoint? {
        kept.withLock { $0[cameraID]?.checkpoint }
    }

    public func claim(cameraID: String, leaseToken: Int64) -> CheckpointClaim {
        kept.withLock { kept in
            if let entry = kept[cameraID], entry.token > leaseToken { return .refused }
            kept[cameraID, default: Entry(token: leaseToken)].token = leaseToken
            return .granted(kept[cameraID]?.checkpoint)
        }
    }

    public func save(_ checkpoint: CameraCheckpoint) -> Bool {
        kept.withLock { kept in
            if let entry = kept[checkpoint.cameraID], entry.token > checkpoint.leaseToken { return false }
            kept[checkpoint.cameraID] = Entry(token: checkpoint.leaseToken, checkpoint: checkpoint)
            return true
        }
    }
}
