import Synchronization

/// The embedded live cache: a dictionary behind a lock.
public final class InMemoryLiveState: LiveStateStore {
    private let cameras = Mutex<[String: CameraLiveState]>([:])
    private let snapshots = Mutex<[String: [UInt8]]>([:])

    public init() {}

    public func put(_ state: CameraLiveState) {
        cameras.withLock { $0[state.cameraID] = state }
    }

    public func states() -> [CameraLiveState] {
        cameras.withLock { $0.values.sorted { $0.cameraID < $1.cameraID } }
    }

    public func state(cameraID: String) -> CameraLiveState? {
        cameras.withLock { $0[cameraID] }
    }

    public func putSnapshot(cameraID: String, jpeg: [UInt8]) {
        snapshots.withLock { $0[cameraID] = jpeg }
    }

    public func snapshot(cameraID: String) -> [UInt8]? {
        snapshots.withLock { $0[cameraID] }
    }
}
