import Foundation
import Logging
import NIOPosix
@testable import MessagingRabbitMQ

/// The RabbitMQ the server tests use: `FOOTFALL_TEST_AMQP_URL` (e.g. from `scripts/rabbitmq.sh start`).
/// Without it the server tests are skipped — except in CI, where they must run.
enum AMQPTestServer {
    static let url = ProcessInfo.processInfo.environment["FOOTFALL_TEST_AMQP_URL"]
    static var available: Bool { url != nil || ProcessInfo.processInfo.environment["CI"] == "true" }
    static let logger = Logger(label: "test.amqp")

    static func configuration(heartbeat: UInt16 = 10) throws -> AMQPConfiguration {
        guard let url else {
            throw AMQPError.badURL(field: "FOOTFALL_TEST_AMQP_URL", reason: "is not set; start RabbitMQ with scripts/rabbitmq.sh")
        }
        var configuration = try AMQPConfiguration(url: url)
        configuration.heartbeat = heartbeat
        configuration.reconnectInitialDelay = .milliseconds(50)
        configuration.reconnectMaxDelay = .milliseconds(500)
        // A broker on a machine busy with the other tests (and nodes starting) can be slow to accept and to answer
        // the handshake; these only guard against a hang.
        configuration.connectTimeout = .seconds(60)
        configuration.connectionWaitTimeout = .seconds(60)
        return configuration
    }

    /// A name no other test uses, so tests can run in parallel on one broker.
    static func uniqueName(_ prefix: String) -> String {
        "test.\(prefix).\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs a client for the duration of `body`, then shuts it down.
    static func withClient<T: Sendable>(_ configuration: AMQPConfiguration? = nil,
                                        _ body: @Sendable (AMQPClient) async throws -> T) async throws -> T {
        let client = AMQPClient(configuration: try configuration ?? self.configuration(),
                                eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

}
