import CountingCore
import Foundation
import Storage

// How values are written to and read from the SQLite columns.
extension SQLiteStore {
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(milliseconds value: SQLiteValue) -> Date {
        Date(timeIntervalSince1970: Double(value.int64 ?? 0) / 1000)
    }

    // Minutes are whole seconds: `minute >= from` for a fractional `from` is `minute >= ceil(from)`.
    static func ceilSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.up))
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, json value: SQLiteValue, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data((value.string ?? "").utf8))
        } catch {
            throw StorageError.backend(operation: "read \(what)", reason: "the stored JSON cannot be read: \(error)")
        }
    }

    static func uuid(_ value: SQLiteValue) -> UUID? {
        value.string.flatMap(UUID.init(uuidString:))
    }

    static func text(_ value: String?) -> SQLiteValue {
        value.map { .text($0) } ?? .null
    }

    // MARK: Cameras

    static let cameraColumns = "id, name, source, geometry, geometry_version, site_id, detector, analysis_rate, enabled"

    static func cameraRow(_ row: [SQLiteValue]) throws -> Camera {
        Camera(id: row[0].string ?? "", name: row[1].string ?? "", source: row[2].string ?? "",
               geometry: try decode(Geometry.self, json: row[3], what: "a camera's geometry"),
               geometryVersion: Int(row[4].int64 ?? 1), siteID: row[5].string,
               detector: row[6].string ?? Camera.defaultDetector, analysisRate: row[7].double, enabled: row[8].int64 != 0)
    }

    // MARK: Users and credentials

    static let userColumns = "id, tenant_id, username, password_hash, role, sites, created_ms"

    static func userRow(_ row: [SQLiteValue]) throws -> User {
        User(id: uuid(row[0]) ?? UUID(), tenantID: uuid(row[1]) ?? Tenant.defaultID, username: row[2].string ?? "",
             passwordHash: row[3].string ?? "", role: Role(rawValue: row[4].string ?? "") ?? .viewer,
             sites: try decode([String].self, json: row[5], what: "a user's sites"), created: date(milliseconds: row[6]))
    }

    static let credentialColumns = "id, tenant_id, user_id, kind, name, token_hash, created_ms, expires_ms, camera_id"

    static func credentialRow(_ row: [SQLiteValue]) -> Credential {
        Credential(id: uuid(row[0]) ?? UUID(), tenantID: uuid(row[1]) ?? Tenant.defaultID, userID: uuid(row[2]) ?? UUID(),
                   kind: Credential.Kind(rawValue: row[3].string ?? "") ?? .session, name: row[4].string,
                   tokenHash: row[5].bytes ?? [], created: date(milliseconds: row[6]),
                   expires: row[7] == .null ? nil : date(milliseconds: row[7]), cameraID: row[8].string)
    }

    // MARK: Audit

    static func auditEntryRow(_ row: [SQLiteValue]) -> AuditEntry {
        AuditEntry(time: date(milliseconds: row[0]), userID: uuid(row[1]), username: row[2].string ?? "",
                   address: row[3].string, action: row[4].string ?? "", target: row[5].string ?? "",
                   before: row[6].string, after: row[7].string)
    }
}
