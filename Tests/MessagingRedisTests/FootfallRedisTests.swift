import CountingCore
import FootfallSupport
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import MessagingRedis
import Storage
import Synchronization
import Testing

/// Footfall's live cache, leases, rate limits and fan-out on a real Redis server.
@Suite(.enabled(if: TestRedis.available, "needs FOOTFALL_TEST_REDIS_URL (scripts/test.sh starts Redis)"))
struct FootfallRedisTests {
    /// The heartbeat is a Redis expiry, so it runs on the server's time, not the test's: the
    /// "online" read is made under a heartbeat no load can outlast, and the expiry is waited for.
    @Test func aCameraWhoseHeartbeatStopsReadsAsOffline() async throws {
        let prefix = TestRedis.prefix()
        try await TestRedis.withClient(try TestRedis.configuration()) { client in
            let live = RedisLiveState(client: client, prefix: prefix, heartbeatTimeout: .seconds(600),
                                      logger: TestRedis.logger)
            let state = CameraLiveState(cameraID: "door", status: .online, framesPerSecond: 10, updated: Date(),
                                        lines: [.init(name: "entrance", countIn: 4, countOut: 2)])
            await live.put(state)
            await live.putSnapshot(cameraID: "door", jpeg: [0xFF, 0xD8, 0x00, 0xFF])
            // Another process reads the same keys.
            let reader = RedisLiveState(client: client, prefix: prefix, logger: TestRedis.logger)
            #expect(await reader.state(cameraID: "door") == state)
            #expect(await reader.snapshot(cameraID: "door") == [0xFF, 0xD8, 0x00, 0xFF])

            // The worker's last write gives a short heartbeat, and then the worker stops.
            let stopping = RedisLiveState(client: client, prefix: prefix, heartbeatTimeout: .milliseconds(300),
                                          logger: TestRedis.logger)
            await stopping.put(state)
            var stale: CameraLiveState?
            try await eventually("the camera to read as offline") {
                stale = await reader.states().first
                return stale?.status == .offline
            }
            #expect(stale?.status == .offline)
            #expect(stale?.lines == state.lines)
        }
    }

    /// Lease expiry is a Redis expiry too (server time): the lease is checked while its expiry is
    /// far off, then given a short one, and its end is waited for.
    @Test func leasesHaveOneOwnerAndGrowingTokens() async throws {
        let prefix = TestRedis.prefix()
        try await TestRedis.withClient(try TestRedis.configuration()) { client in
            let leases = RedisCameraLeases(client: client, prefix: prefix, gracePeriod: .milliseconds(300))
            // A new (or emptied) Redis grants nothing for the grace period.
            #expect(try await leases.acquire(cameraID: "door", owner: "a", duration: .seconds(30)) == nil)
            var granted: CameraLease?
            try await eventually("a lease once the grace period is over") {
                granted = try await leases.acquire(cameraID: "door", owner: "a", duration: .seconds(30))
                return granted != nil
            }
            let first = try #require(granted)
            #expect(try await leases.acquire(cameraID: "door", owner: "b", duration: .seconds(30)) == nil)
            #expect(try await leases.holder(cameraID: "door") == first)
            #expect(try await leases.renew(first, duration: .milliseconds(300)))
            try await eventually("the lease renewed for 300 ms to expire") {
                try await leases.holder(cameraID: "door") == nil
            }
            #expect(try await !leases.renew(first, duration: .seconds(30)))
            let second = try #require(try await leases.acquire(cameraID: "door", owner: "b", duration: .seconds(30)))
            #expect(second.token > first.token)
            try await leases.release(first)
            #expect(try await leases.holder(cameraID: "door") == second)
            try await leases.release(second)
            #expect(try await leases.holder(cameraID: "door") == nil)
        }
    }

    @Test func rateLimitsAreSharedByEveryClient() async throws {
        let prefix = TestRedis.prefix()
        let configuration = try TestRedis.configuration()
        try await TestRedis.withClient(configuration) { one in
            try await TestRedis.withClient(configuration) { two in
                let limiters = [RedisRateLimiter(client: one, prefix: prefix), RedisRateLimiter(client: two, prefix: prefix)]
                var allowed = 0
                for i in 0..<10 where try await limiters[i % 2].allow(key: "api:10.0.0.1", limit: 6, window: .seconds(60)) {
                    allowed += 1
                }
                #expect(allowed == 6)
                #expect(try await limiters[0].allow(key: "api:10.0.0.2", limit: 6, window: .seconds(60)))
            }
        }
    }

    @Test func liveMessagesFanOutToEveryProcess() async throws {
        let channel = TestRedis.prefix() + "live"
        let configuration = try TestRedis.configuration()
        // Two "processes": each has its own connections and its own bus.
        let processes = (0..<2).map { _ in
            let client = RedisClient(configuration: configuration, logger: TestRedis.logger)
            let subscriber = RedisSubscriber(configuration: configuration, logger: TestRedis.logger)
            return (client, subscriber, RedisEventBus(client: client, subscriber: subscriber, channel: channel,
                                                      logger: TestRedis.logger))
        }
        let busses = processes.map(\.2)
        let message = LiveMessage.crossing(.init(cameraID: "door", line: "entrance", direction: .in, trackID: 3,
                                                 time: Date(timeIntervalSince1970: 1_800_000_000.5), totalIn: 9, totalOut: 4))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (client, subscriber, bus) in processes {
                group.addTask { try await client.run() }
                group.addTask { try await subscriber.run() }
                group.addTask { try await bus.run() }
            }
            defer { group.cancelAll() }
            let received = busses[1].subscribe()
            // Publish until the subscription is in place, then expect exactly the message.
            let got = try await withTimeout(TestRedis.hangGuard) {
                try await withThrowingTaskGroup(of: LiveMessage?.self) { inner in
                    inner.addTask {
                        var iterator = received.makeAsyncIterator()
                        return await iterator.next()
                    }
                    inner.addTask {
                        while true {
                            await busses[0].publish(message)
                            try await Task.sleep(for: .milliseconds(100))
                        }
                    }
                    defer { inner.cancelAll() }
                    return try await inner.next()!
                }
            }
            #expect(got == message)
        }
    }
}
