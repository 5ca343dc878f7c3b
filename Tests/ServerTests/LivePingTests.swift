import HummingbirdTesting
import Server
import Testing

/// A live stream whose client stops answering pings is closed by the server.
struct LivePingTests {
    @Test func aStreamThatAnswersNoPingIsClosed() async throws {
        let fixture = try await ControlPlaneFixture()
        var configuration = ControlPlaneFixture.configuration
        configuration.limits.webSocketPingInterval = .seconds(1)
        let app = buildApplication(configuration: configuration, dependencies: fixture.dependencies, logger: .init(label: "test"))
        let token = try #require(fixture.tokens[.viewer])
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // A raw upgrade, then silence: the client reads what comes and never answers a ping.
            let received = try await ConnectionGuardHandlerTests.readUntilClosed(port: port, sending: """
                GET /api/v1/live/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
                Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer \(token)\r\n\r\n
                """)
            // The upgrade was accepted, and the server closed the stream (WebSocket streams are spared
            // the idle timeout: only the unanswered pings end this one).
            #expect(received.hasPrefix("HTTP/1.1 101"), "\(received.prefix(40))")
        }
    }
}
