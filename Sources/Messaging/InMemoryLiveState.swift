import Synchronization

/// The embedded live cache: a dictionary behind a lock.
public final class InMemoryLiveState: LiveStateStore {
    /// Each camera's state, and the newest lease token it was written with.
    private let cameras = Mutex<[String: (state: CameraLiveState, token: Int64)]>([:])
    private let snapshots = Mutex<[SnapshotKey: [UInt8]]>([:])

    private struct SnapshotKey: Hashable {
        var cameraID: String
        var kind: SnapshotKind
    }

    public init() {}

    public func put(_ state: CameraLiveState) {
        cameras.withLock { cameras in
            let newest = cameras[state.cameraID]?.token ?? 0
            if let token = state.leaseToken, token < newest { return }
            cameras[state.cameraID] = (state, max(newest, state.leaseToken ?? 0))
        }
    }

    public func states() -> [CameraLiveState] {
        cameras.withLock { $0.values.map(\.state).sorted { $0.cameraID < $1.cameraID } }
    }

    public func state(cameraID: String) -> CameraLiveState? {
        cameras.withLock { $0[cameraID]?.state }
    }

    public func putSnapshot(cameraID: String, kind: SnapshotKind, jpeg: [UInt8]) {
        snapshots.withLock { $0[SnapshotKey(cameraID: cameraID, kind: kind)] = jpeg }
    }

    public func snapshot(cameraID: String, kind: SnapshotKind) -> [UInt8]? {
        snapshots.withLock { $0[SnapshotKey(cameraID: cameraID, kind: kind)] }
    }

    /// The latest annotated JPEG frame of a camera.
    public func putSnapshot(cameraID: String, jpeg: [UInt8]) {
        putSnapshot(cameraID: cameraID, kind: .annotated, jpeg: jpeg)
    }

    /// The latest annotated JPEG frame of a camera.
    public func snapshot(cameraID: String) -> [UInt8]? {
        snapshot(cameraID: cameraID, kind: .annotated)
    }
}
