import FootfallSupport
import FootfallTestSupport
import Foundation
import Logging
import Messaging
import MessagingRedis
import Testing

extension MessagingConformanceTests {
    /// A messaging backend: the in-process versions Footfall runs embedded, or the Redis ones
    /// shared by several processes.
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case inProcess = "in-process"
        case redis

        var testDescription: String { rawValue }

        /// The backends that can run here: Redis needs `FOOTFALL_TEST_REDIS_URL` (`scripts/test.sh`
        /// starts a server), and must run in CI.
        static var available: [Backend] {
            RedisServer.available ? allCases : [.inProcess]
        }

        /// The available backends whose live cache has heartbeats: a camera whose writer stops
        /// reads as offline. In process there is none to expire, since the writer and the readers
        /// are one process and stop together.
        static var withHeartbeats: [Backend] {
            available.filter { $0 == .redis }
        }

        /// How long the backend's leases, windows or heartbeats last in tests that wait for them to
        /// end: any length on a manual clock; on Redis, whose expiries run on the server's clock, a
        /// short one that the test waits out.
        var short: Duration {
            switch self {
            case .inProcess: .seconds(10)
            case .redis: .milliseconds(300)
            }
        }

        /// Runs `body` with fresh leases and the way to let time pass on them.
        func withLeases(_ body: (any CameraLeases, Time) async throws -> Void) async throws {
            switch self {
            case .inProcess:
                let clock = ManualClock()
                try await body(InMemoryCameraLeases(clock: clock), Time(clock: clock, short: short))
            case .redis:
                try await RedisServer.withClient { client, prefix in
                    // An old Redis data set: the grace period after an emptied Redis is long over.
                    try await client.set(prefix + "epoch", to: "0")
                    try await body(RedisCameraLeases(client: client, prefix: prefix), Time(clock: nil, short: short))
                }
            }
        }

        /// Runs `body` with an empty worker registry and the way to let time pass on it.
        func withWorkers(_ body: (any WorkerRegistry, Time) async throws -> Void) async throws {
            switch self {
            case .inProcess:
                let clock = ManualClock()
                try await body(InMemoryWorkerRegistry(clock: clock), Time(clock: clock, short: short))
            case .redis:
                try await RedisServer.withClient { client, prefix in
                    try await body(RedisWorkerRegistry(client: client, prefix: prefix), Time(clock: nil, short: short))
                }
            }
        }

        /// Runs `body` with no checkpoints kept.
        func withCheckpoints(_ body: (any CameraCheckpoints) async throws -> Void) async throws {
            switch self {
            case .inProcess:
                try await body(InMemoryCameraCheckpoints())
            case .redis:
                try await RedisServer.withClient { client, prefix in
                    try await body(RedisCameraCheckpoints(client: client, prefix: prefix))
                }
            }
        }

        /// Runs `body` with a fresh rate limiter and the way to let time pass on it.
        func withRateLimiter(_ body: (any RateLimiter, Time) async throws -> Void) async throws {
            switch self {
            case .inProcess:
                let clock = ManualClock()
                try await body(InMemoryRateLimiter(clock: clock), Time(clock: clock, short: short))
            case .redis:
                try await RedisServer.withClient { client, prefix in
                    try await body(RedisRateLimiter(client: client, prefix: prefix), Time(clock: nil, short: short))
                }
            }
        }

        /// Runs `body` with an empty live cache. With `heartbeatTimeout`, writes give cameras a
        /// heartbeat of that length; otherwise one no test outlasts.
        func withLiveState(_ body: (_ live: any LiveStateStore, _ withHeartbeat: (Duration) -> any LiveStateStore) async throws -> Void)
            async throws
        {
            switch self {
            case .inProcess:
                let live = InMemoryLiveState()
                try await body(live, { _ in live })
            case .redis:
                try await RedisServer.withClient { client, prefix in
                    func store(_ heartbeat: Duration) -> any LiveStateStore {
                        RedisLiveState(client: client, prefix: prefix, heartbeatTimeout: heartbeat, logger: RedisServer.logger)
                    }
                    try await body(store(.seconds(600)), store)
                }
            }
        }

        /// Runs `body` with the event buses of `processes` processes that share one fan-out: in
        /// process that is one bus; on Redis each has its own connections, and all are subscribed
        /// before `body` runs.
        func withBuses(processes: Int, _ body: ([any EventBus]) async throws -> Void) async throws {
            switch self {
            case .inProcess:
                let bus = InProcessEventBus()
                try await body(Array(repeating: bus, count: processes))
            case .redis:
                let configuration = try RedisServer.configuration()
                let channel = RedisServer.prefix() + "live"
                let logger = RedisServer.logger
                let services = (0..<processes).map { _ in
                    let client = RedisClient(configuration: configuration, logger: logger)
                    let subscriber = RedisSubscriber(configuration: configuration, logger: logger)
                    return (client, subscriber, RedisEventBus(client: client, subscriber: subscriber, channel: channel, logger: logger))
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (client, subscriber, bus) in services {
                        group.addTask { try await client.run() }
                        group.addTask { try await subscriber.run() }
                        group.addTask { try await bus.run() }
                    }
                    defer { group.cancelAll() }
                    // Pub/sub keeps nothing for late subscribers: wait until every process listens.
                    try await eventually("every process to subscribe to \(channel)") {
                        try await services[0].0.send("PUBSUB", "NUMSUB", channel).array?.last?.int == processes
                    }
                    try await body(services.map(\.2))
                }
            }
        }
    }

    /// How a test lets a backend's ``Backend/short`` duration pass.
    struct Time {
        /// The manual clock of the in-process backends; `nil` for Redis, whose expiries run on the server.
        let clock: ManualClock?
        let short: Duration

        /// Lets the short duration pass until `condition` holds. On a manual clock it must not
        /// hold before and must hold right after; on a server it must come to hold.
        func waitOut(_ what: String, sourceLocation: SourceLocation = #_sourceLocation,
                     _ condition: () async throws -> Bool) async throws {
            guard let clock else {
                try await eventually(what, sourceLocation: sourceLocation, condition)
                return
            }
            #expect(try await !condition(), "\(what): already before \(short) passed", sourceLocation: sourceLocation)
            clock.advance(by: short)
            #expect(try await condition(), "\(what): not after \(short) passed", sourceLocation: sourceLocation)
        }
    }

    /// The Redis server for the Redis backends: `FOOTFALL_TEST_REDIS_URL`. Without it they are
    /// skipped, except in CI (`CI=true`), where they must run.
    enum RedisServer {
        static let url = ProcessInfo.processInfo.environment["FOOTFALL_TEST_REDIS_URL"]
        static var available: Bool { url != nil || ProcessInfo.processInfo.environment["CI"] == "true" }
        static let logger = Logger(label: "test.messaging-conformance")

        static func configuration() throws -> RedisConfiguration {
            guard let url else {
                throw RedisError.invalidConfiguration(field: "FOOTFALL_TEST_REDIS_URL", reason: "not set; start Redis with scripts/redis.sh")
            }
            return try RedisConfiguration(url: url)
        }

        /// A key prefix no other test uses, so tests can run in parallel on one server.
        static func prefix() -> String {
            "footfall-test:conformance:\(UUID().uuidString.prefix(8)):"
        }

        /// Runs `body` with a running client and a fresh key prefix.
        static func withClient(_ body: (RedisClient, String) async throws -> Void) async throws {
            let client = RedisClient(configuration: try configuration(), logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await client.run() }
                defer { group.cancelAll() }
                try await body(client, prefix())
            }
        }
    }
}
