import NIOSSL

/// Where the HTTP server listens, and how it treats its clients.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    /// API requests one client may make per minute (0: no limit). WebSocket streams count once.
    public var requestsPerMinute: Int
    /// Where camera video files may be named through the API; nil: files only from the command line.
    public var mediaDirectory: String?
    /// Mark the session cookie Secure and send Strict-Transport-Security (Footfall is reached
    /// over HTTPS: its own, or a proxy's).
    public var secureCookies: Bool
    /// Serve HTTPS with this context (certificate and key); nil serves plain HTTP.
    public var tls: NIOSSLContext?
    /// Addresses browsers reach Footfall at, besides the one each request asks for: the
    /// origins whose changes and live streams are accepted.
    public var publicURLs: [String]
    /// How far pushed frames' times may be from the server's clock.
    public var pushWindow: PushWindow
    /// Pushed detections must carry a valid `X-Footfall-Signature`.
    public var requirePushSignature: Bool
    /// Connections held at once, and how long idle or slow ones are kept.
    public var limits: ConnectionLimits
    /// Sign-in, session and token settings.
    public var authentication: Authenticator.Settings

    public init(host: String = "127.0.0.1", port: Int = 8080, requestsPerMinute: Int = 0, mediaDirectory: String? = nil,
                secureCookies: Bool = false, publicURLs: [String] = [], pushWindow: PushWindow = .init(),
                limits: ConnectionLimits = .init(), authentication: Authenticator.Settings = .init(), tls: NIOSSLContext? = nil,
                requirePushSignature: Bool = false) {
        self.requirePushSignature = requirePushSignature
        self.tls = tls
        self.host = host
        self.port = port
        self.requestsPerMinute = requestsPerMinute
        self.mediaDirectory = mediaDirectory
        self.secureCookies = secureCookies || tls != nil
        self.publicURLs = publicURLs
        self.pushWindow = pushWindow
        self.limits = limits
        self.authentication = authentication
    }
}
