import FootfallTestSupport
import Foundation
import NIOPosix
import Testing
@testable import MessagingRabbitMQ

/// `amqps://` against a real RabbitMQ node speaking TLS with a throwaway authority's
/// certificate: trusted through `cacertfile`, refused without it or with another authority.
@Suite(.enabled(if: AMQPTestServer.available, "needs RabbitMQ (scripts/rabbitmq.sh) like the other server tests"))
struct AMQPTLSTests {
    @Test func aBrokerCertifiedByTheGivenAuthorityIsTrustedAndNoOtherIs() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let node = try await RabbitMQTestNode.start(tlsDirectory: certificates.directory)
        do {
            let url = try #require(node.tlsURL)
            #expect(url.hasPrefix("amqps://") && url.contains("cacertfile="))
            let trusted = try AMQPConfiguration(url: url)
            #expect(trusted.tls?.caFile == certificates.caFile && trusted.port == node.port + 1)
            let connection = try await AMQPConnection.connect(configuration: trusted, eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                                              logger: AMQPTestServer.logger)
            let channel = try await connection.openChannel()
            #expect(await channel.isOpen)
            try await connection.close().get()

            let tlsPort = node.port + 1
            for refused in ["amqps://guest:guest@127.0.0.1:\(tlsPort)/%2F?cacertfile=\(certificates.otherCAFile)",
                            "amqps://guest:guest@127.0.0.1:\(tlsPort)/%2F", "amqp://guest:guest@127.0.0.1:\(tlsPort)/%2F"] {
                var configuration = try AMQPConfiguration(url: refused)
                configuration.connectTimeout = .seconds(5)
                await #expect(throws: (any Error).self, "\(refused)") {
                    let connection = try await AMQPConnection.connect(configuration: configuration,
                                                                      eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                                                      logger: AMQPTestServer.logger)
                    try await connection.close().get()
                }
            }
        } catch {
            try? await node.stop()
            throw error
        }
        try await node.stop()
    }
}
