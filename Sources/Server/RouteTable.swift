import HTTPTypes
import Hummingbird
import Synchronization

/// Adds API routes with the access each needs, and remembers them: the table is what the
/// route × role test, the OpenAPI check and `docs/api.md` are checked against.
final class RouteTable: Sendable {
    private let routes = Mutex<[RouteSpec]>([])
    let prefix: String

    init(prefix: String) {
        self.prefix = prefix
    }

    var all: [RouteSpec] { routes.withLock { $0 } }

    /// Adds `handler` at `path` (relative to the group) for `method`, refusing callers without `access`.
    func add(_ group: RouterGroup<FootfallRequestContext>, _ method: HTTPRequest.Method, _ path: String, _ access: Access,
             use handler: @escaping @Sendable (Request, FootfallRequestContext) async throws -> Response) {
        routes.withLock { $0.append(RouteSpec(method: method.rawValue, path: prefix + "/" + path, access: access)) }
        group.on(RouterPath(path), method: method) { request, context in
            try Self.check(access, context)
            return try await handler(request, context)
        }
    }

    /// Records a route added by other means (a WebSocket upgrade) that checks `access` itself.
    func record(_ method: HTTPRequest.Method, _ path: String, _ access: Access) {
        routes.withLock { $0.append(RouteSpec(method: method.rawValue, path: prefix + "/" + path, access: access)) }
    }

    static func check(_ access: Access, _ context: FootfallRequestContext) throws {
        guard case .role(let needed) = access else { return }
        let caller = try context.caller()
        guard caller.user.role >= needed else {
            throw APIError(.forbidden, message: "this needs the \(needed.rawValue) role; you are \(caller.user.role.rawValue)")
        }
    }
}
