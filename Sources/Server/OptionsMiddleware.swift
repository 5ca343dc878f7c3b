import HTTPTypes
import Hummingbird

/// Answers `OPTIONS` everywhere with the methods the server takes, and grants no other origin
/// anything (no CORS headers are ever sent).
struct OptionsMiddleware: RouterMiddleware {
    typealias Context = FootfallRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard request.method == .options else { return try await next(request, context) }
        return Response(status: .noContent, headers: [.allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"])
    }
}
