import FootfallSupport
import FootfallTestSupport
import Synchronization
import Testing

struct TimeoutTests {
    @Test func anOperationThatFinishesInTimeReturnsItsResult() async throws {
        let clock = ManualClock()
        let value = try await withTimeout(.seconds(5), clock: clock) { 42 }
        #expect(value == 42)
    }

    @Test func anOperationStillRunningAtTheDeadlineIsCancelledAndTimesOut() async throws {
        let clock = ManualClock()
        let cancelled = Mutex(false)
        async let outcome: Result<Int, any Error> = {
            do {
                return .success(try await withTimeout(.seconds(5), clock: clock) {
                    do {
                        // Waits on the same clock for longer than the timeout.
                        try await clock.sleep(until: clock.now.advanced(by: .seconds(60)))
                    } catch {
                        cancelled.withLock { $0 = true }
                        throw error
                    }
                    return 1
                })
            } catch {
                return .failure(error)
            }
        }()
        try await eventually("both the operation and the timer sleep") { clock.sleepers == 2 }
        clock.advance(by: .seconds(4))
        #expect(clock.sleepers == 2, "nothing is due before the deadline")
        clock.advance(by: .seconds(1))
        let result = await outcome
        #expect(throws: TimeoutError.self) { try result.get() }
        #expect(cancelled.withLock { $0 })
    }

    @Test func errorsFromTheOperationPassThrough() async throws {
        struct Failed: Error {}
        await #expect(throws: Failed.self) {
            try await withTimeout(.seconds(60)) { () async throws -> Int in throw Failed() }
        }
    }

    @Test func theDeadlineHoldsEvenWhenTheOperationIgnoresCancellation() async throws {
        let clock = ManualClock()
        let gate = Gate()
        async let outcome: Result<Int, any Error> = {
            do {
                return .success(try await withTimeout(.seconds(5), clock: clock) {
                    await gate.wait()
                    return 1
                })
            } catch {
                return .failure(error)
            }
        }()
        try await eventually("the timer sleeps") { clock.sleepers == 1 }
        clock.advance(by: .seconds(5))
        let result = await outcome
        #expect(throws: TimeoutError.self) { try result.get() }
        #expect(gate.waiters == 1, "the operation still waits, abandoned")
        gate.open()
    }

    @Test func cancellingTheCallerEndsTheWait() async throws {
        let clock = ManualClock()
        let gate = Gate()
        let waiting = Task {
            try await withTimeout(.seconds(5), clock: clock) {
                await gate.wait()
                return 1
            }
        }
        try await eventually("the timer sleeps") { clock.sleepers == 1 }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        gate.open()
    }
}

/// Something to wait on that ignores cancellation, as a blocked reader does.
private final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    var waiters: Int { state.withLock { $0.waiting.count } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.waiting.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiting = state.withLock { state in
            state.open = true
            defer { state.waiting = [] }
            return state.waiting
        }
        waiting.forEach { $0.resume() }
    }
}
