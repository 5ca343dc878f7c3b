import FootfallSupport
import FootfallTestSupport
import Foundation
import Logging
import MessagingRedis
import Testing

/// The subscriber's reconnection delays, timed on a manual clock. Most tests connect to port 1
/// on loopback, where nothing listens (it is privileged), so every attempt fails at once and no
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

    @Test(.enabled(if: TestRedis.available, "needs FOOTFALL_TEST_REDIS_URL"))
    func aConnectionThatWasUpStartsTheDelaysAgain() async throws {
        let clock = ManualClock()
        let channel = TestRedis.prefix() + "live"
        let name = "footfall-sub-\(UUID().uuidString.prefix(8).lowercased())"
        var configuration = try TestRedis.configuration()
        configuration.clientName = name
        let subscriber = RedisSubscriber(
            configuration: configuration, backoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(500), jitter: .none),
            clock: clock, logger: TestRedis.logger)
        try await TestRedis.withClient(try TestRedis.configuration()) { redis in
            try await TestRedis.withRunning(subscriber) {
                for round in 1...3 {
                    try await withTimeout(TestRedis.hangGuard) { try await subscriber.subscribe(channel) }
                    // Kill the subscriber's connection, found by its client name.
                    let clients = try await redis.send("CLIENT", "LIST", "TYPE", "pubsub").string ?? ""
                    let line = try #require(clients.split(separator: "\n").first { $0.contains("name=\(name) ") })
                    let id = try #require(line.split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3))
                    #expect(try await redis.send("CLIENT", "KILL", "ID", String(id)) == .integer(1))
                    try await eventually("the subscriber to wait before reconnecting, round \(round)") { clock.sleepers == 1 }
                    let deadline = try #require(clock.nextDeadline)
                    // Each time the first delay: the connection that was up reset the sequence.
                    #expect(clock.now.duration(to: deadline) == .milliseconds(100))
                    clock.advance(to: deadline)
                }
            }
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
