import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

/// The router and the table of its API routes with the access each needs.
public struct FootfallRouter {
    public let router: Router<FootfallRequestContext>
    /// Every API route: method, path and who may call it.
    public let routes: [RouteSpec]
}

/// Builds the router with every route of the API and the dashboard; `logger` tells why a
/// readiness check failed.
public func buildRouter(configuration: ServerConfiguration = .init(), dependencies: ServerDependencies,
                        logger: Logger = Logger(label: "footfall.server")) -> FootfallRouter {
    let router = Router(context: FootfallRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(strictTransport: configuration.secureCookies))
    router.add(middleware: HostCheckMiddleware(publicURLs: configuration.publicURLs))
    router.add(middleware: OptionsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    router.add(middleware: StorageErrorMiddleware())
    router.add(middleware: OriginCheckMiddleware(publicURLs: configuration.publicURLs))
    let authenticator = Authenticator(store: dependencies.store, cache: dependencies.sessions, limiter: dependencies.rateLimiter,
                                      settings: configuration.authentication, now: dependencies.clock)
    router.add(middleware: AuthenticationMiddleware(authenticator: authenticator))
    let table = RouteTable(prefix: "/api/v1")
    // Smart cameras push many times a second: their route is outside the rate limit.
    let cameraLists = CameraListCache()
    DetectionController(dependencies: dependencies, window: configuration.pushWindow, cameraLists: cameraLists,
                        requireSignature: configuration.requirePushSignature).addRoutes(to: router.group("api/v1"), table: table)
    let api = router.group("api/v1")
    if configuration.requestsPerMinute > 0 {
        api.add(middleware: RateLimitMiddleware(limiter: dependencies.rateLimiter,
                                                requestsPerMinute: configuration.requestsPerMinute))
    }
    SessionController(dependencies: dependencies, authenticator: authenticator, secureCookies: configuration.secureCookies)
        .addRoutes(to: api, table: table)
    UserController(dependencies: dependencies, authenticator: authenticator).addRoutes(to: api, table: table)
    SiteController(dependencies: dependencies).addRoutes(to: api, table: table)
    CameraController(dependencies: dependencies, sources: CameraSourcePolicy(mediaDirectory: configuration.mediaDirectory),
                     cameraLists: cameraLists)
        .addRoutes(to: api, table: table)
    AuditController(dependencies: dependencies).addRoutes(to: api, table: table)
    AlertController(dependencies: dependencies).addRoutes(to: api, table: table)
    AnalyticsController(dependencies: dependencies).addRoutes(to: api, table: table)
    FileController(dependencies: dependencies).addRoutes(to: api, table: table)
    ModelController(dependencies: dependencies).addRoutes(to: api, table: table)
    WorkerController(dependencies: dependencies).addRoutes(to: api, table: table)
    LiveController(dependencies: dependencies, authenticator: authenticator, cameraLists: cameraLists,
                   streams: LiveStreamCounter(maximumPerAddress: configuration.limits.maximumLiveStreamsPerAddress))
        .addRoutes(to: api, table: table)
    HealthController(dependencies: dependencies, logger: logger).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    DashboardController().addRoutes(to: router)
    return FootfallRouter(router: router, routes: table.all)
}

/// Builds the HTTP + WebSocket application; `services` run alongside it in one service group
/// and shut down with it.
public func buildApplication(
    configuration: ServerConfiguration, dependencies: ServerDependencies, services: [any Service] = [],
    logger: Logger
) -> some ApplicationProtocol {
    let router = buildRouter(configuration: configuration, dependencies: dependencies, logger: logger).router
    let limits = configuration.limits
    let registry = ConnectionRegistry(limits: limits)
    let http1 = HTTP1Channel.Configuration(
        idleTimeout: nil,
        httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maximumHeaderBytes, maxHeaderListSize: limits.maximumHeaderBytes))
    // One responder serves both plain requests and WebSocket upgrades: the route tree is built once.
    let responder = router.buildResponder()
    // Every connection passes the guard before any HTTP is parsed (see ConnectionGuardHandler).
    let server = HTTPServerBuilder { handler in
        GuardedChildChannel(
            inner: HTTP1WebSocketUpgradeChannel(responder: handler, webSocketResponder: responder,
                                                configuration: .init(http1: http1, ws: .init(
                                                    autoPing: .enabled(timePeriod: limits.webSocketPingInterval)))),
            registry: registry, tls: configuration.tls)
    }
    return Application(
        responder: HeadResponder(base: responder),
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "footfall"),
        services: services,
        logger: logger)
}
