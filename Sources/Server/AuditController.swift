import Foundation
import Hummingbird
import Storage

/// `GET /api/v1/audit`: who changed what, newest first, for administrators.
/// Filters: `from`, `to` (ISO 8601), `user` (a user id), `action`, `target`, `limit` (1–1000, default 100).
struct AuditController {
    let dependencies: ServerDependencies

    func addRoutes(to group: RouterGroup<FootfallRequestContext>, table: RouteTable) {
        table.add(group, .get, "audit", .role(.admin), use: list)
    }

    @Sendable func list(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let view = try TenantView(dependencies, context)
        let parameters = request.uri.queryParameters
        var query = AuditQuery()
        if let from = try parameters.listTime("from") { query.from = from }
        if let to = try parameters.listTime("to") { query.to = to }
        if let text = parameters["user"] {
            guard let id = UUID(uuidString: String(text)) else {
                throw APIError(.badRequest, field: "user", message: "\"\(text.prefix(64))\" is not a user id")
            }
            query.userID = id
        }
        query.action = parameters["action"].map(String.init)
        query.target = parameters["target"].map(String.init)
        if let limit = try parameters.listLimit() { query.limit = limit }
        let entries = try await view.store.auditEntries(query)
        return try JSONResponse.make(APIModels.AuditList(entries: entries.map(APIModels.AuditItem.init)))
    }
}
