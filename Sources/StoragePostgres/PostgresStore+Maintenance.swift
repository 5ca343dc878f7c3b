import Foundation
import PostgresNIO
import Storage

extension PostgresStore {
    /// Creates the monthly partitions of every partitioned table from this month to `monthsAhead` ahead.
    public func createPartitionsAhead(now: Date, monthsAhead: Int = 3) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let months = (0...monthsAhead).compactMap { calendar.date(byAdding: .month, value: $0, to: now) }
        try await transaction("create partitions") { [self] connection in
            for (table, _) in PostgresSchema.partitionedTables {
                try await ensurePartitions(table, for: months, connection: connection)
            }
        }
    }

    /// Detaches and drops the partitions whose whole month ended before `now − retention`,
    /// except restored months still kept. With `archive`, each partition's rows are first
    /// written there, listed and read back (`archivePartition`); a partition whose archive
    /// fails is kept for the next round. Rollups are separate rows and stay. Needs the owning
    /// role. Returns the dropped names.
    @discardableResult
    public func dropExpiredPartitions(now: Date, retention: Retention = .init(), archive: (any FileStore)? = nil) async throws -> [String] {
        defer { forgetPartitions() }
        let expired = try await transaction("find expired partitions") { [self] connection in
            var expired: [(table: String, name: String)] = []
            for (table, _) in PostgresSchema.partitionedTables {
                let cutoff = now.addingTimeInterval(-Double(retention.duration(of: table).components.seconds))
                let rows = try await connection.query("""
                    SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), obj_description(c.oid, 'pg_class') FROM pg_inherits i
                    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
                    WHERE p.relname = \(table)
                    """, logger: logger).collect().map { try $0.decode((String, String, String?).self) }
                for (name, bound, comment) in rows {
                    guard let upper = Self.upperBound(of: bound), upper <= cutoff else { continue }
                    if let keep = Self.keepUntil(comment: comment), keep > now { continue }
                    expired.append((table, name))
                }
            }
            return expired
        }
        var dropped: [String] = []
        for (table, name) in expired {
            if let archive {
                let archived = try await archivePartition(name, to: archive, now: now)
                logger.info("storage.partition_archived", metadata: [
                    "partition.name": "\(name)", "partition.rows": "\(archived.map(\.rows).reduce(0, +))", "partition.files": "\(archived.count)",
                ])
            }
            try await transaction("drop an expired partition") { [self] connection in
                _ = try await connection.query("ALTER TABLE \(unescaped: table) DETACH PARTITION \(unescaped: Self.quoted(name))", logger: logger).collect()
                _ = try await connection.query("DROP TABLE \(unescaped: Self.quoted(name))", logger: logger).collect()
            }
            dropped.append(name)
        }
        return dropped
    }

    /// Recomputes the hour, day and month rollups of every bucket that overlaps [from, to) from
    /// the per-minute results. Idempotent: running a window again gives the same rows, and
    /// results that arrived late are folded in. Buckets whose minutes were already dropped by
    /// retention keep their rollups.
    public func refreshRollups(from: Date, to: Date) async throws {
        let tenant = configuration.tenantID
        try await transaction("refresh rollups") { [self] connection in
            // Alone with the tenant's rollups: writes of minutes that add to them wait, and every
            // write committed before is seen, so no addition is overwritten by an older total.
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(Self.rollupLockClass), hashtext(\(tenant.uuidString)))",
                                           logger: logger).collect()
            for granularity in ["hour", "day", "month"] {
                _ = try await connection.query("""
                    INSERT INTO analytics_rollups AS a (tenant_id, camera_id, granularity, bucket_start, kind, name,
                        count_in, count_out, occupancy_min, occupancy_max, occupancy_sum, occupancy_samples)
                    SELECT tenant_id, camera_id, \(granularity), date_trunc(\(granularity), minute, 'UTC') AS bucket, kind, name,
                        sum(count_in), sum(count_out),
                        min(occupancy_min) FILTER (WHERE occupancy_samples > 0),
                        max(occupancy_max) FILTER (WHERE occupancy_samples > 0),
                        sum(occupancy_sum), sum(occupancy_samples)
                    FROM counting_results
                    WHERE tenant_id = \(tenant)
                        AND minute >= date_trunc(\(granularity), \(from), 'UTC')
                        AND minute < date_trunc(\(granularity), \(to), 'UTC') + ('1 ' || \(granularity))::interval
                    GROUP BY tenant_id, camera_id, bucket, kind, name
                    ON CONFLICT (tenant_id, camera_id, granularity, bucket_start, kind, name) DO UPDATE SET
                        count_in = EXCLUDED.count_in, count_out = EXCLUDED.count_out,
                        occupancy_min = EXCLUDED.occupancy_min, occupancy_max = EXCLUDED.occupancy_max,
                        occupancy_sum = EXCLUDED.occupancy_sum, occupancy_samples = EXCLUDED.occupancy_samples
                    """, logger: logger).collect()
            }
            // Local days of each camera's site: scanned with three days to spare either side, and
            // only days wholly inside the scan are written (a partial sum must not replace a
            // whole), which still covers every local day that meets `from ... to`.
            let scanFrom = from.addingTimeInterval(-3 * 86_400), scanTo = to.addingTimeInterval(3 * 86_400)
            _ = try await connection.query("""
                INSERT INTO analytics_rollups AS a (tenant_id, camera_id, granularity, bucket_start, kind, name,
                    count_in, count_out, occupancy_min, occupancy_max, occupancy_sum, occupancy_samples)
                SELECT * FROM (
                    SELECT r.tenant_id, r.camera_id, 'local-day', date_trunc('day', r.minute, coalesce(s.timezone, 'UTC')) AS bucket,
                        r.kind, r.name, sum(r.count_in), sum(r.count_out),
                        min(r.occupancy_min) FILTER (WHERE r.occupancy_samples > 0),
                        max(r.occupancy_max) FILTER (WHERE r.occupancy_samples > 0),
                        sum(r.occupancy_sum), sum(r.occupancy_samples)
                    FROM counting_results r
                    JOIN cameras c ON c.tenant_id = r.tenant_id AND c.id = r.camera_id
                    LEFT JOIN sites s ON s.tenant_id = c.tenant_id AND s.id = c.site_id
                    WHERE r.tenant_id = \(tenant) AND r.minute >= \(scanFrom) AND r.minute < \(scanTo)
                    GROUP BY 1, 2, 3, 4, 5, 6
                ) days
                WHERE bucket >= \(scanFrom) + interval '1 day' AND bucket < \(scanTo) - interval '2 days'
                ON CONFLICT (tenant_id, camera_id, granularity, bucket_start, kind, name) DO UPDATE SET
                    count_in = EXCLUDED.count_in, count_out = EXCLUDED.count_out,
                    occupancy_min = EXCLUDED.occupancy_min, occupancy_max = EXCLUDED.occupancy_max,
                    occupancy_sum = EXCLUDED.occupancy_sum, occupancy_samples = EXCLUDED.occupancy_samples
                """, logger: logger).collect()
        }
    }

    /// The first key of the advisory lock on a tenant's rollups (the second is its id hashed).
    static let rollupLockClass: Int32 = 0x0F0F

    /// Refreshes the rollups of every tenant (each tenant's rows are only visible in its own
    /// transactions), for the maintenance service.
    public func refreshRollupsOfEveryTenant(from: Date, to: Date) async throws {
        for tenant in try await tenants() {
            try await PostgresStore(sharing: self, tenantID: tenant.id).refreshRollups(from: from, to: to)
        }
    }

    /// Rollup rows of a camera: (granularity, bucket start, kind, name, in, out).
    public func rollups(cameraID: String) async throws -> [(String, Date, String, String, Int64, Int64)] {
        let tenant = configuration.tenantID
        return try await transaction("read rollups") { [self] connection in
            try await connection.query("""
                SELECT granularity, bucket_start, kind, name, count_in, count_out FROM analytics_rollups
                WHERE tenant_id = \(tenant) AND camera_id = \(cameraID) ORDER BY granularity, bucket_start, kind, name
                """, logger: logger).collect().map { try $0.decode((String, Date, String, String, Int64, Int64).self) }
        }
    }

    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The `TO (...)` bound of `FOR VALUES FROM ('…') TO ('…')`.
    static func upperBound(of expression: String) -> Date? {
        guard let to = expression.range(of: "TO ('") else { return nil }
        let rest = expression[to.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        let text = String(rest[..<end])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["yyyy-MM-dd HH:mm:ssXXXXX", "yyyy-MM-dd HH:mm:ssXX", "yyyy-MM-dd HH:mm:ssX"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}

extension PostgresStore {
    /// Stores crossings as `insertCrossings` does, but always with `INSERT … ON CONFLICT DO
    /// NOTHING`, never COPY: the path small batches take, measured against COPY by benchmarks.
    public func insertCrossingsWithoutCopy(_ crossings: [CrossingRecord]) async throws -> Int {
        try await storeCrossings(crossings, allowingCopy: false).added
    }

    /// The naive ingest path, one autocommitted INSERT per crossing: only for benchmarks, as the
    /// baseline the batched path is compared with.
    public func insertCrossingsOneByOne(_ crossings: [CrossingRecord]) async throws -> Int {
        var inserted = 0
        let tenant = configuration.tenantID
        for crossing in crossings {
            inserted += try await transaction("store a crossing") { [self] connection in
                try await connection.query("""
                    INSERT INTO crossing_events (tenant_id, camera_id, event_id, geometry_version, line, direction, track_id, time)
                    VALUES (\(tenant), \(crossing.cameraID), \(crossing.id), \(crossing.geometryVersion), \(crossing.line),
                            \(crossing.direction.rawValue),
                            \(Int64(crossing.trackID)), \(crossing.time))
                    ON CONFLICT DO NOTHING RETURNING 1
                    """, logger: logger).collect().count
            }
        }
        return inserted
    }
}

extension PostgresStore {
    /// Rows written to the server per COPY message.
    static let copyChunkRows = 2_000

    /// Creates, empty, the tables `copyCrossingsIntoBaseline` writes to (benchmarks only; those
    /// of an earlier run are dropped): a plain table with the columns and indexes of
    /// `crossing_events`, and one shaped as it is (partitioned by time, its keys, indexes and
    /// foreign key to the cameras).
    public func createCopyBaselines() async throws {
        try await transaction("create the baseline tables") { [self] connection in
            for statement in [
                "DROP TABLE IF EXISTS crossing_copy_plain, crossing_copy_shaped",
                "CREATE TABLE IF NOT EXISTS crossing_copy_plain (LIKE crossing_events INCLUDING DEFAULTS INCLUDING INDEXES)",
                """
                CREATE TABLE IF NOT EXISTS crossing_copy_shaped (LIKE crossing_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                    PRIMARY KEY (tenant_id, event_id, time),
                    FOREIGN KEY (tenant_id, camera_id) REFERENCES cameras (tenant_id, id)) PARTITION BY RANGE (time)
                """,
                "CREATE INDEX IF NOT EXISTS crossing_copy_shaped_camera_time ON crossing_copy_shaped (tenant_id, camera_id, time)",
                "CREATE INDEX IF NOT EXISTS crossing_copy_shaped_time_brin ON crossing_copy_shaped USING brin (time)",
                "CREATE TABLE IF NOT EXISTS crossing_copy_shaped_all PARTITION OF crossing_copy_shaped DEFAULT",
            ] {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).collect()
            }
        }
    }

    /// The fastest the database takes crossings: one COPY straight into a baseline table
    /// (`shaped`: partitioned with the keys, indexes and foreign key of `crossing_events`;
    /// otherwise plain with its indexes), without the duplicate or fence checks. Only for
    /// benchmarks, as the ceiling the idempotent path is compared with; call
    /// `createCopyBaselines()` first, once.
    public func copyCrossingsIntoBaseline(_ crossings: [CrossingRecord], shaped: Bool) async throws {
        try await transaction("copy \(crossings.count) crossings into a baseline table") { [self] connection in
            try await copy(crossings, into: shaped ? "crossing_copy_shaped" : "crossing_copy_plain", connection: connection)
        }
    }

    /// In and out counts per line name over all cameras of a site, from the rollups (hour,
    /// day or month buckets): the query behind a site's long-range charts, which would
    /// otherwise aggregate millions of minute rows.
    public func siteLineSeries(siteID: String, from: Date, to: Date, granularity: String) async throws
        -> [(start: Date, line: String, countIn: Int64, countOut: Int64)]
    {
        guard ["hour", "day", "month"].contains(granularity) else {
            throw StorageError.invalidInput(field: "granularity", reason: "use hour, day or month")
        }
        let tenant = configuration.tenantID
        return try await transaction("read site counts", reading: true) { [self] connection in
            try await connection.query("""
                SELECT r.bucket_start, r.name, sum(r.count_in)::int8, sum(r.count_out)::int8
                FROM analytics_rollups r JOIN cameras c ON c.tenant_id = r.tenant_id AND c.id = r.camera_id
                WHERE r.tenant_id = \(tenant) AND c.tenant_id = \(tenant) AND c.site_id = \(siteID) AND r.granularity = \(granularity)
                    AND r.kind = 'line' AND r.bucket_start >= \(from) AND r.bucket_start < \(to)
                GROUP BY 1, 2 ORDER BY 1, 2
                """, logger: logger).collect().map {
                let row = try $0.decode((Date, String, Int64, Int64).self)
                return (row.0, row.1, row.2, row.3)
            }
        }
    }

    /// The same, for a site whose id is the text of `siteID` (as the query benchmark makes them).
    public func siteLineSeries(siteID: UUID, from: Date, to: Date, granularity: String) async throws
        -> [(start: Date, line: String, countIn: Int64, countOut: Int64)]
    {
        try await siteLineSeries(siteID: siteID.uuidString, from: from, to: to, granularity: granularity)
    }

    /// The plan PostgreSQL chooses for `sql` (run with this store's tenant), for benchmarks.
    public func explain(_ sql: String) async throws -> String {
        try await transaction("explain") { [self] connection in
            try await connection.query(PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, COSTS OFF) " + sql), logger: logger)
                .collect().map { try $0.decode(String.self) }.joined(separator: "\n")
        }
    }

    /// Runs owner-level SQL (one statement), for benchmarks that generate data in bulk.
    public func execute(_ sql: String) async throws {
        try await transaction("execute") { [self] connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
        }
    }
}
