import Hummingbird
import Logging

/// Finds out who is calling: `Authorization: Bearer TOKEN`, or the dashboard's session cookie.
/// A request without a valid credential goes on without an identity (open routes still
/// answer; the others say 401). Until the first user exists, requests from this machine act
/// as the local setup administrator and requests from elsewhere are refused with how to
/// create that user.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = FootfallRequestContext

    /// The dashboard's session cookie.
    static let cookieName = "footfall_session"

    let authenticator: Authenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let secret = Self.presentedSecret(request) {
            context.identity = try await authenticator.identity(secret: secret)
        }
        if context.identity == nil, await authenticator.isFirstRun() {
            if context.isLoopback {
                context.identity = .localSetup
            } else if request.uri.path != "/healthz" {
                throw APIError(.serviceUnavailable, message: """
                    Footfall has no users yet, so it only answers this machine. Create the first administrator: \
                    run `footfall user add --admin NAME` on the server, or start it with FOOTFALL_ADMIN_PASSWORD set
                    """)
            }
        }
        return try await next(request, context)
    }

    /// The bearer token, else the session cookie.
    static func presentedSecret(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        return request.cookies[cookieName]?.value
    }
}
