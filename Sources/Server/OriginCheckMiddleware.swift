import HTTPTypes
import Hummingbird

/// Refuses what a browser sends on behalf of another site: a request that changes something, or
/// a WebSocket upgrade, whose `Origin` is neither this server as the browser reached it (the
/// `Host` it asked for) nor one of the configured public addresses. Clients that are not
/// browsers send no `Origin` and are not affected.
struct OriginCheckMiddleware: RouterMiddleware {
    typealias Context = FootfallRequestContext

    /// Methods that change nothing, so need no check (unless they open a WebSocket).
    static let reads: Set<HTTPRequest.Method> = [.get, .head, .options]

    /// Origins accepted besides the request's own host, as `scheme://host[:port]`, lower case.
    let publicOrigins: Set<String>

    init(publicURLs: [String]) {
        publicOrigins = Set(publicURLs.compactMap(Self.origin(of:)))
    }

    /// `scheme://host[:port]` of a URL, lower case, without a path; nil if it has no host.
    static func origin(of url: String) -> String? {
        let lowered = url.lowercased().trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = lowered.range(of: "://") else { return nil }
        let scheme = lowered[..<schemeEnd.lowerBound]
        let rest = lowered[schemeEnd.upperBound...]
        var authority = String(rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" })
        if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
        // Browsers leave the scheme's own port out of an origin.
        let defaultPort = scheme == "https" ? ":443" : ":80"
        if authority.hasSuffix(defaultPort) { authority = String(authority.dropLast(defaultPort.count)) }
        guard !authority.isEmpty, scheme == "http" || scheme == "https" else { return nil }
        return "\(scheme)://\(authority)"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let upgrade = request.headers[.upgrade]?.lowercased() == "websocket"
        guard !Self.reads.contains(request.method) || upgrade else { return try await next(request, context) }
        // Every `Origin` given must pass: a request with two is not one to be lenient with.
        for origin in request.headers[values: .origin] where !accepts(origin: origin, authority: request.head.authority) {
            throw APIError(.forbidden, field: "Origin", message: """
                requests from \(origin.prefix(100)) are not accepted: open the dashboard at its own address, or list that \
                address in FOOTFALL_PUBLIC_URL
                """)
        }
        return try await next(request, context)
    }

    /// Whether a browser's `origin` is this server as reached at `authority` (the `Host` asked
    /// for), or a configured public address.
    func accepts(origin: String, authority: String?) -> Bool {
        let normalized = origin.lowercased()
        // Browsers send `http(s)://…` or `null`; anything else (a WebSocket client's `ws://host`)
        // does not come from a web page, so it cannot be a forgery by one.
        guard normalized == "null" || normalized.hasPrefix("http://") || normalized.hasPrefix("https://") else { return true }
        if publicOrigins.contains(normalized) { return true }
        guard let host = authority?.lowercased() else { return false }
        return normalized == "http://\(host)" || normalized == "https://\(host)"
    }
}
