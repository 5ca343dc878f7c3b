import Foundation
import Storage

extension SQLiteStore {
    public func users() async throws -> [User] {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("SELECT \(Self.userColumns) FROM users WHERE tenant_id = ? ORDER BY username", [tenant])
                .map(Self.userRow)
        }
    }

    public func user(id: UUID) async throws -> User? {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("SELECT \(Self.userColumns) FROM users WHERE tenant_id = ? AND id = ?",
                                 [tenant, .text(id.uuidString)]).first.map(Self.userRow)
        }
    }

    public func createUser(_ user: User, audit: AuditEntry) async throws {
        try user.validate()
        let sites = try Self.json(user.sites)
        let tenant = tenant, tenantID = tenantID
        try await database.write { connection in
            try Self.requireTenant(tenantID, connection)
            // Usernames and ids are unique across every tenant.
            if try !connection.query("SELECT 1 FROM users WHERE username = ?", [.text(user.username)]).isEmpty {
                throw StorageError.conflict(field: "user.username", reason: "the username \"\(user.username)\" is taken")
            }
            if try !connection.query("SELECT 1 FROM users WHERE id = ?", [.text(user.id.uuidString)]).isEmpty {
                throw StorageError.conflict(field: "user.id", reason: "a user with id \(user.id) exists")
            }
            try connection.query("""
                INSERT INTO users (id, tenant_id, username, password_hash, role, sites, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, [.text(user.id.uuidString), tenant, .text(user.username), .text(user.passwordHash),
                      .text(user.role.rawValue), .text(sites), .integer(Self.milliseconds(user.created))])
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    public func updateUser(_ user: User, audit: AuditEntry) async throws {
        try user.validate()
        let sites = try Self.json(user.sites)
        let tenant = tenant
        try await database.write { connection in
            // The username, tenant and creation time stay as they are.
            try connection.query("UPDATE users SET password_hash = ?, role = ?, sites = ? WHERE tenant_id = ? AND id = ?",
                                 [.text(user.passwordHash), .text(user.role.rawValue), .text(sites), tenant,
                                  .text(user.id.uuidString)])
            guard connection.changes == 1 else {
                throw StorageError.notFound(field: "user.id", reason: "no user with id \(user.id)")
            }
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    public func deleteUser(id: UUID, audit: AuditEntry) async throws {
        let tenant = tenant
        try await database.write { connection in
            try connection.query("DELETE FROM credentials WHERE tenant_id = ? AND user_id = ?", [tenant, .text(id.uuidString)])
            try connection.query("DELETE FROM users WHERE tenant_id = ? AND id = ?", [tenant, .text(id.uuidString)])
            guard connection.changes == 1 else {
                throw StorageError.notFound(field: "user.id", reason: "no user with id \(id)")
            }
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    public func eraseUser(id: UUID, pseudonym: String, audit: AuditEntry) async throws -> UserErasure {
        try UserErasure.validate(pseudonym: pseudonym)
        let tenant = tenant
        return try await database.write { connection in
            guard let name = try connection.query("SELECT username FROM users WHERE tenant_id = ? AND id = ?",
                                                  [tenant, .text(id.uuidString)]).first?.first?.string
            else { throw StorageError.notFound(field: "user.id", reason: "no user with id \(id)") }
            let revoked = try connection.query("SELECT token_hash FROM credentials WHERE tenant_id = ? AND user_id = ?",
                                               [tenant, .text(id.uuidString)]).compactMap { row -> [UInt8]? in
                if case .blob(let hash) = row[0] { return hash }
                return nil
            }
            try connection.query("DELETE FROM credentials WHERE tenant_id = ? AND user_id = ?", [tenant, .text(id.uuidString)])
            try connection.query("DELETE FROM users WHERE tenant_id = ? AND id = ?", [tenant, .text(id.uuidString)])
            let (quoted, replacement) = UserErasure.usernameFields(name: name, pseudonym: pseudonym)
            try connection.query("""
                UPDATE audit_logs SET
                    username = CASE WHEN username = ?1 THEN ?2 ELSE username END,
                    target = CASE WHEN target = 'user:' || ?1 THEN 'user:' || ?2 ELSE target END,
                    before_json = replace(before_json, ?3, ?4),
                    after_json = replace(after_json, ?3, ?4)
                WHERE tenant_id = ?5 AND (username = ?1 OR target = 'user:' || ?1
                    OR instr(coalesce(before_json, ''), ?3) > 0 OR instr(coalesce(after_json, ''), ?3) > 0)
                """, [.text(name), .text(pseudonym), .text(quoted), .text(replacement), tenant])
            let entries = connection.changes
            try connection.query("UPDATE alerts SET acknowledged_by = ? WHERE tenant_id = ? AND acknowledged_by = ?",
                                 [.text(pseudonym), tenant, .text(name)])
            let alerts = connection.changes
            try Self.insertAudit(audit, tenant: tenant, connection)
            return UserErasure(pseudonym: pseudonym, revokedTokenHashes: revoked, auditEntries: entries, alerts: alerts)
        }
    }

    // MARK: Credentials

    public func createCredential(_ credential: Credential, audit: AuditEntry?) async throws {
        try credential.validate()
        let tenant = tenant
        try await database.write { connection in
            if try connection.query("SELECT 1 FROM users WHERE tenant_id = ? AND id = ?",
                                    [tenant, .text(credential.userID.uuidString)]).isEmpty {
                throw StorageError.notFound(field: "credential.userID", reason: "no user with id \(credential.userID)")
            }
            if try !connection.query("SELECT 1 FROM credentials WHERE id = ?", [.text(credential.id.uuidString)]).isEmpty {
                throw StorageError.conflict(field: "credential.id", reason: "a credential with id \(credential.id) exists")
            }
            if try !connection.query("SELECT 1 FROM credentials WHERE token_hash = ?", [.blob(credential.tokenHash)]).isEmpty {
                throw StorageError.conflict(field: "credential.tokenHash", reason: "a credential with this token exists")
            }
            if let camera = credential.cameraID,
               try connection.query("SELECT 1 FROM cameras WHERE tenant_id = ? AND id = ? AND deleted = 0", [tenant, .text(camera)]).isEmpty {
                throw StorageError.invalidInput(field: "credential.cameraID", reason: "no camera with id \"\(camera)\"")
            }
            try connection.query("""
                INSERT INTO credentials (id, tenant_id, user_id, kind, name, token_hash, created_ms, expires_ms, camera_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(credential.id.uuidString), tenant, .text(credential.userID.uuidString),
                      .text(credential.kind.rawValue), Self.text(credential.name), .blob(credential.tokenHash),
                      .integer(Self.milliseconds(credential.created)),
                      credential.expires.map { .integer(Self.milliseconds($0)) } ?? .null, Self.text(credential.cameraID)])
            if let audit { try Self.insertAudit(audit, tenant: tenant, connection) }
        }
    }

    public func credentials(userID: UUID) async throws -> [Credential] {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("""
                SELECT \(Self.credentialColumns) FROM credentials WHERE tenant_id = ? AND user_id = ?
                ORDER BY created_ms DESC, rowid DESC
                """, [tenant, .text(userID.uuidString)]).map(Self.credentialRow)
        }
    }

    public func deleteCredential(id: UUID, userID: UUID, audit: AuditEntry?) async throws {
        let tenant = tenant
        try await database.write { connection in
            try connection.query("DELETE FROM credentials WHERE tenant_id = ? AND id = ? AND user_id = ?",
                                 [tenant, .text(id.uuidString), .text(userID.uuidString)])
            guard connection.changes == 1 else {
                throw StorageError.notFound(field: "credential.id", reason: "no credential with id \(id)")
            }
            if let audit { try Self.insertAudit(audit, tenant: tenant, connection) }
        }
    }

    public func deleteCredentials(userID: UUID, kind: Credential.Kind?, audit: AuditEntry?) async throws -> [[UInt8]] {
        let tenant = tenant
        return try await database.write { connection in
            let revoked = try connection.query("""
                DELETE FROM credentials WHERE tenant_id = ?1 AND user_id = ?2 AND (?3 IS NULL OR kind = ?3) RETURNING token_hash
                """, [tenant, .text(userID.uuidString), Self.text(kind?.rawValue)]).map { $0[0].bytes ?? [] }
            if let audit { try Self.insertAudit(audit, tenant: tenant, connection) }
            return revoked
        }
    }
}
