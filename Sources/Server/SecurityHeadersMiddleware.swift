import HTTPTypes
import Hummingbird

/// Puts the browser-facing protections on every answer, errors included: a content security
/// policy the dashboard keeps to (the browser tests fail on any violation), no MIME sniffing, no
/// framing, no referrer, and HSTS when Footfall is reached over HTTPS. An error that has no JSON
/// body of its own (a 413 from a body limit, say) gets the documented one.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = FootfallRequestContext

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' blob: data:",
        "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// Footfall is reached over HTTPS (then browsers are told to keep to it).
    let strictTransport: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = try error.response(from: request, context: context)
        } catch let error as HTTPResponseError {
            response = try APIError(error.status, message: Self.message(for: error.status)).response(from: request, context: context)
        } catch {
            // Anything else is the server's fault: logged here, since it is answered here.
            context.logger.error("api.request_failed", metadata: ["error": "\(error)", "http.path": "\(request.uri.path)"])
            response = try APIError(.internalServerError, message: "the server failed to answer; the error is in its log")
                .response(from: request, context: context)
        }
        // A route may set a stricter policy of its own (a report page: no scripts at all).
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.frameOptions] = "DENY"
        response.headers[Self.referrerPolicy] = "no-referrer"
        if strictTransport {
            response.headers[.strictTransportSecurity] = "max-age=31536000"
        }
        return response
    }

    static func message(for status: HTTPResponse.Status) -> String {
        switch status {
        case .contentTooLarge: "the body is too large"
        case .notFound: "nothing is here"
        case .methodNotAllowed: "this method is not allowed here"
        default: status.reasonPhrase.isEmpty ? "the request was refused" : status.reasonPhrase.lowercased()
        }
    }
}
