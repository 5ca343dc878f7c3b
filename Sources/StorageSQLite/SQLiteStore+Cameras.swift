import CountingCore
import Foundation
import Storage

// Managing cameras through the API: each change is audited in its own transaction.
extension SQLiteStore {
    public func createCamera(_ camera: Camera, audit: AuditEntry) async throws {
        try camera.validate()
        let geometry = try Self.json(camera.geometry)
        let tenant = tenant, tenantID = tenantID
        try await database.write { connection in
            try Self.requireFreeCameraID(camera.id, tenant: tenant, connection)
            try Self.requireTenant(tenantID, connection)
            let existing = try connection.query("SELECT deleted FROM cameras WHERE tenant_id = ? AND id = ?",
                                                [tenant, .text(camera.id)]).first
            if let existing, existing[0].int64 == 0 {
                throw StorageError.conflict(field: "camera.id", reason: "a camera with id \"\(camera.id)\" exists")
            }
            try Self.requireSite(of: camera, tenant: tenant, connection)
            // A deleted camera's id comes back with its history: its versions go on.
            let version = (try Self.latestGeometry(cameraID: camera.id, tenant: tenant, connection)?.version ?? 0) + 1
            try Self.upsertCamera(camera, geometry: geometry, version: version, tenant: tenant, connection)
            try Self.insertGeometryVersion(cameraID: camera.id, version: version, geometry: geometry, created: audit.time,
                                           tenant: tenant, connection)
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    public func updateCamera(_ camera: Camera, audit: AuditEntry) async throws {
        try camera.validate()
        let tenant = tenant
        try await database.write { connection in
            guard try Self.activeCamera(id: camera.id, tenant: tenant, connection) != nil else {
                throw StorageError.notFound(field: "camera.id", reason: "no camera with id \"\(camera.id)\"")
            }
            try Self.requireSite(of: camera, tenant: tenant, connection)
            try connection.query("""
                UPDATE cameras SET name = ?, source = ?, site_id = ?, detector = ?, analysis_rate = ?, enabled = ?, updated_at = ?
                WHERE tenant_id = ? AND id = ?
                """, [.text(camera.name), .text(camera.source), Self.text(camera.siteID), .text(camera.detector),
                      camera.analysisRate.map { .real($0) } ?? .null, .integer(camera.enabled ? 1 : 0),
                      .real(Date().timeIntervalSince1970), tenant, .text(camera.id)])
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    public func deleteCamera(id: String, audit: AuditEntry) async throws {
        let tenant = tenant
        try await database.write { connection in
            try connection.query("UPDATE cameras SET deleted = 1, updated_at = ? WHERE tenant_id = ? AND id = ? AND deleted = 0",
                                 [.real(Date().timeIntervalSince1970), tenant, .text(id)])
            guard connection.changes == 1 else {
                throw StorageError.notFound(field: "camera.id", reason: "no camera with id \"\(id)\"")
            }
            // Its tokens go with it: a camera added later under the same id is not theirs.
            try connection.query("DELETE FROM credentials WHERE tenant_id = ? AND camera_id = ?", [tenant, .text(id)])
            try Self.insertAudit(audit, tenant: tenant, connection)
        }
    }

    public func setGeometry(cameraID: String, geometry: Geometry, audit: AuditEntry) async throws -> GeometryVersion {
        let tenant = tenant
        return try await database.write { connection in
            guard var camera = try Self.activeCamera(id: cameraID, tenant: tenant, connection) else {
                throw StorageError.notFound(field: "camera.id", reason: "no camera with id \"\(cameraID)\"")
            }
            camera.geometry = geometry
            try camera.validate()
            let json = try Self.json(geometry)
            let version = (try Self.latestGeometry(cameraID: cameraID, tenant: tenant, connection)?.version ?? 0) + 1
            try connection.query("UPDATE cameras SET geometry = ?, geometry_version = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
                                 [.text(json), .integer(Int64(version)), .real(Date().timeIntervalSince1970), tenant, .text(cameraID)])
            try Self.insertGeometryVersion(cameraID: cameraID, version: version, geometry: json, created: audit.time,
                                           tenant: tenant, connection)
            try Self.insertAudit(audit, tenant: tenant, connection)
            return GeometryVersion(cameraID: cameraID, version: version, geometry: geometry,
                                   created: Self.date(milliseconds: .integer(Self.milliseconds(audit.time))))
        }
    }

    public func geometryVersions(cameraID: String) async throws -> [GeometryVersion] {
        let tenant = tenant
        return try await database.write { connection in
            guard try Self.activeCamera(id: cameraID, tenant: tenant, connection) != nil else {
                throw StorageError.notFound(field: "camera.id", reason: "no camera with id \"\(cameraID)\"")
            }
            return try connection.query("""
                SELECT version, geometry, created_ms FROM geometry_versions WHERE tenant_id = ? AND camera_id = ? ORDER BY version
                """, [tenant, .text(cameraID)]).map { row in
                GeometryVersion(cameraID: cameraID, version: Int(row[0].int64 ?? 0),
                                geometry: try Self.decode(Geometry.self, json: row[1], what: "a geometry version"),
                                created: Self.date(milliseconds: row[2]))
            }
        }
    }

    // MARK: Statements shared by the camera writes

    /// The camera with this id unless it is deleted.
    static func activeCamera(id: String, tenant: SQLiteValue, _ connection: SQLiteConnection) throws -> Camera? {
        try connection.query("SELECT \(cameraColumns) FROM cameras WHERE tenant_id = ? AND id = ? AND deleted = 0",
                             [tenant, .text(id)]).first.map(cameraRow)
    }

    /// Camera ids are unique in the whole file (live numbers are kept by camera id): `conflict`
    /// if another tenant has a camera, deleted or not, with this id.
    static func requireFreeCameraID(_ id: String, tenant: SQLiteValue, _ connection: SQLiteConnection) throws {
        if try !connection.query("SELECT 1 FROM cameras WHERE id = ? AND tenant_id <> ?", [.text(id), tenant]).isEmpty {
            throw StorageError.conflict(field: "camera.id", reason: "a camera with id \"\(id)\" exists")
        }
    }

    /// A camera may only name a site of its own tenant.
    static func requireSite(of camera: Camera, tenant: SQLiteValue, _ connection: SQLiteConnection) throws {
        guard let site = camera.siteID else { return }
        if try connection.query("SELECT 1 FROM sites WHERE tenant_id = ? AND id = ?", [tenant, .text(site)]).isEmpty {
            throw StorageError.invalidInput(field: "camera.siteID", reason: "no site with id \"\(site)\"")
        }
    }

    /// The camera's newest geometry version, deleted or not.
    static func latestGeometry(cameraID: String, tenant: SQLiteValue, _ connection: SQLiteConnection) throws
        -> (version: Int, geometry: Geometry)?
    {
        guard let row = try connection.query("""
            SELECT version, geometry FROM geometry_versions WHERE tenant_id = ? AND camera_id = ? ORDER BY version DESC LIMIT 1
            """, [tenant, .text(cameraID)]).first
        else { return nil }
        return (Int(row[0].int64 ?? 0), try decode(Geometry.self, json: row[1], what: "a geometry version"))
    }

    /// Writes every field of `camera` with `version` as its current geometry, bringing a deleted one back.
    static func upsertCamera(_ camera: Camera, geometry: String, version: Int, tenant: SQLiteValue,
                             _ connection: SQLiteConnection) throws {
        try connection.query("""
            INSERT INTO cameras (tenant_id, id, name, source, geometry, geometry_version, site_id, detector, analysis_rate,
                enabled, deleted, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)
            ON CONFLICT (tenant_id, id) DO UPDATE SET name = excluded.name, source = excluded.source,
                geometry = excluded.geometry, geometry_version = excluded.geometry_version, site_id = excluded.site_id,
                detector = excluded.detector, analysis_rate = excluded.analysis_rate, enabled = excluded.enabled,
                deleted = 0, updated_at = excluded.updated_at
            """, [tenant, .text(camera.id), .text(camera.name), .text(camera.source), .text(geometry),
                  .integer(Int64(version)), text(camera.siteID), .text(camera.detector),
                  camera.analysisRate.map { .real($0) } ?? .null, .integer(camera.enabled ? 1 : 0),
                  .real(Date().timeIntervalSince1970)])
    }

    static func insertGeometryVersion(cameraID: String, version: Int, geometry: String, created: Date, tenant: SQLiteValue,
                                      _ connection: SQLiteConnection) throws {
        try connection.query("""
            INSERT INTO geometry_versions (tenant_id, camera_id, version, geometry, created_ms) VALUES (?, ?, ?, ?, ?)
            """, [tenant, .text(cameraID), .integer(Int64(version)), .text(geometry), .integer(milliseconds(created))])
    }
}
