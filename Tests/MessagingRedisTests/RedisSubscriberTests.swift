import FootfallSupport
import FootfallTestSupport
import Foundation
import MessagingRedis
import Testing

@Suite(.enabled(if: TestRedis.available, "needs FOOTFALL_TEST_REDIS_URL"))
struct RedisSubscriberTests {
    @Test(arguments: [RedisConfiguration.ProtocolVersion.resp2, .resp3])
    func receivesChannelAndPatternMessages(version: RedisConfiguration.ProtocolVersion) async throws {
        let prefix = TestRedis.prefix()
        let subscriber = RedisSubscriber(configuration: try TestRedis.configuration(protocolVersion: version),
                                         logger: TestRedis.logger)
        try await TestRedis.withClient(try TestRedis.configuration()) { redis in
            try await TestRedis.withRunning(subscriber) {
                try await withTimeout(TestRedis.hangGuard) { try await subscriber.subscribe(prefix + "counts") }
                try await withTimeout(TestRedis.hangGuard) { try await subscriber.psubscribe(prefix + "site.*") }

                #expect(try await redis.publish("entered", to: prefix + "counts") == 1)
                #expect(try await redis.publish("left", to: prefix + "site.7") == 1)
                #expect(try await redis.publish("nobody", to: prefix + "other") == 0)

                let messages = try await Self.next(2, from: subscriber)
                #expect(messages[0].channel == prefix + "counts")
                #expect(messages[0].string == "entered")
                #expect(messages[0].pattern == nil)
                #expect(messages[1].channel == prefix + "site.7")
                #expect(messages[1].pattern == prefix + "site.*")
                #expect(messages[1].string == "left")

                try await subscriber.unsubscribe(prefix + "counts")
                try await Self.waitForReceivers(0, channel: prefix + "counts", redis: redis)
            }
        }
    }

    @Test(arguments: [RedisConfiguration.ProtocolVersion.resp2, .resp3])
    func resubscribesAfterTheConnectionIsKilled(version: RedisConfiguration.ProtocolVersion) async throws {
        let prefix = TestRedis.prefix()
        let name = "footfall-sub-\(UUID().uuidString.prefix(8).lowercased())"
        var configuration = try TestRedis.configuration(protocolVersion: version)
        configuration.clientName = name
        let subscriber = RedisSubscriber(configuration: configuration,
                                         backoff: Backoff(initial: .milliseconds(100), maximum: .milliseconds(200)),
                                         logger: TestRedis.logger)
        try await TestRedis.withClient(try TestRedis.configuration()) { redis in
            try await TestRedis.withRunning(subscriber) {
                try await withTimeout(TestRedis.hangGuard) { try await subscriber.subscribe(prefix + "live") }
                try await withTimeout(TestRedis.hangGuard) { try await subscriber.psubscribe(prefix + "zone.*") }
                #expect(try await redis.publish("before", to: prefix + "live") == 1)
                #expect(try await Self.next(1, from: subscriber).first?.string == "before")

                // Kill only this test's subscriber connection, found by its client name.
                let clients = try await redis.send("CLIENT", "LIST", "TYPE", "pubsub").string ?? ""
                let line = try #require(clients.split(separator: "\n").first { $0.contains("name=\(name) ") })
                let id = try #require(line.split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3))
                #expect(try await redis.send("CLIENT", "KILL", "ID", String(id)) == .integer(1))

                // One subscriber of the channel again means the new connection is up; subscribing to
                // the pattern again returns once the new connection has it too.
                try await Self.waitForReceivers(1, channel: prefix + "live", redis: redis)
                try await withTimeout(TestRedis.hangGuard) { try await subscriber.psubscribe(prefix + "zone.*") }
                #expect(try await redis.publish("after", to: prefix + "live") == 1)
                #expect(try await redis.publish("zoned", to: prefix + "zone.3") == 1)
                let messages = try await Self.next(2, from: subscriber)
                #expect(messages.map(\.string) == ["after", "zoned"])
                #expect(messages.last?.pattern == prefix + "zone.*")
            }
        }
    }

    @Test func messagesFinishWhenRunEnds() async throws {
        let subscriber = RedisSubscriber(configuration: try TestRedis.configuration(), logger: TestRedis.logger)
        try await TestRedis.withRunning(subscriber) {
            try await withTimeout(TestRedis.hangGuard) { try await subscriber.subscribe(TestRedis.prefix() + "x") }
        }
        let remaining = try await withTimeout(TestRedis.hangGuard) {
            var count = 0
            for await _ in subscriber.messages { count += 1 }
            return count
        }
        #expect(remaining == 0)
        await #expect(throws: RedisError.shutDown) { try await subscriber.subscribe("too-late") }
    }

    /// The next `count` messages; fails (rather than hangs) if they never come.
    static func next(_ count: Int, from subscriber: RedisSubscriber) async throws -> [RedisSubscriber.Message] {
        try await withTimeout(TestRedis.hangGuard) {
            var received: [RedisSubscriber.Message] = []
            for await message in subscriber.messages {
                received.append(message)
                if received.count == count { break }
            }
            return received
        }
    }

    /// Waits until Redis counts `expected` subscribers of `channel` (`PUBSUB NUMSUB`).
    static func waitForReceivers(_ expected: Int, channel: String, redis: RedisClient) async throws {
        try await eventually("\(channel) to have \(expected) subscribers") {
            try await redis.send("PUBSUB", "NUMSUB", channel).array?.last?.int == expected
        }
    }
}
