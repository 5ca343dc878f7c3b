import Foundation
import Logging
import Storage

extension FootfallApp {
    /// `footfall user export NAME`: everything Footfall keeps about a user, as pretty JSON: the
    /// account (no password hash), sessions and tokens (no secrets), and the audit entries of
    /// what they did and what was done to their account.
    public static func exportUser(username: String, configuration: FootfallConfiguration, logger: Logger) async throws -> String {
        try await withStore(configuration: configuration, logger: logger) { store in
            guard let user = try await store.user(username: username) else {
                throw StorageError.notFound(field: "username", reason: "no user named \"\(username.prefix(64))\"")
            }
            let scoped = store.scoped(to: user.tenantID)
            let credentials = try await scoped.credentials(userID: user.id)
            let entries = try await scoped.auditEntries(AuditQuery(userID: user.id, limit: 10_000))
                + scoped.auditEntries(AuditQuery(target: "user:\(user.username)", limit: 10_000))
            let time = ISO8601DateFormatter()
            var seen = Set<AuditEntry>()
            let audit: [[String: Any]] = entries.filter { seen.insert($0).inserted }.sorted { $0.time < $1.time }.map { entry in
                ["time": time.string(from: entry.time), "user": entry.username, "address": entry.address ?? NSNull(),
                 "action": entry.action, "target": entry.target, "before": entry.before ?? NSNull(), "after": entry.after ?? NSNull()]
            }
            let document: [String: Any] = [
                "user": ["id": user.id.uuidString.lowercased(), "username": user.username, "role": user.role.rawValue, "sites": user.sites,
                         "created": time.string(from: user.created)],
                "credentials": credentials.map { credential -> [String: Any] in
                    ["kind": credential.kind.rawValue, "name": credential.name ?? NSNull(), "created": time.string(from: credential.created),
                     "expires": credential.expires.map { time.string(from: $0) } ?? NSNull()]
                },
                "audit": audit,
                "exported": time.string(from: Date()),
            ]
            let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// `footfall user erase NAME`: erases a user (their account and credentials go, a pseudonym
    /// stands for them in the audit trail and alert acknowledgements). A signed-in session of
    /// theirs held in an API process's cache stops working within the cache's lifetime (30 s).
    public static func eraseUser(username: String, configuration: FootfallConfiguration, logger: Logger) async throws -> UserErasure {
        try await withStore(configuration: configuration, logger: logger) { store in
            guard let user = try await store.user(username: username) else {
                throw StorageError.notFound(field: "username", reason: "no user named \"\(username.prefix(64))\"")
            }
            let scoped = store.scoped(to: user.tenantID)
            if user.role == .admin, try await scoped.users().filter({ $0.role == .admin && $0.id != user.id }).isEmpty {
                throw StorageError.conflict(field: "username", reason: "this is the last administrator; make another one first")
            }
            let pseudonym = UserErasure.newPseudonym()
            return try await scoped.eraseUser(id: user.id, pseudonym: pseudonym, audit: commandLineAudit("user.erase", "user:\(pseudonym)"))
        }
    }
}
