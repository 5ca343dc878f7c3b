import FootfallSupport
import FootfallTestSupport
import Testing

struct ManualClockTests {
    @Test func sleepersWakeOnlyWhenTimeReachesTheirDeadline() async throws {
        let clock = ManualClock()
        let start = clock.now
        async let short: Void = clock.sleep(until: start.advanced(by: .seconds(1)))
        async let long: Void = clock.sleep(until: start.advanced(by: .seconds(3)))
        try await eventually("two sleepers") { clock.sleepers == 2 }
        clock.advance(by: .seconds(2))
        try await short
        #expect(clock.sleepers == 1)
        #expect(clock.nextDeadline == start.advanced(by: .seconds(3)))
        clock.advance(to: start.advanced(by: .seconds(3)))
        try await long
        #expect(clock.sleepers == 0)
        #expect(start.duration(to: clock.now) == .seconds(3))
    }

    @Test func aDeadlineAlreadyPassedDoesNotWait() async throws {
        let clock = ManualClock()
        clock.advance(by: .seconds(10))
        try await clock.sleep(until: clock.now.advanced(by: .seconds(-1)))
        try await clock.sleep(for: .zero)
        #expect(clock.totalSleeps == 2)
    }

    @Test func cancellingASleeperEndsItsSleep() async throws {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(for: .seconds(100)) }
        try await eventually("the sleeper") { clock.sleepers == 1 }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.sleepers == 0)
    }

    @Test func timeNeverMovesBack() {
        let clock = ManualClock()
        clock.advance(by: .seconds(5))
        clock.advance(to: ManualClock.Instant(offset: .seconds(1)))
        #expect(clock.now == ManualClock.Instant(offset: .seconds(5)))
    }
}

struct AnyClockTests {
    @Test func wrapsAClockWithoutChangingItsTime() async throws {
        let manual = ManualClock()
        manual.advance(by: .seconds(7))
        let clock = AnyClock(manual)
        let start = clock.now
        let sleeper = Task { try await clock.sleep(until: start.advanced(by: .seconds(2))) }
        try await eventually("the sleeper on the manual clock") { manual.sleepers == 1 }
        manual.advance(by: .seconds(1))
        #expect(start.duration(to: clock.now) == .seconds(1))
        #expect(manual.sleepers == 1)
        manual.advance(by: .seconds(1))
        try await sleeper.value
        #expect(AnyClock(clock).now == clock.now, "wrapping twice keeps the same origin")
    }
}
