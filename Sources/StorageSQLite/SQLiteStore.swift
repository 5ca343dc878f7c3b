import CountingCore
import Foundation
import Storage

/// The embedded default store: one SQLite file, written through one connection.
///
/// What SQLite cannot do (row-level security, partitions) is left out, not imitated;
/// see `docs/storage.md`.
public actor SQLiteStore: FootfallStore {
    private let connection: SQLiteConnection
    public nonisolated let path: String

    /// Opens (creating if needed) the database at `path`.
    /// - Parameter migrate: apply missing migrations now; otherwise `migrate()` must be called.
    public init(path: String, migrate: Bool = true) throws {
        self.path = path
        self.connection = try SQLiteConnection(path: path)
        if migrate { _ = try SQLiteMigrations.migrate(connection) }
    }

    /// Applies missing migrations; returns the versions applied now (empty when up to date).
    public func migrate() throws -> [Int] {
        try SQLiteMigrations.migrate(connection)
    }

    // MARK: Cameras

    public func saveCamera(_ camera: Camera) throws {
        try camera.validate()
        let geometry = String(decoding: try JSONEncoder().encode(camera.geometry), as: UTF8.self)
        try connection.query("""
            INSERT INTO cameras (id, name, source, geometry, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET name = excluded.name, source = excluded.source,
                geometry = excluded.geometry, updated_at = excluded.updated_at
            """, [.text(camera.id), .text(camera.name), .text(camera.source), .text(geometry),
                  .real(Date().timeIntervalSince1970)])
    }

    public func cameras() throws -> [Camera] {
        try connection.query("SELECT id, name, source, geometry FROM cameras ORDER BY id").map(Self.camera)
    }

    public func camera(id: String) throws -> Camera? {
        try connection.query("SELECT id, name, source, geometry FROM cameras WHERE id = ?", [.text(id)]).first.map(Self.camera)
    }

    private static func camera(_ row: [SQLiteValue]) throws -> Camera {
        let geometry = try JSONDecoder().decode(Geometry.self, from: Data((row[3].string ?? "{}").utf8))
        return Camera(id: row[0].string ?? "", name: row[1].string ?? "", source: row[2].string ?? "", geometry: geometry)
    }

    private func requireCameras(_ ids: some Sequence<String>, field: (Int) -> String) throws(StorageError) {
        for (i, id) in ids.enumerated() {
            let rows = try connection.query("SELECT 1 FROM cameras WHERE id = ?", [.text(id)])
            if rows.isEmpty { throw .invalidInput(field: field(i), reason: "no camera with id \"\(id)\"") }
        }
    }

    // MARK: Counts

    public func insertCrossings(_ crossings: [CrossingRecord]) throws -> Int {
        for (i, crossing) in crossings.enumerated() { try CrossingRecord.validate(crossing, index: i) }
        return try connection.transaction { () throws(StorageError) -> Int in
            var known = Set<String>()
            for (i, crossing) in crossings.enumerated() where known.insert(crossing.cameraID).inserted {
                try requireCameras([crossing.cameraID]) { _ in "crossings[\(i)].cameraID" }
            }
            var inserted = 0
            for crossing in crossings {
                try connection.query("""
                    INSERT INTO crossing_events (id, camera_id, line, direction, track_id, time_ms)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                    """, [.text(crossing.id), .text(crossing.cameraID), .text(crossing.line),
                          .text(crossing.direction.rawValue), .integer(Int64(crossing.trackID)),
                          .integer(Self.milliseconds(crossing.time))])
                inserted += connection.changes
            }
            return inserted
        }
    }

    public func crossings(cameraID: String, from: Date, to: Date) throws -> [CrossingRecord] {
        try connection.query("""
            SELECT id, camera_id, line, direction, track_id, time_ms FROM crossing_events
            WHERE camera_id = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms, id
            """, [.text(cameraID), .integer(Self.milliseconds(from)), .integer(Self.milliseconds(to))]).map { row in
            CrossingRecord(
                id: row[0].string ?? "", cameraID: row[1].string ?? "", line: row[2].string ?? "",
                direction: CrossingDirection(rawValue: row[3].string ?? "") ?? .in, trackID: Int(row[4].int64 ?? 0),
                time: Date(timeIntervalSince1970: Double(row[5].int64 ?? 0) / 1000))
        }
    }

    public func crossingTotals(cameraID: String, from: Date, to: Date) throws -> [String: CrossingTotals] {
        var totals: [String: CrossingTotals] = [:]
        for row in try connection.query("""
            SELECT line, direction, count(*) FROM crossing_events
            WHERE camera_id = ? AND time_ms >= ? AND time_ms < ? GROUP BY line, direction
            """, [.text(cameraID), .integer(Self.milliseconds(from)), .integer(Self.milliseconds(to))]) {
            let line = row[0].string ?? "", count = Int(row[2].int64 ?? 0)
            if row[1].string == CrossingDirection.in.rawValue {
                totals[line, default: .init()].countIn = count
            } else {
                totals[line, default: .init()].countOut = count
            }
        }
        return totals
    }

    public func addCountingResults(_ results: [CountingResult]) throws {
        for result in results { try result.validate() }
        try connection.transaction { () throws(StorageError) in
            var known = Set<String>()
            for (i, result) in results.enumerated() where known.insert(result.cameraID).inserted {
                try requireCameras([result.cameraID]) { _ in "results[\(i)].cameraID" }
            }
            for result in results {
                try connection.query("""
                    INSERT INTO counting_results (camera_id, kind, name, minute, count_in, count_out,
                        occupancy_min, occupancy_max, occupancy_sum, occupancy_samples)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (camera_id, minute, kind, name) DO UPDATE SET
                        count_in = count_in + excluded.count_in,
                        count_out = count_out + excluded.count_out,
                        occupancy_min = CASE WHEN occupancy_samples = 0 THEN excluded.occupancy_min
                            WHEN excluded.occupancy_samples = 0 THEN occupancy_min
                            ELSE min(occupancy_min, excluded.occupancy_min) END,
                        occupancy_max = CASE WHEN occupancy_samples = 0 THEN excluded.occupancy_max
                            WHEN excluded.occupancy_samples = 0 THEN occupancy_max
                            ELSE max(occupancy_max, excluded.occupancy_max) END,
                        occupancy_sum = occupancy_sum + excluded.occupancy_sum,
                        occupancy_samples = occupancy_samples + excluded.occupancy_samples
                    """, [.text(result.cameraID), .text(result.kind.rawValue), .text(result.name),
                          .integer(Int64(result.minute.timeIntervalSince1970)), .integer(Int64(result.countIn)),
                          .integer(Int64(result.countOut)), .integer(Int64(result.occupancyMin)),
                          .integer(Int64(result.occupancyMax)), .real(result.occupancySum),
                          .integer(Int64(result.occupancySamples))])
            }
        }
    }

    public func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) throws -> CountSeries {
        let rows = try connection.query("""
            SELECT kind, name, minute - (minute % ?1) AS start, SUM(count_in), SUM(count_out),
                MIN(CASE WHEN occupancy_samples > 0 THEN occupancy_min END),
                MAX(CASE WHEN occupancy_samples > 0 THEN occupancy_max END),
                SUM(occupancy_sum), SUM(occupancy_samples)
            FROM counting_results
            WHERE camera_id = ?2 AND minute >= ?3 AND minute < ?4
            GROUP BY kind, name, start ORDER BY start
            """, [.integer(bucket.seconds), .text(cameraID), .integer(Self.ceilSeconds(from)),
                  .integer(Self.ceilSeconds(to))])
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

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    // Minutes are whole seconds: `minute >= from` for a fractional `from` is `minute >= ceil(from)`.
    private static func ceilSeconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.up))
    }

    // MARK: Camera events

    public func insertCameraEvent(_ event: CameraEvent) throws {
        let event = event.trimmed
        try requireCameras([event.cameraID]) { _ in "event.cameraID" }
        try connection.query(
            "INSERT INTO camera_events (camera_id, time_ms, status, reason) VALUES (?, ?, ?, ?)",
            [.text(event.cameraID), .integer(Self.milliseconds(event.time)), .text(event.status.rawValue),
             event.reason.map { .text($0) } ?? .null])
    }

    public func cameraEvents(cameraID: String, from: Date, to: Date, limit: Int) throws -> [CameraEvent] {
        try connection.query("""
            SELECT time_ms, status, reason FROM camera_events
            WHERE camera_id = ? AND time_ms >= ? AND time_ms < ? ORDER BY time_ms DESC, rowid DESC LIMIT ?
            """, [.text(cameraID), .integer(Self.milliseconds(from)), .integer(Self.milliseconds(to)),
                  .integer(Int64(max(0, limit)))]).map { row in
            CameraEvent(cameraID: cameraID, time: Date(timeIntervalSince1970: Double(row[0].int64 ?? 0) / 1000),
                        status: CameraStatus(rawValue: row[1].string ?? "") ?? .offline, reason: row[2].string)
        }
    }
}
