import Foundation
import Storage

extension SQLiteStore {
    public func sites() async throws -> [Site] {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("SELECT id, name, time_zone FROM sites WHERE tenant_id = ? ORDER BY id", [tenant]).map(Self.siteRow)
        }
    }

    public func site(id: String) async throws -> Site? {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("SELECT id, name, time_zone FROM sites WHERE tenant_id = ? AND id = ?",
                                 [tenant, .text(id)]).first.map(Self.siteRow)
        }
    }

    public func saveSite(_ site: Site, audit: AuditEntry) async throws {
        try site.validate()
        let tenant = tenant, tenantID = tenantID
        try await database.write { connection in
            try Self.requireTenant(tenantID, connection)
            try connection.query("""
                INSERT INTO sites (tenant_id, id, name, time_zone) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone
                """, [tenant, .text(site.id), .text(site.name), .text(site.timeZone)])
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    public func deleteSite(id: String, audit: AuditEntry) async throws {
        let tenant = tenant
        try await database.write { connection in
            if try connection.query("SELECT 1 FROM sites WHERE tenant_id = ? AND id = ?", [tenant, .text(id)]).isEmpty {
                throw StorageError.notFound(field: "site.id", reason: "no site with id \"\(id)\"")
            }
            if try !connection.query("SELECT 1 FROM cameras WHERE tenant_id = ? AND site_id = ? AND deleted = 0 LIMIT 1",
                                     [tenant, .text(id)]).isEmpty {
                throw StorageError.conflict(field: "site.id", reason: "cameras still belong to site \"\(id)\"")
            }
            // Deleted cameras forget the site; one brought back names its site again.
            try connection.query("UPDATE cameras SET site_id = NULL WHERE tenant_id = ? AND site_id = ? AND deleted = 1",
                                 [tenant, .text(id)])
            try connection.query("DELETE FROM sites WHERE tenant_id = ? AND id = ?", [tenant, .text(id)])
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    static func siteRow(_ row: [SQLiteValue]) -> Site {
        Site(id: row[0].string ?? "", name: row[1].string ?? "", timeZone: row[2].string ?? "UTC")
    }
}
