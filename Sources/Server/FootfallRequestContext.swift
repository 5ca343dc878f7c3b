import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of every route: WebSocket upgrades, the client's address (for rate
/// limits and the audit trail) and who the caller is.
public struct FootfallRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let remoteAddress: SocketAddress?
    /// Set by the authentication middleware when the request carries a valid credential.
    public var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.remoteAddress = source.channel.remoteAddress
    }

    /// The caller, or 401 when the request is not signed in.
    func caller() throws -> Identity {
        guard let identity else {
            throw APIError(.unauthorized, message: "sign in first: POST /api/v1/sessions, or send Authorization: Bearer TOKEN")
        }
        return identity
    }

    /// The client's address as text, for the audit trail.
    var clientAddress: String? { remoteAddress?.ipAddress }

    /// Whether the request comes from this machine (tests that call the router directly have no address).
    var isLoopback: Bool {
        guard let address = remoteAddress?.ipAddress else { return remoteAddress == nil }
        return address == "127.0.0.1" || address == "::1" || address.hasPrefix("127.") || address == "::ffff:127.0.0.1"
    }
}
