import Foundation
import ServiceLifecycle
import Synchronization

/// Runs the detectors of every camera in a process on a fixed number of threads of its own.
///
/// Detection is the slow step (a trained network takes tens to hundreds of milliseconds a
/// frame) and it blocks: run on a camera's task it would hold one of the few cooperative
/// threads that the API, the brokers and the other cameras share. Here each camera hands its
/// frame over and waits without holding a thread; jobs run in the order they came, and a
/// camera has at most one job at a time, so every camera gets its turn.
///
/// The service is *behind* when a whole round of jobs is waiting for a thread: cameras then
/// fall back to their minimum analysis rate (`AnalysisGate`) until it catches up.
///
/// Jobs handed over before `run()` starts wait for it. After graceful shutdown the jobs
/// already queued still run, then the threads end; put the service before the cameras in the
/// service group, so it is shut down after them.
public final class InferenceService: Service, Sendable {
    /// Threads that run detectors.
    public let threads: Int
    private let state = Mutex(State())
    private let ready = DispatchSemaphore(value: 0)

    private struct Job {
        let id: UInt64
        let work: @Sendable () -> Void
        let cancel: @Sendable () -> Void
    }

    private struct State {
        var waiting: [Job] = []
        var running = 0
        var closed = false
        var nextID: UInt64 = 0
        var completed = 0
    }

    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// Jobs waiting for a thread (not counting those running).
    public var waiting: Int { state.withLock { $0.waiting.count } }

    /// Jobs finished since the service started.
    public var completed: Int { state.withLock { $0.completed } }

    /// A whole round of jobs is waiting: every thread is busy and as many jobs again wait.
    public var isBehind: Bool { state.withLock { $0.waiting.count >= threads } }

    /// Runs `body` on one of the service's threads and returns its result. A job still waiting
    /// when its task is cancelled, or when the service has ended, throws `CancellationError`.
    public func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
                // A job leaves the queue once, under the lock, either to a thread or to its
                // cancellation: the continuation is resumed exactly once.
                let job = Job(id: id, work: { continuation.resume(with: Swift.Result { try body() }) },
                              cancel: { continuation.resume(throwing: CancellationError()) })
                let accepted = state.withLock { state in
                    // A task cancelled before this point would find nothing to remove in onCancel.
                    guard !state.closed, !Task.isCancelled else { return false }
                    state.waiting.append(job)
                    return true
                }
                if accepted { ready.signal() } else { job.cancel() }
            }
        } onCancel: {
            let removed = state.withLock { state -> Job? in
                guard let index = state.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiting.remove(at: index)
            }
            removed?.cancel()
        }
    }

    public func run() async throws {
        let finished = (0..<threads).map { _ in DispatchSemaphore(value: 0) }
        for (index, done) in finished.enumerated() {
            let thread = Thread { [self] in
                defer { done.signal() }
                work()
            }
            thread.name = "footfall.inference.\(index)"
            thread.start()
        }
        // Until shutdown (graceful or cancelled); then queued jobs still run.
        try? await gracefulShutdown()
        close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                for done in finished { done.wait() }
                continuation.resume()
            }
        }
    }

    /// Stops taking jobs; the threads finish what is queued and end.
    private func close() {
        let alreadyClosed = state.withLock { state in
            defer { state.closed = true }
            return state.closed
        }
        guard !alreadyClosed else { return }
        for _ in 0..<threads { ready.signal() }
    }

    /// One thread's loop: take the oldest job, run it, until closed and empty.
    private func work() {
        while true {
            ready.wait()
            let job = state.withLock { state -> Job? in
                guard !state.waiting.isEmpty else { return nil }
                state.running += 1
                return state.waiting.removeFirst()
            }
            guard let job else {
                // A wake-up for a job cancelled meanwhile, or the close signal.
                if state.withLock({ $0.closed && $0.waiting.isEmpty }) { return }
                continue
            }
            job.work()
            state.withLock { state in
                state.running -= 1
                state.completed += 1
            }
        }
    }
}
