import Synchronization

/// One supervised camera: its pipeline, where its geometry changes arrive, and how to retire it
/// (the camera was deleted, disabled or changed) so that its run ends as a stream's end does.
final class CameraHandle: Sendable {
    let camera: ManagedCamera
    let pipeline: CameraPipeline
    private let state = Mutex(State())
    private let finished: AsyncStream<Void>
    private let finish: AsyncStream<Void>.Continuation

    private struct State {
        var retired: String?
        var stop: PipelineStopSignal?
    }

    init(camera: ManagedCamera, pipeline: CameraPipeline) {
        self.camera = camera
        self.pipeline = pipeline
        (finished, finish) = AsyncStream.makeStream(of: Void.self)
    }

    /// Why the camera was retired; nil while it should run.
    var retiredReason: String? { state.withLock { $0.retired } }

    /// A stop signal for the next run, already stopped if the camera was retired meanwhile.
    func nextRun() -> PipelineStopSignal {
        let stop = PipelineStopSignal()
        let reason = state.withLock { state in
            state.stop = stop
            return state.retired
        }
        if let reason { stop.stop(reason: reason) }
        return stop
    }

    /// Stops the current run and any later one.
    func retire(reason: String) {
        let stop = state.withLock { state -> PipelineStopSignal? in
            guard state.retired == nil else { return nil }
            state.retired = reason
            return state.stop
        }
        stop?.stop(reason: reason)
    }

    /// Called when the supervision of this camera has ended for good.
    func markFinished() {
        finish.finish()
    }

    /// Waits until the supervision of this camera has ended (its last crossings handed over).
    func waitUntilFinished() async {
        for await _ in finished {}
    }
}
