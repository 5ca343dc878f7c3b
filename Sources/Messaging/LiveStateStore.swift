/// Holds the current state and latest snapshot of every camera: the live cache.
public protocol LiveStateStore: Sendable {
    /// Replaces the state of `state.cameraID`.
    func put(_ state: CameraLiveState) async
    /// The states of all cameras, ordered by camera id.
    func states() async -> [CameraLiveState]
    func state(cameraID: String) async -> CameraLiveState?
    /// Replaces the latest annotated JPEG frame of a camera.
    func putSnapshot(cameraID: String, jpeg: [UInt8]) async
    func snapshot(cameraID: String) async -> [UInt8]?
}
