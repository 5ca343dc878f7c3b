import Synchronization

/// Runs `operation`, failing with ``TimeoutError`` if it has not finished by `deadline` on `clock`.
///
/// At the deadline the operation is cancelled and this returns at once, whether or not the
/// operation notices: a timeout is a real bound even around code that ignores cancellation (a
/// blocked frame reader, a query on a half-dead connection). Cancelling the caller cancels the
/// operation and ends the wait with `CancellationError`.
public func withDeadline<T: Sendable, C: Clock>(
    _ deadline: C.Instant, clock: C, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            // Both tasks are owned by the race: whichever ends first cancels the other, so neither
            // outlives the wait by more than the time it takes to notice cancellation.
            let work = Task {
                do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
            }
            let timer = Task {
                do {
                    try await clock.sleep(until: deadline, tolerance: nil)
                    race.finish(.failure(TimeoutError()))
                } catch {
                    // Cancelled: the operation ended first.
                }
            }
            race.start(continuation, cancelling: [work, timer])
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// Runs `operation`, failing with ``TimeoutError`` if it takes longer than `timeout` on `clock`.
public func withTimeout<T: Sendable, C: Clock>(
    _ timeout: C.Duration, clock: C, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withDeadline(clock.now.advanced(by: timeout), clock: clock, operation: operation)
}

/// Runs `operation`, failing with ``TimeoutError`` if it takes longer than `timeout` of real time.
public func withTimeout<T: Sendable>(
    _ timeout: Duration, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withTimeout(timeout, clock: ContinuousClock(), operation: operation)
}

/// An operation did not finish in the time it was given.
public struct TimeoutError: Error, Sendable, Hashable, CustomStringConvertible {
    public init() {}

    public var description: String { "the operation did not finish in time" }
}

/// The first outcome of a deadline race (the operation, the timer or the caller's
/// cancellation) resumes the waiting caller and cancels both tasks; later outcomes are dropped.
final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        /// An outcome that came before the continuation was installed.
        var early: Result<T, any Error>?
        var done = false
    }

    private let state = Mutex(State())

    /// Installs the caller's continuation and the tasks to cancel when the race ends.
    func start(_ continuation: CheckedContinuation<T, any Error>, cancelling tasks: [Task<Void, Never>]) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let early = state.early {
                state.early = nil
                return early
            }
            state.continuation = continuation
            state.tasks = tasks
            return nil
        }
        if let early {
            tasks.forEach { $0.cancel() }
            continuation.resume(with: early)
        }
    }

    /// Ends the race with `outcome` if it has not ended yet.
    func finish(_ outcome: Result<T, any Error>) {
        let (continuation, tasks): (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) = state.withLock { state in
            if state.done { return (nil, []) }
            state.done = true
            guard let continuation = state.continuation else {
                state.early = outcome
                return (nil, [])
            }
            state.continuation = nil
            defer { state.tasks = [] }
            return (continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: outcome)
    }
}
