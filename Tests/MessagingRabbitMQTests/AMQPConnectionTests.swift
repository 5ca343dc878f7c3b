import FootfallTestSupport
import Logging
import NIOPosix
import Testing
@testable import MessagingRabbitMQ

@Suite(.enabled(if: AMQPTestServer.available, "needs RabbitMQ at FOOTFALL_TEST_AMQP_URL (scripts/rabbitmq.sh start)"))
struct AMQPConnectionTests {
    @Test func handshakeNegotiatesLimitsAndClosesGracefully() async throws {
        var configuration = try AMQPTestServer.configuration(heartbeat: 7)
        configuration.frameMax = 65_536
        let connection = try await AMQPConnection.connect(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                                          logger: AMQPTestServer.logger)
        let negotiated = try await connection.negotiated()
        #expect(negotiated.heartbeat == 7)
        #expect(negotiated.frameMax == 65_536)
        #expect(negotiated.channelMax > 0)
        let channel = try await connection.openChannel()
        #expect(await channel.isOpen)
        try await connection.close().get()
        let reason = try await connection.closed.get()
        #expect(reason == .connectionClosed(reason: "the client closed the connection"))
        #expect(!connection.isOpen)
    }

    @Test func wrongPasswordIsRefusedWithoutShowingIt() async throws {
        var configuration = try AMQPTestServer.configuration()
        configuration.password = "not-the-password"
        do {
            _ = try await AMQPConnection.connect(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                                 logger: AMQPTestServer.logger)
            Issue.record("login should fail")
        } catch let error as AMQPError {
            #expect(error == .authenticationFailed(user: configuration.user))
            #expect(!error.description.contains("not-the-password"))
        }
    }

    @Test func connectionRefusedIsAConnectionError() async throws {
        var configuration = try AMQPTestServer.configuration()
        configuration.port = 1
        await #expect(throws: AMQPError.self) {
            _ = try await AMQPConnection.connect(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                                 logger: AMQPTestServer.logger)
        }
    }

    @Test func shortHeartbeatKeepsAnIdleConnectionAlive() async throws {
        let configuration = try AMQPTestServer.configuration(heartbeat: 4)
        let connection = try await AMQPConnection.connect(configuration: configuration, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                                          logger: AMQPTestServer.logger)
        #expect(try await connection.negotiated().heartbeat == 4)
        // Idle until the broker has sent six heartbeats (it sends one every half interval): at least three
        // intervals, longer than either side waits before giving the other up (two), so the connection is still
        // open only if heartbeats went both ways. On a loaded machine this takes longer, not a different verdict;
        // the timing itself is tested without a server (AMQPConnectionStateMachineTests).
        try await eventually("six heartbeats from the broker", timeout: .seconds(120)) {
            try await connection.heartbeatsReceived() >= 6 || !connection.isOpen
        }
        #expect(connection.isOpen, "the idle connection was dropped")
        let channel = try await connection.openChannel()
        let queue = AMQPTestServer.uniqueName("heartbeat")
        let response = try await channel.call(.queueDeclare(queue: queue, passive: false, durable: false, exclusive: true,
                                                            autoDelete: false, noWait: false, arguments: [:]))
        #expect(response.method == .queueDeclareOk(queue: queue, messageCount: 0, consumerCount: 0))
        try await connection.close().get()
    }
}
