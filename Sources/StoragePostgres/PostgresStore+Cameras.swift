import CountingCore
import Foundation
import PostgresNIO
import Storage

// Managing cameras through the API: each change and its audit entry share one transaction.
extension PostgresStore {
    public func createCamera(_ camera: Camera, audit: AuditEntry) async throws {
        try camera.validate()
        let sealed = try Self.seal(camera.source, key: key)
        let tenant = configuration.tenantID
        try await transaction("create camera \(camera.id)") { [self] connection in
            try await lockCamera(camera.id, connection: connection)
            try await requireFreeCameraID(camera.id, connection: connection)
            try await requireTenant(connection)
            let deleted = try await connection.query(
                "SELECT deleted_at IS NOT NULL FROM cameras WHERE tenant_id = \(tenant) AND id = \(camera.id)", logger: logger
            ).collect().first.map { try $0.decode(Bool.self) }
            if deleted == false {
                throw StorageError.conflict(field: "camera.id", reason: "a camera with id \"\(camera.id)\" exists")
            }
            try await requireSite(of: camera, connection: connection)
            // A deleted camera's id comes back with its history: its versions go on.
            let version = (try await latestGeometry(cameraID: camera.id, connection: connection)?.version ?? 0) + 1
            try await upsertCamera(camera, sealed: sealed, version: version, connection: connection)
            try await insertGeometryVersion(cameraID: camera.id, version: version, geometry: camera.geometry,
                                            created: audit.time, connection: connection)
            try await insertAudit(audit, connection: connection)
        }
    }

    public func updateCamera(_ camera: Camera, audit: AuditEntry) async throws {
        try camera.validate()
        let sealed = try Self.seal(camera.source, key: key)
        let tenant = configuration.tenantID
        try await transaction("update camera \(camera.id)") { [self] connection in
            try await lockCamera(camera.id, connection: connection)
            guard try await activeCameras(id: camera.id, connection: connection).first != nil else {
                throw StorageError.notFound(field: "camera.id", reason: "no camera with id \"\(camera.id)\"")
            }
            try await requireSite(of: camera, connection: connection)
            _ = try await connection.query("""
                UPDATE cameras SET name = \(camera.name), source_sealed = \(ByteBuffer(bytes: sealed)), site_id = \(camera.siteID),
                    detector = \(camera.detector), analysis_rate = \(camera.analysisRate), enabled = \(camera.enabled),
                    updated_at = now()
                WHERE tenant_id = \(tenant) AND id = \(camera.id)
                """, logger: logger).collect()
            try await insertAudit(audit, connection: connection)
        }
    }

    public func deleteCamera(id: String, audit: AuditEntry) async throws {
        let tenant = configuration.tenantID
        try await transaction("delete camera \(id)") { [self] connection in
            let deleted = try await connection.query("""
                UPDATE cameras SET deleted_at = now(), updated_at = now()
                WHERE tenant_id = \(tenant) AND id = \(id) AND deleted_at IS NULL RETURNING 1
                """, logger: logger).collect()
            guard !deleted.isEmpty else {
                throw StorageError.notFound(field: "camera.id", reason: "no camera with id \"\(id)\"")
            }
            // Its tokens go with it: a camera added later under the same id is not theirs.
            _ = try await connection.query("DELETE FROM user_sessions WHERE tenant_id = \(tenant) AND camera_id = \(id)",
                                           logger: logger).collect()
            try await insertAudit(audit, connection: connection)
        }
    }

    public func setGeometry(cameraID: String, geometry: Geometry, audit: AuditEntry) async throws -> GeometryVersion {
        let tenant = configuration.tenantID
        return try await transaction("set the geometry of camera \(cameraID)") { [self] connection in
            try await lockCamera(cameraID, connection: connection)
            guard var camera = try await activeCameras(id: cameraID, connection: connection).first else {
                throw StorageError.notFound(field: "camera.id", reason: "no camera with id \"\(cameraID)\"")
            }
            camera.geometry = geometry
            try camera.validate()
            let version = (try await latestGeometry(cameraID: cameraID, connection: connection)?.version ?? 0) + 1
            _ = try await connection.query("""
                UPDATE cameras SET geometry_version = \(version), updated_at = now() WHERE tenant_id = \(tenant) AND id = \(cameraID)
                """, logger: logger).collect()
            try await insertGeometryVersion(cameraID: cameraID, version: version, geometry: geometry, created: audit.time,
                                            connection: connection)
            try await insertAudit(audit, connection: connection)
            return GeometryVersion(cameraID: cameraID, version: version, geometry: geometry, created: audit.time)
        }
    }

    public func geometryVersions(cameraID: String) async throws -> [GeometryVersion] {
        let tenant = configuration.tenantID
        let rows = try await transaction("read the geometry versions of camera \(cameraID)") { [self] connection in
            let active = try await connection.query(
                "SELECT 1 FROM cameras WHERE tenant_id = \(tenant) AND id = \(cameraID) AND deleted_at IS NULL", logger: logger
            ).collect()
            guard !active.isEmpty else {
                throw StorageError.notFound(field: "camera.id", reason: "no camera with id \"\(cameraID)\"")
            }
            return try await connection.query("""
                SELECT version, geometry::text, created_at FROM geometry_versions
                WHERE tenant_id = \(tenant) AND camera_id = \(cameraID) ORDER BY version
                """, logger: logger).collect().map { try $0.decode((Int, String, Date).self) }
        }
        return try rows.map { row in
            GeometryVersion(cameraID: cameraID, version: row.0, geometry: try Self.geometry(row.1), created: row.2)
        }
    }

    // MARK: Statements shared by the camera writes

    /// The tenant's cameras that are not deleted (or the one with `id`), ordered by id.
    func activeCameras(id: String?, connection: PostgresConnection) async throws -> [Camera] {
        let tenant = configuration.tenantID
        let rows = try await connection.query("""
            SELECT c.id, c.name, c.source_sealed, g.geometry::text, c.geometry_version, c.site_id, c.detector,
                c.analysis_rate, c.enabled
            FROM cameras c
            JOIN geometry_versions g ON g.tenant_id = c.tenant_id AND g.camera_id = c.id AND g.version = c.geometry_version
            WHERE c.tenant_id = \(tenant) AND c.deleted_at IS NULL AND (\(id)::text IS NULL OR c.id = \(id))
            ORDER BY c.id COLLATE "C"
            """, logger: logger).collect().map {
            try $0.decode((String, String, ByteBuffer, String, Int, String?, String, Double?, Bool).self)
        }
        return try rows.map { row in
            Camera(id: row.0, name: row.1, source: try openSource(Array(buffer: row.2)),
                   geometry: try Self.geometry(row.3), geometryVersion: row.4, siteID: row.5, detector: row.6,
                   analysisRate: row.7, enabled: row.8)
        }
    }

    /// Makes concurrent writes to one camera id, in any tenant, take turns until the transaction ends.
    func lockCamera(_ id: String, connection: PostgresConnection) async throws {
        let lock = "footfall_camera:\(id)"
        _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lock)))", logger: logger).collect()
    }

    /// Camera ids are unique in the whole installation (live numbers are kept by camera id):
    /// `conflict` if another tenant has a camera, deleted or not, with this id. Taken after
    /// `lockCamera`, so two tenants cannot take the same id at once.
    func requireFreeCameraID(_ id: String, connection: PostgresConnection) async throws {
        let tenant = configuration.tenantID
        let taken = try await connection.query("SELECT footfall_camera_id_taken(\(id), \(tenant))", logger: logger)
            .collect().first.map { try $0.decode(Bool.self) } ?? false
        if taken { throw StorageError.conflict(field: "camera.id", reason: "a camera with id \"\(id)\" exists") }
    }

    /// Rows are only added to a tenant that exists.
    func requireTenant(_ connection: PostgresConnection) async throws {
        let tenant = configuration.tenantID
        let rows = try await connection.query("SELECT 1 FROM tenants WHERE id = \(tenant)", logger: logger).collect()
        guard !rows.isEmpty else {
            throw StorageError.invalidInput(field: "tenant", reason: "no tenant with id \(tenant.uuidString.lowercased())")
        }
    }

    /// A camera may only name a site of its own tenant.
    func requireSite(of camera: Camera, connection: PostgresConnection) async throws {
        guard let site = camera.siteID else { return }
        let tenant = configuration.tenantID
        let rows = try await connection.query(
            "SELECT 1 FROM sites WHERE tenant_id = \(tenant) AND id = \(site)", logger: logger
        ).collect()
        guard !rows.isEmpty else {
            throw StorageError.invalidInput(field: "camera.siteID", reason: "no site with id \"\(site)\"")
        }
    }

    /// The camera's newest geometry version, deleted or not.
    func latestGeometry(cameraID: String, connection: PostgresConnection) async throws -> (version: Int, geometry: Geometry)? {
        let tenant = configuration.tenantID
        let row = try await connection.query("""
            SELECT version, geometry::text FROM geometry_versions
            WHERE tenant_id = \(tenant) AND camera_id = \(cameraID) ORDER BY version DESC LIMIT 1
            """, logger: logger).collect().first.map { try $0.decode((Int, String).self) }
        guard let row else { return nil }
        return (row.0, try Self.geometry(row.1))
    }

    /// Writes every field of `camera` with `version` as its current geometry, bringing a deleted one back.
    func upsertCamera(_ camera: Camera, sealed: [UInt8], version: Int, connection: PostgresConnection) async throws {
        let tenant = configuration.tenantID
        _ = try await connection.query("""
            INSERT INTO cameras (tenant_id, id, name, source_sealed, geometry_version, site_id, detector, analysis_rate, enabled)
            VALUES (\(tenant), \(camera.id), \(camera.name), \(ByteBuffer(bytes: sealed)), \(version), \(camera.siteID),
                    \(camera.detector), \(camera.analysisRate), \(camera.enabled))
            ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, source_sealed = EXCLUDED.source_sealed,
                geometry_version = EXCLUDED.geometry_version, site_id = EXCLUDED.site_id, detector = EXCLUDED.detector,
                analysis_rate = EXCLUDED.analysis_rate, enabled = EXCLUDED.enabled, deleted_at = NULL, updated_at = now()
            """, logger: logger).collect()
    }

    /// Stores one version of a camera's geometry with its lines and zones; `created` nil is now.
    func insertGeometryVersion(cameraID: String, version: Int, geometry: Geometry, created: Date?,
                               connection: PostgresConnection) async throws {
        let tenant = configuration.tenantID
        _ = try await connection.query("""
            INSERT INTO geometry_versions (tenant_id, camera_id, version, geometry, created_at)
            VALUES (\(tenant), \(cameraID), \(version), \(try Self.json(geometry))::jsonb, coalesce(\(created)::timestamptz, now()))
            """, logger: logger).collect()
        for line in geometry.lines {
            _ = try await connection.query("""
                INSERT INTO counting_lines (tenant_id, camera_id, geometry_version, name, ax, ay, bx, by)
                VALUES (\(tenant), \(cameraID), \(version), \(line.name), \(line.a.x), \(line.a.y), \(line.b.x), \(line.b.y))
                """, logger: logger).collect()
        }
        for zone in geometry.zones {
            _ = try await connection.query("""
                INSERT INTO zones (tenant_id, camera_id, geometry_version, name, polygon)
                VALUES (\(tenant), \(cameraID), \(version), \(zone.name), \(try Self.json(zone.polygon))::jsonb)
                """, logger: logger).collect()
        }
    }

    static func geometry(_ json: String) throws -> Geometry {
        do {
            return try JSONDecoder().decode(Geometry.self, from: Data(json.utf8))
        } catch {
            throw StorageError.backend(operation: "read a geometry", reason: "the stored JSON cannot be read: \(error)")
        }
    }
}
