import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public func sites() async throws -> [Site] {
        try await selectSites(id: nil)
    }

    public func site(id: String) async throws -> Site? {
        try await selectSites(id: id).first
    }

    private func selectSites(id: String?) async throws -> [Site] {
        let tenant = configuration.tenantID
        return try await transaction("read sites") { [self] connection in
            try await connection.query("""
                SELECT id, name, timezone FROM sites WHERE tenant_id = \(tenant) AND (\(id)::text IS NULL OR id = \(id))
                ORDER BY id COLLATE "C"
                """, logger: logger).collect().map {
                let row = try $0.decode((String, String, String).self)
                return Site(id: row.0, name: row.1, timeZone: row.2)
            }
        }
    }

    public func saveSite(_ site: Site, audit: AuditEntry) async throws {
        try site.validate()
        let tenant = configuration.tenantID
        try await transaction("save site \(site.id)") { [self] connection in
            try await requireTenant(connection)
            _ = try await connection.query("""
                INSERT INTO sites (tenant_id, id, name, timezone) VALUES (\(tenant), \(site.id), \(site.name), \(site.timeZone))
                ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, timezone = EXCLUDED.timezone
                """, logger: logger).collect()
            try await insertAudit(audit, connection: connection)
        }
    }

    public func deleteSite(id: String, audit: AuditEntry) async throws {
        let tenant = configuration.tenantID
        try await transaction("delete site \(id)") { [self] connection in
            // Locked first: a camera being added to this site waits, then sees it gone.
            let found = try await connection.query(
                "SELECT 1 FROM sites WHERE tenant_id = \(tenant) AND id = \(id) FOR UPDATE", logger: logger
            ).collect()
            guard !found.isEmpty else {
                throw StorageError.notFound(field: "site.id", reason: "no site with id \"\(id)\"")
            }
            let used = try await connection.query(
                "SELECT 1 FROM cameras WHERE tenant_id = \(tenant) AND site_id = \(id) AND deleted_at IS NULL LIMIT 1",
                logger: logger
            ).collect()
            guard used.isEmpty else {
                throw StorageError.conflict(field: "site.id", reason: "cameras still belong to site \"\(id)\"")
            }
            // Deleted cameras forget the site; one brought back names its site again.
            _ = try await connection.query("""
                UPDATE cameras SET site_id = NULL WHERE tenant_id = \(tenant) AND site_id = \(id) AND deleted_at IS NOT NULL
                """, logger: logger).collect()
            _ = try await connection.query("DELETE FROM sites WHERE tenant_id = \(tenant) AND id = \(id)", logger: logger).collect()
            try await insertAudit(audit, connection: connection)
        }
    }
}
