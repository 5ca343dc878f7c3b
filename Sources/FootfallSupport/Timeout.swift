/// Runs `operation`, failing with ``TimeoutError`` if it has not finished by `deadline` on `clock`.
///
/// The operation is cancelled when the deadline passes (and the timer when the operation
/// finishes); this returns once the cancelled task has ended, so it must honour cancellation.
public func withDeadline<T: Sendable, C: Clock>(
    _ deadline: C.Instant, clock: C, operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await clock.sleep(until: deadline, tolerance: nil)
            return nil
        }
        defer { group.cancelAll() }
        guard let result = try await group.next()!  else { throw TimeoutError() }
        return result
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
