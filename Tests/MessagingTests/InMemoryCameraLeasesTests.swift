import FootfallTestSupport
import Messaging
import Testing

struct InMemoryCameraLeasesTests {
    @Test func oneOwnerAtATimeWithGrowingTokens() throws {
        let clock = ManualClock()
        let leases = InMemoryCameraLeases(clock: clock)
        let first = try #require(leases.acquire(cameraID: "door", owner: "worker-a", duration: .seconds(10)))
        #expect(leases.acquire(cameraID: "door", owner: "worker-b", duration: .seconds(10)) == nil)
        #expect(leases.acquire(cameraID: "hall", owner: "worker-b", duration: .seconds(10)) != nil)
        clock.advance(by: .seconds(5))
        #expect(leases.renew(first, duration: .seconds(10)))
        clock.advance(by: .seconds(9))
        #expect(leases.holder(cameraID: "door") == first)
        clock.advance(by: .seconds(2))
        // Expired: the old owner can no longer renew, and the next owner gets a larger token.
        #expect(leases.holder(cameraID: "door") == nil)
        #expect(!leases.renew(first, duration: .seconds(10)))
        let second = try #require(leases.acquire(cameraID: "door", owner: "worker-b", duration: .seconds(10)))
        #expect(second.token > first.token)
        leases.release(first)
        #expect(leases.holder(cameraID: "door") == second)
        leases.release(second)
        #expect(leases.holder(cameraID: "door") == nil)
    }
}

struct InMemoryRateLimiterTests {
    @Test func countsPerKeyInFixedWindows() {
        let clock = ManualClock()
        let limiter = InMemoryRateLimiter(clock: clock)
        let first = (0..<4).map { _ in limiter.allow(key: "a", limit: 3, window: .seconds(60)) }
        #expect(first == [true, true, true, false])
        #expect(limiter.allow(key: "b", limit: 3, window: .seconds(60)))
        clock.advance(by: .seconds(61))
        #expect(limiter.allow(key: "a", limit: 3, window: .seconds(60)))
    }
}
