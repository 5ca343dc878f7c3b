import FootfallSupport
import Foundation
import Messaging
import Synchronization

/// The cameras one worker counts and the share it aims for, shared by its camera tasks (which
/// ask before taking a camera) and its announcement round (which sets the share and picks
/// cameras to hand over).
final class WorkerLoad: Sendable {
    private struct Held {
        var camera: WorkerStatus.HeldCamera
        var since: AnyClock.Instant
        var stop: PipelineStopSignal
    }

    private struct State {
        var held: [String: Held] = [:]
        /// Cameras being asked for: counted against the share until taken or refused.
        var reserved: Set<String> = []
        var target: Int?
        var cameras: Int?
    }

    private let state = Mutex(State())
    private let changed: @Sendable () -> Void

    /// - Parameter changed: called when the number of cameras changes, so the share is worked out again.
    init(changed: @escaping @Sendable () -> Void = {}) {
        self.changed = changed
    }

    /// The analysis rate counted for a camera that sets none (pushed detections come at the camera's pace).
    static let defaultAnalysisRate = 5.0

    /// The cameras counted now, by camera.
    var heldCameras: [WorkerStatus.HeldCamera] {
        state.withLock { $0.held.values.map(\.camera) }.sorted { $0.cameraID < $1.cameraID }
    }

    /// The share this worker aims for; nil until it is known (no camera is taken before then).
    var target: Int? { state.withLock { $0.target } }

    /// How many cameras the whole fleet counts; nil until known.
    var cameraCount: Int? { state.withLock { $0.cameras } }

    /// Records how many cameras there are to share.
    func setCameraCount(_ count: Int) {
        let changed = state.withLock { state in
            defer { state.cameras = count }
            return state.cameras != count
        }
        if changed { self.changed() }
    }

    /// Reserves room for `cameraID` if this worker is below its share (or `force`); false otherwise.
    func reserve(_ cameraID: String, force: Bool = false) -> Bool {
        state.withLock { state in
            if state.reserved.contains(cameraID) || state.held[cameraID] != nil { return true }
            guard force || state.target.map({ state.held.count + state.reserved.count < $0 }) == true else { return false }
            state.reserved.insert(cameraID)
            return true
        }
    }

    /// Frees a reservation that did not turn into a camera.
    func unreserve(_ cameraID: String) {
        _ = state.withLock { $0.reserved.remove(cameraID) }
    }

    /// Records that this worker now counts `camera`; `stop` hands it over.
    func took(_ camera: WorkerStatus.HeldCamera, since: AnyClock.Instant, stop: PipelineStopSignal) {
        state.withLock { state in
            state.reserved.remove(camera.cameraID)
            state.held[camera.cameraID] = Held(camera: camera, since: since, stop: stop)
        }
    }

    /// Records that this worker no longer counts the camera.
    func gaveUp(_ cameraID: String) {
        _ = state.withLock { $0.held.removeValue(forKey: cameraID) }
    }

    /// Sets the share and returns the cameras to hand over to get down to it, at most
    /// `handOverAtMost` (the room other workers have), with their stop signals.
    func setTarget(_ target: Int, handOverAtMost limit: Int) -> [(cameraID: String, stop: PipelineStopSignal)] {
        state.withLock { state in
            state.target = target
            let surplus = FairShare.surplus(state.held.map { ($0.key, $0.value.since) }, target: target).prefix(max(0, limit))
            return surplus.compactMap { id in state.held[id].map { (id, $0.stop) } }
        }
    }
}
