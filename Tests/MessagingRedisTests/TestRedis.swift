import Foundation
import Logging
import MessagingRedis
import ServiceLifecycle
import Testing

/// The Redis server for the tests: `FOOTFALL_TEST_REDIS_URL` (for example `redis://127.0.0.1:56391/0`).
/// Without it the server tests are skipped — except in CI (`CI=true`), where they must run.
enum TestRedis {
    static let url = ProcessInfo.processInfo.environment["FOOTFALL_TEST_REDIS_URL"]
    static var available: Bool { url != nil || ProcessInfo.processInfo.environment["CI"] == "true" }
    static let logger = Logger(label: "test.redis")
    /// How long a step that must finish may take before the test fails instead of hanging: a guard,
    /// not a verdict, so generous enough for a loaded two-core machine (the whole suite runs at
    /// once: a CI run took 60 s to deliver one pub/sub message while other tests held the cores).
    static let hangGuard = Duration.seconds(180)

    static func configuration(protocolVersion: RedisConfiguration.ProtocolVersion = .resp2) throws -> RedisConfiguration {
        guard let url else {
            throw RedisError.invalidConfiguration(field: "FOOTFALL_TEST_REDIS_URL", reason: "not set; start Redis with scripts/redis.sh")
        }
        var configuration = try RedisConfiguration(url: url)
        configuration.protocolVersion = protocolVersion
        return configuration
    }

    /// A key prefix no other test uses, so tests can run in parallel on one server.
    static func prefix(_ name: String = #function) -> String {
        "footfall-test:\(name.prefix(while: { $0 != "(" })):\(UUID().uuidString.prefix(8)):"
    }

    /// Runs `body` while `service` runs, then stops it by cancelling its task.
    static func withRunning<S: Service, T: Sendable>(_ service: S, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await service.run() }
            do {
                let result = try await body()
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Runs `body` with a running client on `configuration`.
    static func withClient<T: Sendable>(_ configuration: RedisConfiguration, _ body: (RedisClient) async throws -> T)
        async throws -> T
    {
        let client = RedisClient(configuration: configuration, logger: logger)
        return try await withRunning(client) { try await body(client) }
    }
}
