import Foundation
import Hummingbird
import Storage

/// A person's requests about their data: `GET /api/v1/users/{id}/export` gives everything
/// Footfall keeps about a user, and `POST /api/v1/users/{id}/erase` erases them, leaving a
/// pseudonym in the audit trail. Crossings and counts hold no personal data.
extension UserController {
    @Sendable func export(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let user = try await user(context)
        let store = try store(context)
        let credentials = try await store.credentials(userID: user.id)
        let byThem = try await store.auditEntries(AuditQuery(userID: user.id, limit: 10_000))
        let aboutThem = try await store.auditEntries(AuditQuery(target: "user:\(user.username)", limit: 10_000))
        var seen = Set<AuditEntry>()
        let entries = (byThem + aboutThem).filter { seen.insert($0).inserted }.sorted { $0.time < $1.time }
        return try JSONResponse.make(APIModels.UserExport(
            user: APIModels.UserItem(user), sessions: credentials.filter { $0.kind == .session }.count,
            tokens: credentials.filter { $0.kind == .apiToken }.map(APIModels.TokenItem.init),
            audit: entries.map(APIModels.AuditItem.init), exported: dependencies.clock()))
    }

    @Sendable func erase(_ request: Request, context: FootfallRequestContext) async throws -> Response {
        let user = try await user(context)
        let store = try store(context)
        if user.role == .admin { try await keepAnAdministrator(store, removing: user.id) }
        let pseudonym = UserErasure.newPseudonym()
        let audit = try Auditor(context, time: dependencies.clock())
        // The entry names the pseudonym only: the name is what is being erased.
        let erasure = try await store.eraseUser(id: user.id, pseudonym: pseudonym, audit: audit.entry("user.erase", "user:\(pseudonym)"))
        await authenticator.forget(erasure.revokedTokenHashes)
        return try JSONResponse.make(APIModels.UserErased(
            pseudonym: pseudonym, revoked: erasure.revokedTokenHashes.count, auditEntries: erasure.auditEntries, alerts: erasure.alerts))
    }
}
