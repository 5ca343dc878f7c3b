import FootfallSupport
import FootfallTestSupport
import CountingCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import HummingbirdWebSocket
import Messaging
import NIOCore
import NIOPosix
import Prometheus
import Server
import Storage
import Testing

/// Idle, slow and too many connections against a live server on loopback. Each test waits for
/// the server to close a connection (bounded only to guard against a hang), never for a time
/// to pass; what depends on time passing is in `ConnectionGuardHandlerEmbeddedTests`.
struct ConnectionGuardHandlerTests {
    let bus = InProcessEventBus()
    let store = InMemoryStore()

    func app(_ limits: ConnectionLimits) -> some ApplicationProtocol {
        let dependencies = ServerDependencies(store: store, live: InMemoryLiveState(), bus: bus,
                                              metrics: PrometheusCollectorRegistry())
        return buildApplication(configuration: .init(port: 0, limits: limits), dependencies: dependencies,
                                logger: .init(label: "test"))
    }

    /// A raw TCP connection: sends `request` (if any), then reads until the server closes it and
    /// returns what it read. Fails if the server keeps it open for `bound`.
    static func readUntilClosed(port: Int, sending request: String? = nil, bound: Duration = .seconds(60)) async throws -> String {
        try await withTimeout(bound, clock: ContinuousClock()) {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                if let request {
                    do {
                        try await outbound.write(ByteBuffer(string: request))
                    } catch ChannelError.ioOnClosedChannel {
                        // On a loaded machine the server's deadline can pass before the client
                        // writes: the connection is already closed, which is what is tested.
                        return ""
                    }
                }
                var received = ""
                do {
                    for try await buffer in inbound { received += String(buffer: buffer) }
                } catch let error as IOError where error.errnoCode == ECONNRESET {
                    // Closed with request bytes still unread on the server's side: a reset is a close too.
                }
                return received
            }
        }
    }

    /// Opens a connection, sends one request and reads until the answer's body or the close.
    static func ask(port: Int) async throws -> (channel: any Channel, answer: String) {
        try await withTimeout(.seconds(60), clock: ContinuousClock()) { try await askUnbounded(port: port) }
    }

    private static func askUnbounded(port: Int) async throws -> (channel: any Channel, answer: String) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        var received = ""
        try? await channel.outbound.write(ByteBuffer(string: "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"))
        // Nothing more is written; the connection itself stays open until the test closes it.
        channel.outbound.finish()
        var iterator = channel.inbound.makeAsyncIterator()
        while let buffer = try? await iterator.next() {
            received += String(buffer: buffer)
            if received.hasSuffix("}") { break }
        }
        return (channel.channel, received)
    }

    @Test func aConnectionThatSendsNothingIsClosed() async throws {
        // The idle timeout is far away, so only the header deadline can close it.
        try await app(.init(headerTimeout: .milliseconds(300), idleTimeout: .seconds(3600))).test(.live) { client in
            let port = try #require(client.port)
            #expect(try await Self.readUntilClosed(port: port) == "")
        }
    }

    @Test func headersThatNeverEndAreCut() async throws {
        try await app(.init(headerTimeout: .milliseconds(300), idleTimeout: .seconds(3600))).test(.live) { client in
            let port = try #require(client.port)
            let received = try await Self.readUntilClosed(port: port, sending: "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            #expect(received == "")
        }
    }

    @Test func aHugeRequestLineIsRefused() async throws {
        // Deadlines far away: only the size can end it.
        try await app(.init(headerTimeout: .seconds(3600), idleTimeout: .seconds(3600))).test(.live) { client in
            let port = try #require(client.port)
            let line = "GET /" + String(repeating: "a", count: 100 << 10) + " HTTP/1.1\r\nHost: x\r\n\r\n"
            let received = try await Self.readUntilClosed(port: port, sending: line)
            #expect(received.hasPrefix("HTTP/1.1 414"), "\(received.prefix(80))")
            #expect(received.contains(#"{"error":{"message":"the request line may have at most"#))
        }
    }

    @Test func beyondTheCapANewConnectionGets503AndLaterOnesAreServedAgain() async throws {
        let limits = ConnectionLimits(maximumConnectionsPerAddress: 4, headerTimeout: .seconds(3600), idleTimeout: .seconds(3600))
        try await app(limits).test(.live) { client in
            let port = try #require(client.port)
            // Connections answered one after another (so each was admitted before the next came),
            // kept open, until the cap refuses one. The test client may hold one of its own.
            var held: [any Channel] = []
            var refusal: String?
            for _ in 0..<6 {
                let (channel, answer) = try await Self.ask(port: port)
                held.append(channel)
                if answer.hasPrefix("HTTP/1.1 503") {
                    refusal = answer
                    break
                }
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(40))")
            }
            let refused = try #require(refusal, "no connection was refused")
            #expect(held.count >= 4 && held.count <= 5, "refused after \(held.count - 1) connections")
            #expect(refused.contains(#""error":{"message":"the server holds as many connections as it may"#))
            #expect(refused.contains("Retry-After: 5"))
            for channel in held { try? await channel.close() }
            // Once those are gone the server answers again (it notices their close on its own loop).
            try await eventually("the server answers again once connections were freed") {
                // A connection still refused may be closed before the request is written: try again.
                let received = try? await Self.readUntilClosed(
                    port: port, sending: "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return received?.hasPrefix("HTTP/1.1 200") == true
            }
        }
    }
}
