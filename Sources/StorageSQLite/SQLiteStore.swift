import CountingCore
import Foundation
import Storage

/// The embedded default store: one SQLite file, written through one connection.
///
/// A store reads and writes one tenant's rows. SQLite has no row-level security, so every
/// statement names the tenant itself; `scoped(to:)` gives another tenant's store on the same
/// connection. What SQLite cannot do (roles, partitions) is left out, not imitated; see
/// `docs/storage.md`.
public final class SQLiteStore: FootfallStore {
    let database: SQLiteDatabase
    public let path: String
    public let tenantID: UUID

    /// Opens (creating if needed) the database at `path`, as the default tenant's store.
    /// - Parameter migrate: apply missing migrations now; otherwise `migrate()` must be called.
    public convenience init(path: String, migrate: Bool = true) throws {
        self.init(database: try SQLiteDatabase(path: path, migrate: migrate), path: path, tenantID: Tenant.defaultID)
    }

    init(database: SQLiteDatabase, path: String, tenantID: UUID) {
        self.database = database
        self.path = path
        self.tenantID = tenantID
    }

    /// Applies missing migrations; returns the versions applied now (empty when up to date).
    public func migrate() async throws -> [Int] {
        try await database.migrate()
    }

    /// This store's tenant as stored in the `tenant_id` columns.
    var tenant: SQLiteValue { .text(tenantID.uuidString) }

    // MARK: Cameras

    public func saveCamera(_ camera: Camera) async throws {
        try camera.validate()
        let geometry = try Self.json(camera.geometry)
        let tenant = tenant, tenantID = tenantID
        try await database.write { connection in
            try Self.requireFreeCameraID(camera.id, tenant: tenant, connection)
            try Self.requireTenant(tenantID, connection)
            try Self.requireSite(of: camera, tenant: tenant, connection)
            let latest = try Self.latestGeometry(cameraID: camera.id, tenant: tenant, connection)
            let unchanged = latest.map { $0.geometry == camera.geometry } ?? false
            let version = unchanged ? latest!.version : (latest?.version ?? 0) + 1
            try Self.upsertCamera(camera, geometry: geometry, version: version, tenant: tenant, connection)
            if !unchanged {
                try Self.insertGeometryVersion(cameraID: camera.id, version: version, geometry: geometry, created: Date(),
                                               tenant: tenant, connection)
            }
        }
    }

    public func cameras() async throws -> [Camera] {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("SELECT \(Self.cameraColumns) FROM cameras WHERE tenant_id = ? AND deleted = 0 ORDER BY id",
                                 [tenant]).map(Self.cameraRow)
        }
    }

    public func camera(id: String) async throws -> Camera? {
        let tenant = tenant
        return try await database.read { connection in
            try Self.activeCamera(id: id, tenant: tenant, connection)
        }
    }

    /// Throws `invalidInput` naming `field(i)` for the first camera id the tenant has never had
    /// (a deleted camera still takes its counts).
    static func requireCameras(_ ids: [String], tenant: SQLiteValue, _ connection: SQLiteConnection,
                               field: (Int) -> String) throws {
        var known = Set<String>()
        for (i, id) in ids.enumerated() where !known.contains(id) {
            let rows = try connection.query("SELECT 1 FROM cameras WHERE tenant_id = ? AND id = ?", [tenant, .text(id)])
            if rows.isEmpty { throw StorageError.invalidInput(field: field(i), reason: "no camera with id \"\(id)\"") }
            known.insert(id)
        }
    }

    // MARK: Counts

    public func storeCrossings(_ crossings: [CrossingRecord]) async throws -> StoredCrossings {
        for (i, crossing) in crossings.enumerated() { try CrossingRecord.validate(crossing, index: i) }
        let tenant = tenant
        return try await database.write { connection in
            try Self.requireCameras(crossings.map(\.cameraID), tenant: tenant, connection) { "crossings[\($0)].cameraID" }
            var fences: [String: (token: Int64?, acquiredAt: Date?)] = [:]
            var stored = StoredCrossings(added: 0)
            for crossing in crossings {
                if crossing.leaseToken != nil {
                    if fences[crossing.cameraID] == nil {
                        let row = try connection.query(
                            "SELECT lease_token, lease_acquired_ms FROM cameras WHERE tenant_id = ? AND id = ?",
                            [tenant, .text(crossing.cameraID)]).first
                        fences[crossing.cameraID] = (row?[0].int64, row.flatMap { $0[1].int64 == nil ? nil : Self.date(milliseconds: $0[1]) })
                    }
                    let fence = fences[crossing.cameraID]
                    if crossing.isFenced(newestToken: fence?.token ?? nil, acquiredAt: fence?.acquiredAt ?? nil) {
                        stored.fenced += 1
                        continue
                    }
                }
                try connection.query("""
                    INSERT INTO crossing_events (tenant_id, id, camera_id, line, direction, track_id, time_ms, geometry_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, id) DO NOTHING
                    """, [tenant, .text(crossing.id), .text(crossing.cameraID), .text(crossing.line),
                          .text(crossing.direction.rawValue), .integer(Int64(crossing.trackID)),
                          .integer(Self.milliseconds(crossing.time)), .integer(Int64(crossing.geometryVersion))])
                stored.added += connection.changes
            }
            return stored
        }
    }

    @discardableResult
    public func recordLease(cameraID: String, token: Int64, acquiredAt: Date) async throws -> Bool {
        let tenant = tenant
        return try await database.write { connection in
            try Self.requireCameras([cameraID], tenant: tenant, connection) { _ in "cameraID" }
            try connection.query("""
                UPDATE cameras SET lease_token = ?, lease_acquired_ms = ?
                WHERE tenant_id = ? AND id = ? AND (lease_token IS NULL OR lease_token < ?)
                """, [.integer(token), .integer(Self.milliseconds(acquiredAt)), tenant, .text(cameraID), .integer(token)])
            let newest = try connection.query("SELECT lease_token FROM cameras WHERE tenant_id = ? AND id = ?",
                                              [tenant, .text(cameraID)]).first?[0].int64
            return newest == token
        }
    }

    public func crossings(cameraID: String, from: Date, to: Date) async throws -> [CrossingRecord] {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("""
                SELECT id, camera_id, line, direction, track_id, time_ms, geometry_version FROM crossing_events
                WHERE tenant_id = ? AND camera_id = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms, id
                """, [tenant, .text(cameraID), .integer(Self.milliseconds(from)), .integer(Self.milliseconds(to))]).map { row in
                CrossingRecord(
                    id: row[0].string ?? "", cameraID: row[1].string ?? "", line: row[2].string ?? "",
                    direction: CrossingDirection(rawValue: row[3].string ?? "") ?? .in, trackID: Int(row[4].int64 ?? 0),
                    time: Self.date(milliseconds: row[5]), geometryVersion: Int(row[6].int64 ?? 1))
            }
        }
    }

    public func crossingTotals(cameraID: String, from: Date, to: Date) async throws -> [String: CrossingTotals] {
        let tenant = tenant
        let rows = try await database.read { connection in
            try connection.query("""
                SELECT line, direction, count(*) FROM crossing_events
                WHERE tenant_id = ? AND camera_id = ? AND time_ms >= ? AND time_ms < ? GROUP BY line, direction
                """, [tenant, .text(cameraID), .integer(Self.milliseconds(from)), .integer(Self.milliseconds(to))]).map { row in
                (row[0].string ?? "", row[1].string ?? "", Int(row[2].int64 ?? 0))
            }
        }
        var totals: [String: CrossingTotals] = [:]
        for (line, direction, count) in rows {
            if direction == CrossingDirection.in.rawValue {
                totals[line, default: .init()].countIn = count
            } else {
                totals[line, default: .init()].countOut = count
            }
        }
        return totals
    }

    public func addCountingResults(_ results: [CountingResult]) async throws {
        for result in results { try result.validate() }
        let tenant = tenant
        try await database.write { connection in
            try Self.requireCameras(results.map(\.cameraID), tenant: tenant, connection) { "results[\($0)].cameraID" }
            var pruned: Set<String> = []
            for written in results {
                var result = written
                if let runID = written.runID {
                    result = try Self.recordRunPart(written, runID: runID, tenant: tenant, pruning: !pruned.contains(written.cameraID), connection)
                    pruned.insert(written.cameraID)
                }
                try connection.query("""
                    INSERT INTO counting_results (tenant_id, camera_id, kind, name, minute, count_in, count_out,
                        occupancy_min, occupancy_max, occupancy_sum, occupancy_samples, dwell)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (tenant_id, camera_id, minute, kind, name) DO UPDATE SET
                        count_in = count_in + excluded.count_in,
                        count_out = count_out + excluded.count_out,
                        occupancy_min = CASE WHEN occupancy_samples = 0 THEN excluded.occupancy_min
                            WHEN excluded.occupancy_samples = 0 THEN occupancy_min
                            ELSE min(occupancy_min, excluded.occupancy_min) END,
                        occupancy_max = CASE WHEN occupancy_samples = 0 THEN excluded.occupancy_max
                            WHEN excluded.occupancy_samples = 0 THEN occupancy_max
                            ELSE max(occupancy_max, excluded.occupancy_max) END,
                        occupancy_sum = occupancy_sum + excluded.occupancy_sum,
                        occupancy_samples = occupancy_samples + excluded.occupancy_samples,
                        dwell = CASE WHEN dwell = '' THEN excluded.dwell WHEN excluded.dwell = '' THEN dwell
                            ELSE dwell || ',' || excluded.dwell END
                    """, [tenant, .text(result.cameraID), .text(result.kind.rawValue), .text(result.name),
                          .integer(Int64(result.minute.timeIntervalSince1970)), .integer(Int64(result.countIn)),
                          .integer(Int64(result.countOut)), .integer(Int64(result.occupancyMin)),
                          .integer(Int64(result.occupancyMax)), .real(result.occupancySum),
                          .integer(Int64(result.occupancySamples)),
                          .text(result.dwellSeconds.map { "\($0)" }.joined(separator: ","))])
            }
        }
    }

    /// Remembers what `result`'s run has now written of its minute and returns the part to add;
    /// with `pruning`, first forgets the camera's parts older than two days.
    private static func recordRunPart(_ result: CountingResult, runID: String, tenant: SQLiteValue, pruning: Bool,
                                      _ connection: SQLiteConnection) throws -> CountingResult {
        let minute = Int64(result.minute.timeIntervalSince1970)
        if pruning {
            try connection.query("DELETE FROM counting_result_runs WHERE tenant_id = ? AND camera_id = ? AND minute < ?",
                                 [tenant, .text(result.cameraID), .integer(minute - 2 * 86_400)])
        }
        let key: [SQLiteValue] = [tenant, .text(result.cameraID), .integer(minute), .text(result.kind.rawValue), .text(result.name), .text(runID)]
        let previous = try connection.query("""
            SELECT count_in, count_out, occupancy_sum, occupancy_samples, visits FROM counting_result_runs
            WHERE tenant_id = ? AND camera_id = ? AND minute = ? AND kind = ? AND name = ? AND run_id = ?
            """, key).first.map { row in
            CountingResult.RunPart(countIn: Int(row[0].int64 ?? 0), countOut: Int(row[1].int64 ?? 0),
                                   occupancySum: row[2].double ?? 0, occupancySamples: Int(row[3].int64 ?? 0),
                                   visits: Int(row[4].int64 ?? 0))
        }
        let part = result.furthestPart(over: previous)
        try connection.query("""
            INSERT OR REPLACE INTO counting_result_runs (tenant_id, camera_id, minute, kind, name, run_id,
                count_in, count_out, occupancy_sum, occupancy_samples, visits)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, key + [.integer(Int64(part.countIn)), .integer(Int64(part.countOut)), .real(part.occupancySum),
                        .integer(Int64(part.occupancySamples)), .integer(Int64(part.visits))])
        return result.growth(over: previous)
    }

    public func dwellSamples(cameraID: String, zone: String, from: Date, to: Date) async throws -> [DwellSample] {
        let tenant = tenant
        let rows = try await database.read { connection in
            try connection.query("""
                SELECT minute, dwell FROM counting_results
                WHERE tenant_id = ? AND camera_id = ? AND kind = 'zone' AND name = ? AND minute >= ? AND minute < ?
                    AND dwell <> ''
                ORDER BY minute
                """, [tenant, .text(cameraID), .text(zone), .integer(Self.ceilSeconds(from)), .integer(Self.ceilSeconds(to))])
        }
        return rows.flatMap { row in
            let minute = Date(timeIntervalSince1970: Double(row[0].int64 ?? 0))
            return (row[1].string ?? "").split(separator: ",").compactMap { Double($0) }.map { DwellSample(minute: minute, seconds: $0) }
        }
    }

    public func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) async throws -> CountSeries {
        let tenant = tenant
        let rows = try await database.read { connection in
            try connection.query("""
                SELECT kind, name, minute - (minute % ?1) AS start, SUM(count_in), SUM(count_out),
                    MIN(CASE WHEN occupancy_samples > 0 THEN occupancy_min END),
                    MAX(CASE WHEN occupancy_samples > 0 THEN occupancy_max END),
                    SUM(occupancy_sum), SUM(occupancy_samples)
                FROM counting_results
                WHERE tenant_id = ?2 AND camera_id = ?3 AND minute >= ?4 AND minute < ?5
                GROUP BY kind, name, start ORDER BY start
                """, [.integer(bucket.seconds), tenant, .text(cameraID), .integer(Self.ceilSeconds(from)),
                      .integer(Self.ceilSeconds(to))])
        }
        var series = CountSeries()
        for row in rows {
            let name = row[1].string ?? ""
            let start = Date(timeIntervalSince1970: Double(row[2].int64 ?? 0))
            if row[0].string == "line" {
                series.lines[name, default: []].append(
                    .init(start: start, countIn: Int(row[3].int64 ?? 0), countOut: Int(row[4].int64 ?? 0)))
            } else if let samples = row[8].int64, samples > 0 {
                series.zones[name, default: []].append(
                    .init(start: start, minimum: Int(row[5].int64 ?? 0), maximum: Int(row[6].int64 ?? 0),
                          mean: (row[7].double ?? 0) / Double(samples)))
            }
        }
        return series
    }

    // MARK: Camera events

    public func insertCameraEvent(_ event: CameraEvent) async throws {
        let event = event.trimmed
        let tenant = tenant
        try await database.write { connection in
            try Self.requireCameras([event.cameraID], tenant: tenant, connection) { _ in "event.cameraID" }
            try connection.query(
                "INSERT INTO camera_events (tenant_id, camera_id, time_ms, status, reason) VALUES (?, ?, ?, ?, ?)",
                [tenant, .text(event.cameraID), .integer(Self.milliseconds(event.time)), .text(event.status.rawValue),
                 event.reason.map { .text($0) } ?? .null])
        }
    }

    public func cameraEvents(cameraID: String, from: Date, to: Date, limit: Int) async throws -> [CameraEvent] {
        let tenant = tenant
        return try await database.read { connection in
            try connection.query("""
                SELECT time_ms, status, reason FROM camera_events
                WHERE tenant_id = ? AND camera_id = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms DESC, rowid DESC LIMIT ?
                """, [tenant, .text(cameraID), .integer(Self.milliseconds(from)), .integer(Self.milliseconds(to)),
                      .integer(Int64(max(0, limit)))]).map { row in
                CameraEvent(cameraID: cameraID, time: Self.date(milliseconds: row[0]),
                            status: CameraStatus(rawValue: row[1].string ?? "") ?? .offline, reason: row[2].string)
            }
        }
    }
}
