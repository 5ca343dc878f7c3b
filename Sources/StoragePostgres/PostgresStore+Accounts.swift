import Foundation
import PostgresNIO
import Storage

// Signing in comes before the tenant is known. Row-level security shows a store only its own
// tenant, so these go through `SECURITY DEFINER` functions that look across tenants and return
// only what signing in needs.
extension PostgresStore {
    public func user(username: String) async throws -> User? {
        try await transaction("find a user") { [self] connection in
            try await connection.query("""
                SELECT \(unescaped: Self.userColumns) FROM footfall_account_user(\(username))
                """, logger: logger).collect().first.map { Self.user(try $0.decode(UserRow.self)) }
        }
    }

    public func authenticate(tokenHash: [UInt8], at now: Date) async throws -> (credential: Credential, user: User)? {
        let row = try await transaction("authenticate") { [self] connection in
            try await connection.query("""
                SELECT id, tenant_id, user_id, kind, name, created_at, expires_at, username, password_hash, role, sites,
                    user_created_at, camera_id
                FROM footfall_authenticate(\(ByteBuffer(bytes: tokenHash)), \(now))
                """, logger: logger).collect().first.map {
                try $0.decode((UUID, UUID, UUID, String, String?, Date, Date?, String, String, String, [String], Date, String?).self)
            }
        }
        guard let row else { return nil }
        let credential = Credential(id: row.0, tenantID: row.1, userID: row.2, kind: Credential.Kind(rawValue: row.3) ?? .session,
                                    name: row.4, tokenHash: tokenHash, created: row.5, expires: row.6, cameraID: row.12)
        let user = User(id: row.2, tenantID: row.1, username: row.7, passwordHash: row.8, role: Role(rawValue: row.9) ?? .viewer,
                        sites: row.10, created: row.11)
        return (credential, user)
    }

    public func hasUsers() async throws -> Bool {
        try await transaction("count users") { [self] connection in
            try await connection.query("SELECT footfall_has_users()", logger: logger).collect().first
                .map { try $0.decode(Bool.self) } ?? false
        }
    }

    public func deleteExpiredCredentials(before date: Date) async throws -> Int {
        try await transaction("delete expired credentials") { [self] connection in
            Int(try await connection.query("SELECT footfall_delete_expired_credentials(\(date))", logger: logger).collect().first
                .map { try $0.decode(Int64.self) } ?? 0)
        }
    }
}
