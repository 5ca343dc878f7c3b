import Foundation
import Storage

extension SQLiteStore {
    static let fileColumns = "id, kind, object_key, name, content_type, size, sha256, site_id, created_ms, expires_ms"

    public func addFile(_ file: StoredFile, audit: AuditEntry?) async throws -> Bool {
        try file.validate()
        let tenant = tenant, tenantID = tenantID
        return try await database.write { connection in
            try Self.requireTenant(tenantID, connection)
            if try !connection.query("SELECT 1 FROM files WHERE object_key = ?", [.text(file.key)]).isEmpty { return false }
            if try !connection.query("SELECT 1 FROM files WHERE id = ?", [.text(file.id.uuidString)]).isEmpty {
                throw StorageError.conflict(field: "file.id", reason: "the id is taken")
            }
            if let site = file.siteID, try connection.query("SELECT 1 FROM sites WHERE tenant_id = ? AND id = ?", [tenant, .text(site)]).isEmpty {
                throw StorageError.invalidInput(field: "file.site", reason: "no site with id \"\(site)\"")
            }
            try connection.query("INSERT INTO files (tenant_id, \(Self.fileColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                tenant, .text(file.id.uuidString), .text(file.kind.rawValue), .text(file.key), .text(file.name), .text(file.contentType),
                .integer(Int64(file.size)), .blob(file.sha256), Self.text(file.siteID), .integer(Self.milliseconds(file.created)),
                file.expires.map { .integer(Self.milliseconds($0)) } ?? .null,
            ])
            if let audit { try Self.insertAudit(audit, tenant: tenant, connection) }
            return true
        }
    }

    public func files(kind: StoredFile.Kind, siteIDs: Set<String>?, keyPrefix: String?, limit: Int) async throws -> [StoredFile] {
        let tenant = tenant
        let rows = try await database.read { connection in
            // Compared by substr: `_` and `%` in a prefix would be wildcards to LIKE.
            try connection.query("""
                SELECT \(Self.fileColumns) FROM files WHERE tenant_id = ? AND kind = ?
                    AND (? IS NULL OR substr(object_key, 1, length(?)) = ?)
                ORDER BY created_ms DESC, id DESC
                """, [tenant, .text(kind.rawValue), Self.text(keyPrefix), Self.text(keyPrefix), Self.text(keyPrefix)])
        }
        // Every file of the kind is read and the sites filtered here: a tenant keeps a few
        // thousand reports, and SQLite serves one site's installation.
        return Array(try rows.lazy.map(Self.fileRow).filter { file in siteIDs.map { ids in file.siteID.map(ids.contains) ?? false } ?? true }
            .prefix(max(0, limit)))
    }

    public func file(id: UUID) async throws -> StoredFile? {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("SELECT \(Self.fileColumns) FROM files WHERE tenant_id = ? AND id = ?", [tenant, .text(id.uuidString)])
                .first.map(Self.fileRow)
        }
    }

    public func removeExpiredFiles(before date: Date, limit: Int) async throws -> [StoredFile] {
        let tenant = tenant
        return try await database.write { connection in
            let expired = try connection.query("""
                SELECT \(Self.fileColumns) FROM files WHERE tenant_id = ? AND expires_ms IS NOT NULL AND expires_ms < ?
                ORDER BY expires_ms, id LIMIT ?
                """, [tenant, .integer(Self.milliseconds(date)), .integer(Int64(max(0, limit)))]).map(Self.fileRow)
            for file in expired {
                try connection.query("DELETE FROM files WHERE tenant_id = ? AND id = ?", [tenant, .text(file.id.uuidString)])
            }
            return expired
        }
    }

    static func fileRow(_ row: [SQLiteValue]) throws -> StoredFile {
        guard let id = row[0].string.flatMap(UUID.init(uuidString:)), let kind = row[1].string.flatMap(StoredFile.Kind.init(rawValue:)) else {
            throw StorageError.backend(operation: "read a file", reason: "a row has a bad id or kind")
        }
        return StoredFile(id: id, kind: kind, key: row[2].string ?? "", name: row[3].string ?? "", contentType: row[4].string ?? "",
                          size: Int(row[5].int64 ?? 0), sha256: row[6].bytes ?? [], siteID: row[7].string,
                          created: Self.date(milliseconds: row[8]), expires: row[9].int64 == nil ? nil : Self.date(milliseconds: row[9]))
    }
}
