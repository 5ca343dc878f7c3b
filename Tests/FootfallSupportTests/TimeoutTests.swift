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
}
