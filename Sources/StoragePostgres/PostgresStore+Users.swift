import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    static let userColumns = "id, tenant_id, username, password_hash, role, sites, created_at"
    typealias UserRow = (UUID, UUID, String, String, String, [String], Date)

    static func user(_ row: UserRow) -> User {
        User(id: row.0, tenantID: row.1, username: row.2, passwordHash: row.3, role: Role(rawValue: row.4) ?? .viewer,
             sites: row.5, created: row.6)
    }

    public func users() async throws -> [User] {
        try await selectUsers(id: nil)
    }

    public func user(id: UUID) async throws -> User? {
        try await selectUsers(id: id).first
    }

    private func selectUsers(id: UUID?) async throws -> [User] {
        let tenant = configuration.tenantID
        return try await transaction("read users") { [self] connection in
            try await connection.query("""
                SELECT \(unescaped: Self.userColumns) FROM users
                WHERE tenant_id = \(tenant) AND (\(id)::uuid IS NULL OR id = \(id)) ORDER BY username COLLATE "C"
                """, logger: logger).collect().map { Self.user(try $0.decode(UserRow.self)) }
        }
    }

    public func createUser(_ user: User, audit: AuditEntry) async throws {
        try user.validate()
        let tenant = configuration.tenantID
        try await transaction("create user \(user.username)") { [self] connection in
            try await requireTenant(connection)
            // Usernames are unique across every tenant, which only the account lookup sees.
            let taken = try await connection.query(
                "SELECT 1 FROM footfall_account_user(\(user.username))", logger: logger
            ).collect()
            let usernameTaken = StorageError.conflict(field: "user.username", reason: "the username \"\(user.username)\" is taken")
            guard taken.isEmpty else { throw usernameTaken }
            try await Self.mappingUniqueViolations([
                "users_username_key": usernameTaken,
                "users_pkey": .conflict(field: "user.id", reason: "a user with id \(user.id) exists"),
            ]) {
                _ = try await connection.query("""
                    INSERT INTO users (id, tenant_id, username, password_hash, role, sites, created_at)
                    VALUES (\(user.id), \(tenant), \(user.username), \(user.passwordHash), \(user.role.rawValue), \(user.sites),
                            \(user.created))
                    """, logger: logger).collect()
            }
            try await insertAudit(audit, connection: connection)
        }
    }

    public func updateUser(_ user: User, audit: AuditEntry) async throws {
        try user.validate()
        let tenant = configuration.tenantID
        try await transaction("update user \(user.id)") { [self] connection in
            // The username, tenant and creation time stay as they are.
            let updated = try await connection.query("""
                UPDATE users SET password_hash = \(user.passwordHash), role = \(user.role.rawValue), sites = \(user.sites)
                WHERE tenant_id = \(tenant) AND id = \(user.id) RETURNING 1
                """, logger: logger).collect()
            guard !updated.isEmpty else { throw StorageError.notFound(field: "user.id", reason: "no user with id \(user.id)") }
            try await insertAudit(audit, connection: connection)
        }
    }

    public func deleteUser(id: UUID, audit: AuditEntry) async throws {
        let tenant = configuration.tenantID
        try await transaction("delete user \(id)") { [self] connection in
            _ = try await connection.query(
                "DELETE FROM user_sessions WHERE tenant_id = \(tenant) AND user_id = \(id)", logger: logger
            ).collect()
            let deleted = try await connection.query(
                "DELETE FROM users WHERE tenant_id = \(tenant) AND id = \(id) RETURNING 1", logger: logger
            ).collect()
            guard !deleted.isEmpty else { throw StorageError.notFound(field: "user.id", reason: "no user with id \(id)") }
            try await insertAudit(audit, connection: connection)
        }
    }

    public func eraseUser(id: UUID, pseudonym: String, audit: AuditEntry) async throws -> UserErasure {
        try UserErasure.validate(pseudonym: pseudonym)
        let tenant = configuration.tenantID
        return try await transaction("erase user \(id)") { [self] connection in
            guard let name = try await connection.query("SELECT username FROM users WHERE tenant_id = \(tenant) AND id = \(id)",
                                                        logger: logger).collect().first?.decode(String.self)
            else { throw StorageError.notFound(field: "user.id", reason: "no user with id \(id)") }
            // Pseudonymised while the user still exists: the function looks their name up itself.
            let entries = try await connection.query("SELECT footfall_pseudonymise_audit(\(id), \(pseudonym))", logger: logger)
                .collect().first?.decode(Int64.self) ?? 0
            let revoked = try await connection.query(
                "DELETE FROM user_sessions WHERE tenant_id = \(tenant) AND user_id = \(id) RETURNING token_hash", logger: logger
            ).collect().map { Array(buffer: try $0.decode(ByteBuffer.self)) }
            _ = try await connection.query("DELETE FROM users WHERE tenant_id = \(tenant) AND id = \(id)", logger: logger).collect()
            let alerts = try await connection.query("""
                UPDATE alerts SET acknowledged_by = \(pseudonym) WHERE tenant_id = \(tenant) AND acknowledged_by = \(name) RETURNING 1
                """, logger: logger).collect().count
            try await insertAudit(audit, connection: connection)
            return UserErasure(pseudonym: pseudonym, revokedTokenHashes: revoked, auditEntries: Int(entries), alerts: alerts)
        }
    }

    // MARK: Credentials

    static let credentialColumns = "id, tenant_id, user_id, kind, name, token_hash, created_at, expires_at, camera_id"
    typealias CredentialRow = (UUID, UUID, UUID, String, String?, ByteBuffer, Date, Date?, String?)

    static func credential(_ row: CredentialRow) -> Credential {
        Credential(id: row.0, tenantID: row.1, userID: row.2, kind: Credential.Kind(rawValue: row.3) ?? .session,
                   name: row.4, tokenHash: Array(buffer: row.5), created: row.6, expires: row.7, cameraID: row.8)
    }

    public func createCredential(_ credential: Credential, audit: AuditEntry?) async throws {
        try credential.validate()
        let tenant = configuration.tenantID
        try await transaction("create a credential") { [self] connection in
            let user = try await connection.query(
                "SELECT 1 FROM users WHERE tenant_id = \(tenant) AND id = \(credential.userID)", logger: logger
            ).collect()
            guard !user.isEmpty else {
                throw StorageError.notFound(field: "credential.userID", reason: "no user with id \(credential.userID)")
            }
            if let camera = credential.cameraID, try await connection.query(
                "SELECT 1 FROM cameras WHERE tenant_id = \(tenant) AND id = \(camera) AND deleted_at IS NULL", logger: logger
            ).collect().isEmpty {
                throw StorageError.invalidInput(field: "credential.cameraID", reason: "no camera with id \"\(camera)\"")
            }
            // Ids and token hashes are unique across every tenant, which only the constraints see.
            try await Self.mappingUniqueViolations([
                "user_sessions_pkey": .conflict(field: "credential.id", reason: "a credential with id \(credential.id) exists"),
                "user_sessions_token_hash_key": .conflict(field: "credential.tokenHash",
                                                          reason: "a credential with this token exists"),
            ]) {
                _ = try await connection.query("""
                    INSERT INTO user_sessions (id, tenant_id, user_id, kind, name, token_hash, created_at, expires_at, camera_id)
                    VALUES (\(credential.id), \(tenant), \(credential.userID), \(credential.kind.rawValue), \(credential.name),
                            \(ByteBuffer(bytes: credential.tokenHash)), \(credential.created), \(credential.expires),
                            \(credential.cameraID))
                    """, logger: logger).collect()
            }
            if let audit { try await insertAudit(audit, connection: connection) }
        }
    }

    public func credentials(userID: UUID) async throws -> [Credential] {
        let tenant = configuration.tenantID
        return try await transaction("read credentials") { [self] connection in
            try await connection.query("""
                SELECT \(unescaped: Self.credentialColumns) FROM user_sessions
                WHERE tenant_id = \(tenant) AND user_id = \(userID) ORDER BY created_at DESC, id
                """, logger: logger).collect().map { Self.credential(try $0.decode(CredentialRow.self)) }
        }
    }

    public func deleteCredential(id: UUID, userID: UUID, audit: AuditEntry?) async throws {
        let tenant = configuration.tenantID
        try await transaction("revoke a credential") { [self] connection in
            let deleted = try await connection.query("""
                DELETE FROM user_sessions WHERE tenant_id = \(tenant) AND id = \(id) AND user_id = \(userID) RETURNING 1
                """, logger: logger).collect()
            guard !deleted.isEmpty else {
                throw StorageError.notFound(field: "credential.id", reason: "no credential with id \(id)")
            }
            if let audit { try await insertAudit(audit, connection: connection) }
        }
    }

    public func deleteCredentials(userID: UUID, kind: Credential.Kind?, audit: AuditEntry?) async throws -> [[UInt8]] {
        let tenant = configuration.tenantID
        return try await transaction("revoke credentials") { [self] connection in
            let revoked = try await connection.query("""
                DELETE FROM user_sessions
                WHERE tenant_id = \(tenant) AND user_id = \(userID) AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue))
                RETURNING token_hash
                """, logger: logger).collect().map { Array(buffer: try $0.decode(ByteBuffer.self)) }
            if let audit { try await insertAudit(audit, connection: connection) }
            return revoked
        }
    }

    /// Runs `body`, turning a unique violation of one of `constraints` into that constraint's error.
    static func mappingUniqueViolations<T>(_ constraints: [String: StorageError], _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            if let constraint = error.serverInfo?[.constraintName], let mapped = constraints[constraint] { throw mapped }
            throw error
        }
    }
}
