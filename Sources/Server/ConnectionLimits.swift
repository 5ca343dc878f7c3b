/// Limits on the connections one server process holds, so that idle, slow or too many clients
/// cannot exhaust it. Every value is configurable; the defaults suit one site's dashboards,
/// scripts and cameras.
public struct ConnectionLimits: Sendable, Hashable {
    /// Connections held at once; beyond it a new one is answered 503 and closed.
    public var maximumConnections: Int
    /// Connections from one address at once (behind a proxy every client has the proxy's).
    public var maximumConnectionsPerAddress: Int
    /// A new connection must have sent its first request's headers within this.
    public var headerTimeout: Duration
    /// A connection on which nothing was read or written for this long is closed (WebSocket
    /// streams excepted: they are kept alive by pings).
    public var idleTimeout: Duration
    /// From the end of a request's headers to the start of its answer: a body sent too slowly
    /// (a byte now and then keeps the idle timeout away) or a request taking too long ends the
    /// connection.
    public var requestTimeout: Duration
    /// Bytes of one header field, and of all of them (the request line included).
    public var maximumHeaderBytes: Int
    /// Live WebSocket streams one client address may hold at once (beyond: 429).
    public var maximumLiveStreamsPerAddress: Int
    /// A live WebSocket stream is pinged this often; one whose client has not answered the last
    /// ping by the next is closed.
    public var webSocketPingInterval: Duration

    public init(maximumConnections: Int = 4_096, maximumConnectionsPerAddress: Int = 512, headerTimeout: Duration = .seconds(10),
                idleTimeout: Duration = .seconds(60), requestTimeout: Duration = .seconds(60), maximumHeaderBytes: Int = 32 << 10,
                maximumLiveStreamsPerAddress: Int = 64, webSocketPingInterval: Duration = .seconds(30)) {
        self.webSocketPingInterval = webSocketPingInterval
        self.requestTimeout = requestTimeout
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumLiveStreamsPerAddress = maximumLiveStreamsPerAddress
    }
}
