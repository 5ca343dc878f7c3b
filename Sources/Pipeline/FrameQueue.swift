import Dispatch
import Synchronization
import Vision

/// A bounded queue of frames from a blocking producer thread to an async consumer.
///
/// `.latestWins` (live cameras): when the consumer falls behind, the oldest frames are
/// dropped and counted, so analysis always works on recent video. `.blocking` (files):
/// the producer waits for room, so every frame is analysed and memory stays bounded.
final class FrameQueue: Sendable {
    enum Policy: Sendable {
        case latestWins
        case blocking
    }

    private struct State {
        var buffer: [Frame] = []
        var waiting: CheckedContinuation<Frame?, any Error>?
        var finished = false
        var failure: (any Error)?
        var cancelled = false
        var dropped = 0
        /// Frames pushed and not yet taken (`.blocking` only).
        var inFlight = 0
        var producerWaiting = false
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let policy: Policy
    // Starts at 0 and is signalled only for a producer that is waiting (or about to wait),
    // so its count never ends below its initial value (libdispatch traps on that).
    private let space = DispatchSemaphore(value: 0)

    init(capacity: Int, policy: Policy) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.policy = policy
    }

    /// Frames dropped so far under `.latestWins`.
    var dropped: Int { state.withLock { $0.dropped } }

    /// Frames waiting to be taken.
    var depth: Int { state.withLock { $0.buffer.count } }

    /// Producer side: adds a frame. Returns false once the consumer has cancelled.
    func push(_ frame: Frame) -> Bool {
        if policy == .blocking {
            while true {
                let admitted: Bool? = state.withLock { state in
                    if state.cancelled { return false }
                    if state.inFlight < capacity {
                        state.inFlight += 1
                        return true
                    }
                    state.producerWaiting = true
                    return nil
                }
                if let admitted {
                    if !admitted { return false }
                    break
                }
                space.wait()
            }
        }
        let (consumer, accepted): (CheckedContinuation<Frame?, any Error>?, Bool) = state.withLock { state in
            if state.cancelled { return (nil, false) }
            if let waiting = state.waiting {
                state.waiting = nil
                return (waiting, true)
            }
            if state.buffer.count >= capacity {
                state.buffer.removeFirst()
                state.dropped += 1
            }
            state.buffer.append(frame)
            return (nil, true)
        }
        if let consumer {
            if policy == .blocking { frameTaken() }
            consumer.resume(returning: frame)
        }
        return accepted
    }

    /// Producer side: no more frames; `error` if the source failed.
    func finish(error: (any Error)? = nil) {
        let consumer = state.withLock { state -> CheckedContinuation<Frame?, any Error>? in
            state.finished = true
            state.failure = error
            defer { state.waiting = nil }
            return state.buffer.isEmpty ? state.waiting : nil
        }
        if let error { consumer?.resume(throwing: error) } else { consumer?.resume(returning: nil) }
    }

    /// Consumer side: stops the producer and drops what is buffered.
    func cancel() {
        let (wake, consumer) = state.withLock { state in
            state.cancelled = true
            state.buffer.removeAll()
            defer {
                state.producerWaiting = false
                state.waiting = nil
            }
            return (state.producerWaiting, state.waiting)
        }
        // A waiting producer wakes, sees `cancelled` and stops; a waiting consumer sees the end.
        if wake { space.signal() }
        consumer?.resume(returning: nil)
    }

    /// Whether the producer is waiting for room (`.blocking`); for tests.
    var isProducerWaiting: Bool { state.withLock { $0.producerWaiting } }

    /// Makes room for one more frame and wakes the producer if it waits for it.
    private func frameTaken() {
        let wake = state.withLock { state in
            state.inFlight -= 1
            defer { state.producerWaiting = false }
            return state.producerWaiting
        }
        if wake { space.signal() }
    }

    /// Consumer side: the next frame, or nil when the producer finished. Throws
    /// `CancellationError` when the waiting task is cancelled (a stall timeout), leaving the
    /// queue as it was.
    func next() async throws -> Frame? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let result: Result<Frame?, any Error>? = state.withLock { state in
                    if !state.buffer.isEmpty { return .success(state.buffer.removeFirst()) }
                    if state.finished || state.cancelled {
                        return state.failure.map { .failure($0) } ?? .success(nil)
                    }
                    // Checked under the lock: a cancellation after this finds the waiter below.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiting = continuation
                    return nil
                }
                guard let result else { return }
                if case .success(.some) = result, policy == .blocking { frameTaken() }
                continuation.resume(with: result)
            }
        } onCancel: {
            let waiting = state.withLock { state in
                defer { state.waiting = nil }
                return state.waiting
            }
            waiting?.resume(throwing: CancellationError())
        }
    }
}
