/// Holds the current state and latest snapshot of every camera: the live cache.
public protocol LiveStateStore: Sendable {
    /// Replaces the state of `state.cameraID`, unless it carries a lease token older than the
    /// newest one a state of that camera was written with (a worker that lost the camera).
    func put(_ state: CameraLiveState) async
    /// The states of all cameras, ordered by camera id.
    func states() async -> [CameraLiveState]
    func state(cameraID: String) async -> CameraLiveState?
    /// Replaces the latest JPEG picture of a camera of one kind.
    func putSnapshot(cameraID: String, kind: SnapshotKind, jpeg: [UInt8]) async
    func snapshot(cameraID: String, kind: SnapshotKind) async -> [UInt8]?
}

extension LiveStateStore {
    /// Replaces the latest annotated JPEG frame of a camera.
    public func putSnapshot(cameraID: String, jpeg: [UInt8]) async {
        await putSnapshot(cameraID: cameraID, kind: .annotated, jpeg: jpeg)
    }

    /// The latest annotated JPEG frame of a camera.
    public func snapshot(cameraID: String) async -> [UInt8]? {
        await snapshot(cameraID: cameraID, kind: .annotated)
    }
}
