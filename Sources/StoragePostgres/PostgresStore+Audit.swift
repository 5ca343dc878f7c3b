import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        let tenant = configuration.tenantID
        let rows = try await transaction("read the audit trail") { [self] connection in
            try await connection.query("""
                SELECT time, user_id, username, address, action, target, before_json, after_json FROM audit_logs
                WHERE tenant_id = \(tenant) AND time >= \(query.from) AND time < \(query.to)
                    AND (\(query.userID)::uuid IS NULL OR user_id = \(query.userID))
                    AND (\(query.action)::text IS NULL OR action = \(query.action))
                    AND (\(query.target)::text IS NULL OR target = \(query.target))
                ORDER BY time DESC, seq DESC LIMIT \(Int64(max(0, query.limit)))
                """, logger: logger).collect().map {
                try $0.decode((Date, UUID?, String, String?, String, String, String?, String?).self)
            }
        }
        return rows.map {
            AuditEntry(time: $0.0, userID: $0.1, username: $0.2, address: $0.3, action: $0.4, target: $0.5,
                       before: $0.6, after: $0.7)
        }
    }

    /// Appends `entry` to the tenant's trail, inside the transaction of the change it records.
    func insertAudit(_ entry: AuditEntry, connection: PostgresConnection) async throws {
        let tenant = configuration.tenantID
        try await ensurePartitions("audit_logs", for: [entry.time], connection: connection)
        _ = try await connection.query("""
            INSERT INTO audit_logs (tenant_id, time, user_id, username, address, action, target, before_json, after_json)
            VALUES (\(tenant), \(entry.time), \(entry.userID), \(entry.username), \(entry.address), \(entry.action),
                    \(entry.target), \(entry.before), \(entry.after))
            """, logger: logger).collect()
    }
}
