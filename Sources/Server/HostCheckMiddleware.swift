import Foundation
import HTTPTypes
import Hummingbird

/// Refuses a browser's request whose `Host` is a name this server was not told it has: the
/// defence against DNS rebinding, where a page on another site has its own name pointed at
/// this server and then reads it as its own origin. Accepted: no `Host`, an IP address (a
/// rebinding page always asks for its own name), `localhost`, this machine's name (and
/// `NAME.local`), and the host of each configured public address. A request with an
/// `Authorization` header comes from a client that holds a token — a script, a camera,
/// Prometheus — which a rebinding page cannot have, and is let through under any name, as are
/// `/healthz` and `/readyz`, for load balancers.
struct HostCheckMiddleware: RouterMiddleware {
    typealias Context = FootfallRequestContext

    /// Host names accepted, lower case, without port.
    let names: Set<String>

    static let hostField = HTTPField.Name("Host")!

    init(publicURLs: [String], machineName: String = ProcessInfo.processInfo.hostName) {
        var names: Set<String> = ["localhost"]
        for url in publicURLs {
            // An origin is `scheme://authority`.
            if let origin = OriginCheckMiddleware.origin(of: url), let authority = origin.components(separatedBy: "://").last,
               let host = Self.host(of: authority) {
                names.insert(host)
            }
        }
        let machine = machineName.lowercased()
        if !machine.isEmpty {
            names.insert(machine)
            if let short = machine.split(separator: ".").first {
                names.insert(String(short))
                names.insert("\(short).local")
            }
        }
        self.names = names
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // HTTP/1.1's `Host` arrives as the request's authority; a `Host` field is read too.
        let authority = request.head.authority ?? request.headers[Self.hostField]
        guard !HealthController.openPaths.contains(request.uri.path), request.headers[.authorization] == nil, let authority,
              !accepts(authority: authority) else {
            return try await next(request, context)
        }
        throw APIError(.misdirectedRequest, field: "Host", message: """
            this server does not answer to the name \(authority.prefix(100)): reach it by an address it knows, or list \
            that address in FOOTFALL_PUBLIC_URL
            """)
    }

    /// Whether a request for `authority` (`host[:port]`) may be answered.
    func accepts(authority: String) -> Bool {
        guard let host = Self.host(of: authority) else { return false }
        return names.contains(host) || Self.isAddress(host)
    }

    /// The host of `host[:port]` or `[v6]:port`, lower case, without a trailing dot; nil when malformed.
    static func host(of authority: String) -> String? {
        let lowered = authority.lowercased()
        if lowered.hasPrefix("[") {
            guard let end = lowered.firstIndex(of: "]") else { return nil }
            return String(lowered[lowered.index(after: lowered.startIndex)..<end])
        }
        var host = String(lowered.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if host.hasSuffix(".") { host.removeLast() }
        return host.isEmpty ? nil : host
    }

    /// Whether `host` is an IPv4 address in dotted form or an IPv6 address.
    static func isAddress(_ host: String) -> Bool {
        if host.contains(":") { return host.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." } }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in !part.isEmpty && part.count <= 3 && UInt8(part) != nil }
    }
}
