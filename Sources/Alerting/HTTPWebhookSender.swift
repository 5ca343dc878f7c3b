import AsyncHTTPClient
import FootfallSupport
import Foundation
import Logging
import Messaging
import NIOCore
import ServiceLifecycle

/// Posts events to a webhook: the body is one `WebhookEvent` (an alert change as the WebSocket
/// sends it, or a report made with links to its files), signed with HMAC-SHA256
/// (`FootfallSignature`), with `X-Footfall-Delivery` naming the event (`<alert id>.<state>`, or
/// `report.<tenant>.<site>.<name>`) so that a receiver can drop a copy it already has.
/// Anything but a 2xx answer within the timeout is a failure, for the queue to try again.
///
/// A `Service` only to close its HTTP client at shutdown: run it before the queue that uses it
/// in the service group, so it stops after that queue.
public final class HTTPWebhookSender: WebhookSender, Service {
    public static let deliveryHeader = "X-Footfall-Delivery"

    private let url: String
    private let secret: [UInt8]
    private let timeout: Duration
    private let client: HTTPClient
    private let wallClock: @Sendable () -> Date

    /// - Parameters:
    ///   - url: an `http` or `https` address.
    ///   - secret: the shared secret of the signature; never logged.
    ///   - connectTimeout: how long to keep trying to connect (the client retries a refused connection until then).
    public init(url: String, secret: [UInt8], timeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(5),
                wallClock: @escaping @Sendable () -> Date = Date.init) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.wallClock = wallClock
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .milliseconds(connectTimeout.inMilliseconds), read: .milliseconds(timeout.inMilliseconds))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func send(_ event: WebhookEvent) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let body = [UInt8](try encoder.encode(event))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Footfall")
        request.headers.add(name: Self.deliveryHeader, value: event.deliveryID)
        request.headers.add(name: FootfallSignature.header,
                            value: FootfallSignature.header(body: body, timestamp: Int(wallClock().timeIntervalSince1970), secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .milliseconds(timeout.inMilliseconds))
        } catch {
            throw AlertingError.webhookUnreachable(reason: "\(error)")
        }
        // The body is not needed; reading it (a little) frees the connection for the next delivery.
        _ = try? await response.body.collect(upTo: 64 << 10)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw AlertingError.webhookRefused(status: Int(response.status.code))
        }
    }

    /// Waits for shutdown, then closes the HTTP client.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Closes the HTTP client; `run` does this at shutdown, a sender used without a service group must do it itself.
    public func shutdown() async throws {
        try await client.shutdown()
    }
}
