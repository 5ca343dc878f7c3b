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
            if let camera = context.identity?.credential?.cameraID,
               request.method != .post || request.uri.path != "/api/v1/cameras/\(camera)/detections" {
                throw APIError(.forbidden, message: "this token only pushes the detections of camera \"\(camera)\"")
            }
        }
        if context.identity == nil, await authenticator.isFirstRun() {
            // A page elsewhere whose name was rebound to 127.0.0.1 reaches this machine from itself
            // too, but under its own host name: only a loopback name counts as this machine.
            if context.isLoopback && Self.isLoopbackName(request.head.authority) {
                context.identity = .localSetup
            } else if !HealthController.openPaths.contains(request.uri.path) {
                throw APIError(.serviceUnavailable, message: """
                    Footfall has no users yet, so it only answers this machine. Create the first administrator: \
                    run `footfall user add --admin NAME` on the server, or start it with FOOTFALL_ADMIN_PASSWORD set
                    """)
            }
        }
        return try await next(request, context)
    }

    /// Whether the `Host` asked for names this machine's loopback interface (or is absent, as
    /// from a client that is not a browser speaking HTTP/1.0).
    static func isLoopbackName(_ authority: String?) -> Bool {
        guard let authority = authority?.lowercased() else { return true }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.prefix { $0 != "]" }.dropFirst()
        } else {
            host = authority.split(separator: ":", maxSplits: 1).first ?? ""
        }
        if host == "localhost" || host == "::1" { return true }
        // 127.0.0.0/8 written as an address, not a name that merely starts like one.
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { part in UInt8(part) != nil }
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
