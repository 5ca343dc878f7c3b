import Foundation
import Storage

extension SQLiteStore {
    public func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry] {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("""
                SELECT time_ms, user_id, username, address, action, target, before_json, after_json FROM audit_logs
                WHERE tenant_id = ?1 AND time_ms >= ?2 AND time_ms < ?3
                    AND (?4 IS NULL OR user_id = ?4) AND (?5 IS NULL OR action = ?5) AND (?6 IS NULL OR target = ?6)
                ORDER BY time_ms DESC, rowid DESC LIMIT ?7
                """, [tenant, .integer(Self.milliseconds(query.from)), .integer(Self.milliseconds(query.to)),
                      Self.text(query.userID?.uuidString), Self.text(query.action), Self.text(query.target),
                      .integer(Int64(max(0, query.limit)))]).map(Self.auditEntryRow)
        }
    }

    /// Appends `entry` to the tenant's trail, inside the transaction of the change it records.
    static func insertAudit(_ entry: AuditEntry, tenant: SQLiteValue, _ connection: SQLiteConnection) throws {
        try connection.query("""
            INSERT INTO audit_logs (tenant_id, time_ms, user_id, username, address, action, target, before_json, after_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [tenant, .integer(milliseconds(entry.time)), text(entry.userID?.uuidString), .text(entry.username),
                  text(entry.address), .text(entry.action), .text(entry.target), text(entry.before), text(entry.after)])
    }
}
