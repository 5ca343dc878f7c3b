import Hummingbird
import Logging
import Messaging

/// Answers 429 to a client that made more than `requestsPerMinute` API requests this minute.
/// Clients are told apart by their address; counters live in the shared `RateLimiter`, so
/// the limit holds across every API process that shares it.
struct RateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: any RateLimiter
    let requestsPerMinute: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // Requests without a socket address (tests that call the router directly) share one key.
        let client = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "unknown"
        let allowed: Bool
        do {
            allowed = try await limiter.allow(key: "api:\(client)", limit: requestsPerMinute, window: .seconds(60))
        } catch {
            // A broken counter store must not take the API down with it: let the request through.
            context.logger.warning("api.rate_limit_unavailable", metadata: ["error": "\(error)"])
            allowed = true
        }
        guard allowed else {
            throw APIError(.tooManyRequests, message: "more than \(requestsPerMinute) requests in a minute; try again shortly")
        }
        return try await next(request, context)
    }
}
