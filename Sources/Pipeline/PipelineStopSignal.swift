import Synchronization

/// Asks a running pipeline to stop as it would at the end of its stream: it hands over the
/// crossings it holds, stores its last results and reports why it stopped.
public final class PipelineStopSignal: Sendable {
    private struct State {
        var reason: String?
        var handlers: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Why the pipeline was asked to stop; nil while it runs.
    public var reason: String? { state.withLock { $0.reason } }

    /// Asks the pipeline to stop; later calls do nothing.
    public func stop(reason: String) {
        let handlers = state.withLock { state -> [@Sendable () -> Void] in
            guard state.reason == nil else { return [] }
            state.reason = reason
            defer { state.handlers.removeAll() }
            return state.handlers
        }
        for handler in handlers { handler() }
    }

    /// Runs `handler` when the pipeline is asked to stop (at once if it already was).
    func onStop(_ handler: @escaping @Sendable () -> Void) {
        let stopped = state.withLock { state in
            if state.reason != nil { return true }
            state.handlers.append(handler)
            return false
        }
        if stopped { handler() }
    }
}
