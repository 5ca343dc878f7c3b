/// Where the HTTP server listens.
public struct ServerConfiguration: Hashable, Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}
