import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    /// Applies missing migrations (each in its own transaction, one migrator at a time) and
    /// creates this store's tenant if missing. Returns the versions applied now.
    /// Must run as the owning role.
    public func migrate(tenantName: String = "Default") async throws -> [Int] {
        try await migrate(tenantName: tenantName, through: .max)
    }

    /// Applies missing migrations up to version `last` (tests start from an older schema).
    func migrate(tenantName: String, through last: Int) async throws -> [Int] {
        var applied: [Int] = []
        do {
            try await client.withConnection { connection in
                _ = try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger).collect()
            }
            for migration in PostgresSchema.migrations where migration.version <= last {
                let done: Bool = try await client.withTransaction(logger: logger) { connection in
                    // Serialises concurrent migrators; released at commit.
                    _ = try await connection.query("SELECT pg_advisory_xact_lock(7465737)", logger: logger).collect()
                    let stored = try await connection.query(
                        "SELECT checksum FROM schema_migrations WHERE version = \(migration.version)", logger: logger
                    ).collect().first.map { try $0.decode(String.self) }
                    if let stored {
                        guard stored == migration.checksum else {
                            throw StorageError.migrationChanged(version: migration.version, name: migration.name)
                        }
                        return false
                    }
                    for statement in migration.statements {
                        _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
                    }
                    _ = try await connection.query("""
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """, logger: logger).collect()
                    return true
                }
                if done { applied.append(migration.version) }
            }
        } catch {
            throw Self.storageError(error, operation: "migrate")
        }
        try await transaction("create the tenant") { [self] connection in
            _ = try await connection.query("""
                INSERT INTO tenants (id, name) VALUES (\(configuration.tenantID), \(tenantName)) ON CONFLICT (id) DO NOTHING
                """, logger: logger).collect()
        }
        return applied
    }
}
