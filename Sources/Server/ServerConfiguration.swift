/// Where the HTTP server listens, and how much one client may ask of it.
public struct ServerConfiguration: Hashable, Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    /// API requests one client may make per minute (0: no limit). WebSocket streams count once.
    public var requestsPerMinute: Int

    public init(host: String = "127.0.0.1", port: Int = 8080, requestsPerMinute: Int = 0) {
        self.host = host
        self.port = port
        self.requestsPerMinute = requestsPerMinute
    }
}
