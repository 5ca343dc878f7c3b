import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle

/// Builds the router with every route of the API and the dashboard.
public func buildRouter(configuration: ServerConfiguration = .init(), dependencies: ServerDependencies)
    -> Router<FootfallRequestContext>
{
    let router = Router(context: FootfallRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.debug))
    // Smart cameras push many times a second: their route is outside the rate limit.
    DetectionController(dependencies: dependencies).addRoutes(to: router.group("api/v1"))
    let api = router.group("api/v1")
    if configuration.requestsPerMinute > 0 {
        api.add(middleware: RateLimitMiddleware(limiter: dependencies.rateLimiter,
                                                requestsPerMinute: configuration.requestsPerMinute))
    }
    CameraController(dependencies: dependencies).addRoutes(to: api)
    LiveController(dependencies: dependencies).addRoutes(to: api)
    HealthController(dependencies: dependencies).addRoutes(to: router)
    DashboardController().addRoutes(to: router)
    return router
}

/// Builds the HTTP + WebSocket application; `services` run alongside it in one service group
/// and shut down with it.
public func buildApplication(
    configuration: ServerConfiguration, dependencies: ServerDependencies, services: [any Service] = [],
    logger: Logger
) -> some ApplicationProtocol {
    let router = buildRouter(configuration: configuration, dependencies: dependencies)
    return Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: router),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "footfall"),
        services: services,
        logger: logger)
}
