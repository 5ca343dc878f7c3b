import FootfallSupport
import FootfallTestSupport
import Logging
import MessagingRedis
import Testing

/// The subscriber's reconnection delays, timed on a manual clock. It connects to port 1 on
/// loopback, where nothing listens (it is privileged), so every attempt fails at once and no
/// Redis server is needed.
struct RedisSubscriberReconnectTests {
    @Test func delaysDoubleUpToTheMaximum() async throws {
        let delays = try await observeDelays(
            backoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(500), jitter: .none), count: 6)
        #expect(delays == [100, 200, 400, 500, 500, 500].map { Duration.milliseconds($0) })
    }

    @Test func jitterKeepsEachDelayBetweenHalfAndAllOfIt() async throws {
        let delays = try await observeDelays(
            backoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(500), jitter: .equal), count: 6)
        for (delay, full) in zip(delays, [100, 200, 400, 500, 500, 500].map { Duration.milliseconds($0) }) {
            #expect(delay >= full / 2 && delay <= full, "\(delay) is not within \(full / 2) to \(full)")
        }
    }

    /// Runs a subscriber against the closed port and records the first `count` delays it sleeps
    /// before reconnecting, moving the clock to the end of each.
    private func observeDelays(backoff: Backoff, count: Int) async throws -> [Duration] {
        let clock = ManualClock()
        let configuration = RedisConfiguration(host: "127.0.0.1", port: 1)
        let subscriber = RedisSubscriber(configuration: configuration, backoff: backoff, clock: clock,
                                         logger: Logger(label: "test.redis-subscriber"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await subscriber.run() }
            defer { group.cancelAll() }
            var delays: [Duration] = []
            for attempt in 1...count {
                try await eventually("the subscriber to wait before attempt \(attempt + 1)") { clock.sleepers == 1 }
                let deadline = try #require(clock.nextDeadline)
                delays.append(clock.now.duration(to: deadline))
                clock.advance(to: deadline)
            }
            return delays
        }
    }
}
