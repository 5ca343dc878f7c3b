import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    typealias FileRow = (UUID, String, String, String, String, Int64, ByteBuffer, String?, Date, Date?)
    static let fileColumns = "id, kind, object_key, name, content_type, size, sha256, site_id, created_at, expires_at"

    public func addFile(_ file: StoredFile, audit: AuditEntry?) async throws -> Bool {
        try file.validate()
        let tenant = configuration.tenantID
        return try await transaction("list a file") { [self] connection in
            try await requireTenant(connection)
            if let site = file.siteID,
               try await connection.query("SELECT 1 FROM sites WHERE tenant_id = \(tenant) AND id = \(site)", logger: logger).collect().isEmpty {
                throw StorageError.invalidInput(field: "file.site", reason: "no site with id \"\(site)\"")
            }
            // The key is unique in the whole installation; the index sees other tenants' rows.
            let added = try await Self.mappingUniqueViolations(["files_pkey": .conflict(field: "file.id", reason: "the id is taken")]) {
                try await !connection.query("""
                    INSERT INTO files (tenant_id, \(unescaped: Self.fileColumns))
                    VALUES (\(tenant), \(file.id), \(file.kind.rawValue), \(file.key), \(file.name), \(file.contentType), \(Int64(file.size)),
                            \(ByteBuffer(bytes: file.sha256)), \(file.siteID), \(file.created), \(file.expires))
                    ON CONFLICT (object_key) DO NOTHING RETURNING id
                    """, logger: logger).collect().isEmpty
            }
            if added, let audit { try await insertAudit(audit, connection: connection) }
            return added
        }
    }

    public func files(kind: StoredFile.Kind, siteIDs: Set<String>?, keyPrefix: String?, limit: Int) async throws -> [StoredFile] {
        let tenant = configuration.tenantID
        let sites = siteIDs.map { Array($0) }
        return try await transaction("read files", reading: true) { [self] connection in
            try await connection.query("""
                SELECT \(unescaped: Self.fileColumns) FROM files
                WHERE tenant_id = \(tenant) AND kind = \(kind.rawValue) AND (\(sites)::text[] IS NULL OR site_id = ANY(\(sites)::text[]))
                    AND (\(keyPrefix)::text IS NULL OR starts_with(object_key, \(keyPrefix)::text))
                ORDER BY created_at DESC, id DESC LIMIT \(max(0, limit))
                """, logger: logger).collect().map { try Self.file($0.decode(FileRow.self)) }
        }
    }

    public func file(id: UUID) async throws -> StoredFile? {
        let tenant = configuration.tenantID
        return try await transaction("read a file", reading: true) { [self] connection in
            try await connection.query("SELECT \(unescaped: Self.fileColumns) FROM files WHERE tenant_id = \(tenant) AND id = \(id)",
                                       logger: logger).collect().first.map { try Self.file($0.decode(FileRow.self)) }
        }
    }

    public func removeExpiredFiles(before date: Date, limit: Int) async throws -> [StoredFile] {
        let tenant = configuration.tenantID
        return try await transaction("remove expired files") { [self] connection in
            try await connection.query("""
                DELETE FROM files WHERE tenant_id = \(tenant) AND id IN (
                    SELECT id FROM files WHERE tenant_id = \(tenant) AND expires_at < \(date) ORDER BY expires_at, id
                    LIMIT \(max(0, limit)))
                RETURNING \(unescaped: Self.fileColumns)
                """, logger: logger).collect().map { try Self.file($0.decode(FileRow.self)) }
                .sorted { ($0.expires ?? date, $0.id.uuidString) < ($1.expires ?? date, $1.id.uuidString) }
        }
    }

    static func file(_ row: FileRow) throws -> StoredFile {
        guard let kind = StoredFile.Kind(rawValue: row.1) else {
            throw StorageError.backend(operation: "read a file", reason: "unknown kind \"\(row.1)\"")
        }
        return StoredFile(id: row.0, kind: kind, key: row.2, name: row.3, contentType: row.4, size: Int(row.5),
                          sha256: Array(buffer: row.6), siteID: row.7, created: row.8, expires: row.9)
    }
}
