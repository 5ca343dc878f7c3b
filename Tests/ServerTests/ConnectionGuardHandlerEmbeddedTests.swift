import Logging
import NIOCore
import NIOEmbedded
@testable import Server
import Testing

/// The connection guard on an `EmbeddedChannel`, its time moved by hand: the timeouts are
/// checked without waiting for a clock.
struct ConnectionGuardHandlerEmbeddedTests {
    static func channel(_ limits: ConnectionLimits, registry: ConnectionRegistry? = nil) async throws -> EmbeddedChannel {
        let registry = registry ?? ConnectionRegistry(limits: limits)
        let channel = EmbeddedChannel(handler: ConnectionGuardHandler(registry: registry, logger: Logger(label: "test")))
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 40_000)).get()
        return channel
    }

    static func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    static func answered(_ channel: EmbeddedChannel) throws -> String {
        var text = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { text += String(buffer: buffer) }
        return text
    }

    @Test func aQuietWebSocketStaysOpenWhileAQuietRequestIsClosed() async throws {
        let limits = ConnectionLimits(headerTimeout: .seconds(5), idleTimeout: .seconds(1))
        let webSocket = try await Self.channel(limits)
        try Self.send(webSocket, "GET /api/v1/live/ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")
        try webSocket.writeOutbound(ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\n\r\n"))
        webSocket.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(webSocket.isActive)

        let http = try await Self.channel(limits)
        try Self.send(http, "GET /healthz HTTP/1.1\r\n\r\n")
        try http.writeOutbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
        http.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!http.isActive)
    }

    @Test func everyRequestsHeadersAreTimedNotOnlyTheFirst() async throws {
        let channel = try await Self.channel(ConnectionLimits(headerTimeout: .seconds(1), idleTimeout: .seconds(600)))
        try Self.send(channel, "GET /healthz HTTP/1.1\r\n\r\n")
        try channel.writeOutbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
        // Kept alive and quiet: the idle timeout governs, not the header deadline.
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive)
        // A second request whose headers never end.
        try Self.send(channel, "GET /healthz HTTP/1.1\r\nX-Slow: ")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        try Self.send(channel, "a")
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(600))
        #expect(!channel.isActive, "trickling bytes does not extend the header deadline")
    }

    @Test func aBodyIsNotTakenForHeaders() async throws {
        let channel = try await Self.channel(ConnectionLimits(headerTimeout: .seconds(1), idleTimeout: .seconds(600),
                                                             maximumHeaderBytes: 64))
        try Self.send(channel, "POST /x HTTP/1.1\r\nContent-Length: 400\r\n\r\n")
        for _ in 0..<4 {
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(600))
            try Self.send(channel, String(repeating: "b", count: 100))
        }
        #expect(channel.isActive)
        #expect(try Self.answered(channel) == "")
    }

    @Test func aBodyTrickledInPastTheRequestTimeoutEndsTheConnection() async throws {
        let channel = try await Self.channel(ConnectionLimits(headerTimeout: .seconds(5), idleTimeout: .seconds(60),
                                                             requestTimeout: .seconds(10)))
        try Self.send(channel, "POST /x HTTP/1.1\r\nContent-Length: 1000\r\n\r\n")
        // A byte every 5 s: never idle for long, never done.
        for _ in 0..<3 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(3))
            try Self.send(channel, "b")
        }
        #expect(channel.isActive, "9 s after the headers")
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func anAnswerStartedInTimeKeepsTheConnectionForTheNextRequest() async throws {
        let channel = try await Self.channel(ConnectionLimits(headerTimeout: .seconds(5), idleTimeout: .seconds(60),
                                                             requestTimeout: .seconds(10)))
        try Self.send(channel, "POST /x HTTP/1.1\r\nContent-Length: 1\r\n\r\nb")
        channel.embeddedEventLoop.advanceTime(by: .seconds(8))
        try channel.writeOutbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(30))
        #expect(channel.isActive, "answered: the request timer is off until the next request's headers end")
    }

    @Test func aBodyReadAfterAnEarlyAnswerIsNotTakenForTheNextHead() async throws {
        let channel = try await Self.channel(ConnectionLimits())
        try Self.send(channel, "POST /x HTTP/1.1\r\nContent-Length: 30\r\n\r\n")
        // Refused before its body was read (a 401, a 413), then the body arrives.
        try channel.writeOutbound(ByteBuffer(string: "HTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\n\r\n{}"))
        _ = try Self.answered(channel)
        try Self.send(channel, "not a request line, a body\r\n\r\n")
        #expect(try Self.answered(channel) == "", "no answer of the guard's own")
        #expect(channel.isActive)
    }

    @Test func theEmptyBadRequestOfTheHTTPLayerGetsAJSONBody() async throws {
        let channel = try await Self.channel(ConnectionLimits())
        try Self.send(channel, "GARBAGE\r\n\r\n")
        try channel.writeOutbound(ByteBuffer(string: "HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"))
        let answer = try Self.answered(channel)
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json"))
        #expect(answer.hasSuffix(#"{"error":{"message":"the request is not valid HTTP"}}"#))
        #expect(answer.contains("X-Content-Type-Options: nosniff"))
        // The API's own 400s, which have bodies, pass as they are.
        let api = try await Self.channel(ConnectionLimits())
        try Self.send(api, "GET /x HTTP/1.1\r\n\r\n")
        let own = "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\n"
        try api.writeOutbound(ByteBuffer(string: own))
        #expect(try Self.answered(api) == own)
    }

    @Test func longRequestLinesGet414AndLongHeaders431() async throws {
        let limits = ConnectionLimits(maximumHeaderBytes: 64)
        let line = try await Self.channel(limits)
        try Self.send(line, "GET /" + String(repeating: "a", count: 100))
        #expect(try Self.answered(line).hasPrefix("HTTP/1.1 414 URI Too Long"))
        let headers = try await Self.channel(limits)
        try Self.send(headers, "GET / HTTP/1.1\r\nX-Long: " + String(repeating: "a", count: 100))
        let answer = try Self.answered(headers)
        #expect(answer.hasPrefix("HTTP/1.1 431"))
        #expect(answer.contains("X-Content-Type-Options: nosniff"))
        #expect(answer.hasSuffix(#"{"error":{"message":"the request line and headers may have at most 64 bytes"}}"#))
    }

    @Test func theCapRefusesAndAFreedPlaceIsGivenAgain() async throws {
        let registry = ConnectionRegistry(limits: ConnectionLimits(maximumConnectionsPerAddress: 1))
        let first = try await Self.channel(registry.limits, registry: registry)
        let second = try await Self.channel(registry.limits, registry: registry)
        let refusal = try Self.answered(second)
        #expect(refusal.hasPrefix("HTTP/1.1 503"))
        #expect(refusal.contains("Retry-After: 5"))
        #expect(registry.count == 1)
        _ = try? first.finish()
        #expect(registry.count == 0)
        let third = try await Self.channel(registry.limits, registry: registry)
        #expect(try Self.answered(third) == "")
        #expect(registry.count == 1)
    }
}
