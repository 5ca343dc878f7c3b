import CountingCore
import Crypto
import FootfallSupport
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Storage
import Synchronization

/// The PostgreSQL system of record. One store reads and writes one tenant's rows; every
/// transaction names the tenant, and row-level security in the database enforces it.
///
/// It is a `Service`: its connection pools run while the service runs. With a read replica
/// configured, the analytics reads (count history, crossings, site series) go to the replica.
/// `scoped(to:)` gives another tenant's store on the same pools.
public final class PostgresStore: FootfallStore, Service {
    public let configuration: PostgresStoreConfiguration
    let client: PostgresClient
    private let readClient: PostgresClient?
    let logger: Logger
    let key: SymmetricKey
    /// Older keys, tried when `key` does not open a sealed source.
    let previousKeys: [SymmetricKey]
    private let knownPartitions = Mutex<Set<String>>([])
    /// Set once COPY into `crossing_events` was refused (row-level security applies to this
    /// login); crossings then go through `INSERT` only.
    let copyRefused = Mutex(false)
    /// Counts `crossingBatchesCopied`.
    let copiedBatches = Mutex(0)
    /// Batches of crossings this store wrote with COPY (the others went through `INSERT`):
    /// large batches do, unless they hold a crossing stored before or row-level security
    /// applies to the login (`docs/performance.md`, "PostgreSQL ingest").
    public var crossingBatchesCopied: Int { copiedBatches.withLock { $0 } }

    /// - Parameter readReplica: where analytics reads go; its tenant and key are this store's.
    public init(configuration: PostgresStoreConfiguration, readReplica: PostgresStoreConfiguration? = nil, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.key = SymmetricKey(data: configuration.secretKey)
        self.previousKeys = configuration.previousSecretKeys.map { SymmetricKey(data: $0) }
        self.client = PostgresClient(configuration: Self.clientConfiguration(configuration), backgroundLogger: logger)
        self.readClient = readReplica.map { PostgresClient(configuration: Self.clientConfiguration($0), backgroundLogger: logger) }
    }

    /// `store`'s pools and key, reading and writing `tenantID`'s rows.
    init(sharing store: PostgresStore, tenantID: UUID) {
        var configuration = store.configuration
        configuration.tenantID = tenantID
        self.configuration = configuration
        self.logger = store.logger
        self.key = store.key
        self.previousKeys = store.previousKeys
        self.client = store.client
        self.readClient = store.readClient
    }

    private static func clientConfiguration(_ configuration: PostgresStoreConfiguration) -> PostgresClient.Configuration {
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if let caFile = configuration.caFile { tlsConfiguration.trustRoots = .file(caFile) }
        let tls: PostgresClient.Configuration.TLS = switch configuration.tlsMode {
        case .disable: .disable
        case .prefer: .prefer(tlsConfiguration)
        case .require: .require(tlsConfiguration)
        }
        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: tls)
        clientConfiguration.options.maximumConnections = configuration.maximumConnections
        clientConfiguration.options.connectTimeout = configuration.connectTimeout
        clientConfiguration.options.additionalStartupParameters = [
            ("statement_timeout", String(configuration.statementTimeoutMilliseconds)),
            ("TimeZone", "UTC"),
        ]
        return clientConfiguration
    }

    /// Runs the connection pools until cancelled or shut down gracefully. Only the store made
    /// with `init(configuration:readReplica:logger:)` runs; its tenant views share its pools.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.client.run() }
                if let replica = self.readClient {
                    group.addTask { await replica.run() }
                }
            }
        }
    }

    // MARK: Transactions

    /// Runs `body` in one transaction with the tenant set; database errors become `StorageError`.
    /// Waiting for a connection and running the transaction may take at most the connect
    /// timeout plus the statement timeout, so an unreachable database fails fast and clearly.
    @discardableResult
    func transaction<T: Sendable>(
        _ operation: String, reading: Bool = false, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let pool = reading ? (readClient ?? client) : client
        let deadline = configuration.connectTimeout + .milliseconds(configuration.statementTimeoutMilliseconds)
        do {
            return try await withTimeout(deadline) {
                try await pool.withTransaction(logger: self.logger) { [self] connection in
                    _ = try await connection.query(
                        "SELECT set_config('footfall.tenant_id', \(self.configuration.tenantID.uuidString), true)",
                        logger: self.logger
                    ).collect()
                    return try await body(connection)
                }
            }
        } catch is TimeoutError {
            forgetPartitions()
            throw StorageError.backend(operation: operation, reason: "the database did not answer within \(deadline)")
        } catch {
            // A rolled-back transaction may have created (and so cached) a partition that does not exist.
            forgetPartitions()
            throw Self.storageError(error, operation: operation)
        }
    }

    /// Empties the cache of partitions known to exist; the next writes ask the database again.
    func forgetPartitions() {
        knownPartitions.withLock { $0.removeAll() }
    }

    /// A database failure as a `StorageError`; errors the store raised itself pass through.
    static func storageError(_ error: any Error, operation: String) -> StorageError {
        switch error {
        case let error as StorageError:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError { return storageError(inner, operation: operation) }
            if let inner = error.beginError ?? error.commitError { return storageError(inner, operation: operation) }
            return .backend(operation: operation, reason: "\(error)")
        case let error as PSQLError:
            return .backend(operation: operation, reason: describe(error))
        default:
            return .backend(operation: operation, reason: "\(error)")
        }
    }

    static func describe(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection:
            return "the database cannot be reached"
        default:
            return "\(error.code)"
        }
    }

    // MARK: Cameras

    public func saveCamera(_ camera: Camera) async throws {
        try camera.validate()
        let sealed = try Self.seal(camera.source, key: key)
        try await transaction("save camera \(camera.id)") { [self] connection in
            try await lockCamera(camera.id, connection: connection)
            try await requireFreeCameraID(camera.id, connection: connection)
            try await requireTenant(connection)
            try await requireSite(of: camera, connection: connection)
            let latest = try await latestGeometry(cameraID: camera.id, connection: connection)
            let unchanged = latest.map { $0.geometry == camera.geometry } ?? false
            let version = unchanged ? latest!.version : (latest?.version ?? 0) + 1
            try await upsertCamera(camera, sealed: sealed, version: version, connection: connection)
            if !unchanged {
                try await insertGeometryVersion(cameraID: camera.id, version: version, geometry: camera.geometry, created: nil,
                                                connection: connection)
            }
        }
    }

    public func cameras() async throws -> [Camera] {
        try await selectCameras(id: nil)
    }

    public func camera(id: String) async throws -> Camera? {
        try await selectCameras(id: id).first
    }

    /// The geometry version a camera's counts are made with now.
    public func geometryVersion(cameraID: String) async throws -> Int? {
        let tenant = configuration.tenantID
        return try await transaction("read camera \(cameraID)") { [self] connection in
            try await connection.query(
                "SELECT geometry_version FROM cameras WHERE tenant_id = \(tenant) AND id = \(cameraID)", logger: logger
            ).collect().first.map { try $0.decode(Int.self) }
        }
    }

    private func selectCameras(id: String?) async throws -> [Camera] {
        try await transaction("read cameras") { [self] connection in
            try await activeCameras(id: id, connection: connection)
        }
    }

    /// Throws `invalidInput` naming `field(i)` for the first camera id that is not stored.
    func requireCameras(_ ids: [String], connection: PostgresConnection, field: (Int) -> String) async throws {
        let unique = Array(Set(ids))
        let tenant = configuration.tenantID
        let known = Set(try await connection.query(
            "SELECT id FROM cameras WHERE tenant_id = \(tenant) AND id = ANY(\(unique))", logger: logger
        ).collect().map { try $0.decode(String.self) })
        if let index = ids.firstIndex(where: { !known.contains($0) }) {
            throw StorageError.invalidInput(field: field(index), reason: "no camera with id \"\(ids[index])\"")
        }
    }

    // MARK: Counts

    public func storeCrossings(_ crossings: [CrossingRecord]) async throws -> StoredCrossings {
        try await storeCrossings(crossings, allowingCopy: true)
    }

    /// Stores crossings with COPY when `allowingCopy` and the batch is large enough, otherwise
    /// (or when COPY cannot take them) with one `INSERT … ON CONFLICT DO NOTHING`.
    func storeCrossings(_ crossings: [CrossingRecord], allowingCopy: Bool) async throws -> StoredCrossings {
        for (i, crossing) in crossings.enumerated() { try CrossingRecord.validate(crossing, index: i) }
        guard !crossings.isEmpty else { return StoredCrossings(added: 0) }
        let tenant = configuration.tenantID
        let tryCopy = allowingCopy && crossings.count >= Self.copyMinimumRows && !copyRefused.withLock { $0 }
        return try await transaction("store \(crossings.count) crossings") { [self] connection in
            if tryCopy {
                let fences = try await lockedFences(crossings.map(\.cameraID), connection: connection) { "crossings[\($0)].cameraID" }
                try await ensurePartitions("crossing_events", for: crossings.map(\.time), connection: connection)
                if let stored = try await copyCrossings(crossings, fences: fences, connection: connection) { return stored }
            } else {
                try await requireCameras(crossings.map(\.cameraID), connection: connection) { "crossings[\($0)].cameraID" }
                try await ensurePartitions("crossing_events", for: crossings.map(\.time), connection: connection)
            }
            // Counting in the statement returns one row instead of one per new crossing.
            let row = try await connection.query("""
                WITH batch AS (
                    SELECT * FROM unnest(\(crossings.map(\.cameraID))::text[], \(crossings.map(\.id))::text[], \(crossings.map(\.line))::text[],
                                \(crossings.map(\.direction.rawValue))::text[], \(crossings.map { Int64($0.trackID) })::int8[],
                                \(crossings.map(\.time))::timestamptz[], \(crossings.map { Int32($0.geometryVersion) })::int4[],
                                \(crossings.map { $0.leaseToken ?? -1 })::int8[], \(crossings.map { $0.countedAt ?? $0.time })::timestamptz[])
                        AS u(camera, event, line, direction, track, time, version, token, counted)),
                admitted AS (
                    SELECT * FROM batch u
                    -- The camera's fence (CrossingRecord.isFenced); -1 stands for no token.
                    WHERE NOT EXISTS (
                        SELECT 1 FROM cameras c
                        WHERE c.tenant_id = \(tenant) AND c.id = u.camera AND u.token >= 0
                          AND c.lease_token > u.token AND u.counted >= c.lease_acquired_at)),
                stored AS (
                    INSERT INTO crossing_events (tenant_id, camera_id, event_id, geometry_version, line, direction, track_id, time)
                    SELECT \(tenant), camera, event, version, line, direction, track, time FROM admitted
                    ON CONFLICT DO NOTHING
                    RETURNING 1)
                SELECT (SELECT count(*) FROM stored), (SELECT count(*) FROM batch) - (SELECT count(*) FROM admitted)
                """, logger: logger).collect().first
            guard let (added, fenced) = try row?.decode((Int64, Int64).self) else { return StoredCrossings(added: 0) }
            return StoredCrossings(added: Int(added), fenced: Int(fenced))
        }
    }

    @discardableResult
    public func recordLease(cameraID: String, token: Int64, acquiredAt: Date) async throws -> Bool {
        let tenant = configuration.tenantID
        return try await transaction("record a camera lease") { [self] connection in
            try await requireCameras([cameraID], connection: connection) { _ in "cameraID" }
            let newest = try await connection.query("""
                UPDATE cameras SET lease_token = greatest(coalesce(lease_token, 0), \(token)),
                    lease_acquired_at = CASE WHEN lease_token IS NULL OR lease_token < \(token) THEN \(acquiredAt)
                                             ELSE lease_acquired_at END
                WHERE tenant_id = \(tenant) AND id = \(cameraID)
                RETURNING lease_token
                """, logger: logger).collect().first.map { try $0.decode(Int64.self) }
            return newest == token
        }
    }

    public func crossings(cameraID: String, from: Date, to: Date) async throws -> [CrossingRecord] {
        let tenant = configuration.tenantID
        let rows = try await transaction("read crossings", reading: true) { [self] connection in
            try await connection.query("""
                SELECT event_id, camera_id, line, direction, track_id, time, geometry_version FROM crossing_events
                WHERE tenant_id = \(tenant) AND camera_id = \(cameraID) AND time >= \(from) AND time < \(to)
                ORDER BY time, event_id COLLATE "C"
                """, logger: logger).collect().map { try $0.decode((String, String, String, String, Int64, Date, Int).self) }
        }
        return rows.map {
            CrossingRecord(id: $0.0, cameraID: $0.1, line: $0.2, direction: CrossingDirection(rawValue: $0.3) ?? .in,
                           trackID: Int($0.4), time: $0.5, geometryVersion: $0.6)
        }
    }

    public func crossingTotals(cameraID: String, from: Date, to: Date) async throws -> [String: CrossingTotals] {
        let tenant = configuration.tenantID
        let rows = try await transaction("count crossings", reading: true) { [self] connection in
            try await connection.query("""
                SELECT line, direction, count(*) FROM crossing_events
                WHERE tenant_id = \(tenant) AND camera_id = \(cameraID) AND time >= \(from) AND time < \(to)
                GROUP BY line, direction
                """, logger: logger).collect().map { try $0.decode((String, String, Int64).self) }
        }
        var totals: [String: CrossingTotals] = [:]
        for (line, direction, count) in rows {
            if direction == CrossingDirection.in.rawValue {
                totals[line, default: .init()].countIn = Int(count)
            } else {
                totals[line, default: .init()].countOut = Int(count)
            }
        }
        return totals
    }

    public func addCountingResults(_ results: [CountingResult]) async throws {
        for result in results { try result.validate() }
        guard !results.isEmpty else { return }
        let tenant = configuration.tenantID
        try await transaction("store \(results.count) counting results") { [self] connection in
            // First, before any other lock: shared with other writers, exclusive of a refresh of the
            // tenant's rollups, which takes it first too (a partition made here locks the table
            // the refresh reads).
            _ = try await connection.query("SELECT pg_advisory_xact_lock_shared(\(Self.rollupLockClass), hashtext(\(tenant.uuidString)))",
                                           logger: logger).collect()
            try await requireCameras(results.map(\.cameraID), connection: connection) { "results[\($0)].cameraID" }
            let parts = try await runGrowth(of: results, connection: connection)
            // One row per key: a statement may not update the same row twice.
            var merged: [String: CountingResult] = [:]
            var order: [String] = []
            for result in parts {
                let key = "\(result.cameraID)\u{0}\(result.kind.rawValue)\u{0}\(result.name)\u{0}\(result.minute.timeIntervalSince1970)"
                if let existing = merged[key] { merged[key] = existing.merged(with: result) } else {
                    merged[key] = result
                    order.append(key)
                }
            }
            let rows = order.map { merged[$0]! }
            // Arrays of unequal length cannot go through unnest as real[][]: each list travels as text.
            let dwellLists = rows.map { $0.dwellSeconds.map { "\($0)" }.joined(separator: ",") }
            try await ensurePartitions("counting_results", for: rows.map(\.minute), connection: connection)
            try await connection.query("""
                INSERT INTO counting_results AS r (tenant_id, camera_id, kind, name, minute, geometry_version, count_in, count_out,
                    occupancy_min, occupancy_max, occupancy_sum, occupancy_samples, dwell_seconds)
                SELECT \(tenant), u.camera, u.kind, u.name, u.minute, c.geometry_version, u.cin, u.cout, u.omin, u.omax, u.osum, u.osamples,
                    CASE WHEN u.dwell = '' THEN '{}'::float8[] ELSE string_to_array(u.dwell, ',')::float8[] END
                FROM unnest(\(rows.map(\.cameraID))::text[], \(rows.map(\.kind.rawValue))::text[], \(rows.map(\.name))::text[],
                            \(rows.map(\.minute))::timestamptz[], \(rows.map(\.countIn))::int4[], \(rows.map(\.countOut))::int4[],
                            \(rows.map(\.occupancyMin))::int4[], \(rows.map(\.occupancyMax))::int4[],
                            \(rows.map(\.occupancySum))::float8[], \(rows.map(\.occupancySamples))::int4[],
                            \(dwellLists)::text[])
                    AS u(camera, kind, name, minute, cin, cout, omin, omax, osum, osamples, dwell)
                JOIN cameras c ON c.tenant_id = \(tenant) AND c.id = u.camera
                ON CONFLICT (tenant_id, camera_id, minute, kind, name) DO UPDATE SET
                    count_in = r.count_in + EXCLUDED.count_in,
                    count_out = r.count_out + EXCLUDED.count_out,
                    occupancy_min = CASE WHEN r.occupancy_samples = 0 THEN EXCLUDED.occupancy_min
                        WHEN EXCLUDED.occupancy_samples = 0 THEN r.occupancy_min
                        ELSE least(r.occupancy_min, EXCLUDED.occupancy_min) END,
                    occupancy_max = CASE WHEN r.occupancy_samples = 0 THEN EXCLUDED.occupancy_max
                        WHEN EXCLUDED.occupancy_samples = 0 THEN r.occupancy_max
                        ELSE greatest(r.occupancy_max, EXCLUDED.occupancy_max) END,
                    occupancy_sum = r.occupancy_sum + EXCLUDED.occupancy_sum,
                    occupancy_samples = r.occupancy_samples + EXCLUDED.occupancy_samples,
                    dwell_seconds = (r.dwell_seconds || EXCLUDED.dwell_seconds)[1:\(unescaped: "\(CountingResult.maximumVisits)")]
                """, logger: logger).collect()
            let crossed = rows.filter { $0.kind == .line && ($0.countIn > 0 || $0.countOut > 0) }
            if !crossed.isEmpty { try await addToRollups(crossed, connection: connection) }
        }
    }

    /// The parts to add for `results`: results with a run id become what grew since that
    /// run's last write of the minute, which is remembered. Holds each such camera's lock
    /// until the transaction ends, so two writes of one run cannot both add the same growth.
    private func runGrowth(of results: [CountingResult], connection: PostgresConnection) async throws -> [CountingResult] {
        // Two writes of one run and minute in one batch: the later holds the earlier.
        var latest: [String: CountingResult] = [:]
        var order: [String] = []
        var parts: [CountingResult] = []
        for result in results {
            guard let runID = result.runID else {
                parts.append(result)
                continue
            }
            let key = "\(result.cameraID)\u{0}\(result.kind.rawValue)\u{0}\(result.name)\u{0}\(result.minute.timeIntervalSince1970)\u{0}\(runID)"
            if latest.updateValue(result, forKey: key) == nil { order.append(key) }
        }
        guard !order.isEmpty else { return parts }
        let written = order.map { latest[$0]! }
        let tenant = configuration.tenantID
        let cameras = Set(written.map(\.cameraID)).sorted()
        // In one order, so that two writers never wait for each other's next camera.
        _ = try await connection.query("""
            SELECT pg_advisory_xact_lock(hashtextextended('footfall_results:' || \(tenant.uuidString) || '/' || c, 0))
            FROM unnest(\(cameras)::text[]) WITH ORDINALITY AS u(c, i) ORDER BY i
            """, logger: logger).collect()
        let oldest = written.map(\.minute).min()!.addingTimeInterval(-2 * 86_400)
        _ = try await connection.query("""
            DELETE FROM counting_result_runs WHERE tenant_id = \(tenant) AND camera_id = ANY(\(cameras)::text[]) AND minute < \(oldest)
            """, logger: logger).collect()
        var previous: [String: CountingResult.RunPart] = [:]
        let rows = try await connection.query("""
            SELECT r.camera_id, r.kind, r.name, r.minute, r.run_id, r.count_in, r.count_out, r.occupancy_sum,
                r.occupancy_samples, r.visits
            FROM counting_result_runs r
            JOIN unnest(\(written.map(\.cameraID))::text[], \(written.map(\.kind.rawValue))::text[], \(written.map(\.name))::text[],
                        \(written.map(\.minute))::timestamptz[], \(written.map { $0.runID ?? "" })::text[])
                AS u(camera, kind, name, minute, run) ON r.camera_id = u.camera AND r.kind = u.kind AND r.name = u.name
                    AND r.minute = u.minute AND r.run_id = u.run
            WHERE r.tenant_id = \(tenant)
            """, logger: logger).collect()
        for row in rows {
            let (camera, kind, name, minute, run, countIn, countOut, sum, samples, visits) =
                try row.decode((String, String, String, Date, String, Int32, Int32, Double, Int32, Int32).self)
            previous["\(camera)\u{0}\(kind)\u{0}\(name)\u{0}\(minute.timeIntervalSince1970)\u{0}\(run)"] =
                CountingResult.RunPart(countIn: Int(countIn), countOut: Int(countOut), occupancySum: sum,
                                       occupancySamples: Int(samples), visits: Int(visits))
        }
        var remembered: [CountingResult.RunPart] = []
        for (key, result) in zip(order, written) {
            parts.append(result.growth(over: previous[key]))
            remembered.append(result.furthestPart(over: previous[key]))
        }
        _ = try await connection.query("""
            INSERT INTO counting_result_runs AS r (tenant_id, camera_id, minute, kind, name, run_id, count_in, count_out,
                occupancy_sum, occupancy_samples, visits)
            SELECT \(tenant), * FROM unnest(\(written.map(\.cameraID))::text[], \(written.map(\.minute))::timestamptz[],
                \(written.map(\.kind.rawValue))::text[], \(written.map(\.name))::text[], \(written.map { $0.runID ?? "" })::text[],
                \(remembered.map(\.countIn))::int4[], \(remembered.map(\.countOut))::int4[], \(remembered.map(\.occupancySum))::float8[],
                \(remembered.map(\.occupancySamples))::int4[], \(remembered.map(\.visits))::int4[])
            ON CONFLICT (tenant_id, camera_id, minute, kind, name, run_id) DO UPDATE SET
                count_in = EXCLUDED.count_in, count_out = EXCLUDED.count_out, occupancy_sum = EXCLUDED.occupancy_sum,
                occupancy_samples = EXCLUDED.occupancy_samples, visits = EXCLUDED.visits
            """, logger: logger).collect()
        return parts
    }

    /// Adds line counts to their UTC hour's and their site's local day's rollups in the same
    /// transaction as the minutes, so that analytics read rollups alone, however recent the
    /// range. The maintenance service's refresh recomputes the same rows from the minutes.
    private func addToRollups(_ rows: [CountingResult], connection: PostgresConnection) async throws {
        let tenant = configuration.tenantID
        _ = try await connection.query("""
            INSERT INTO analytics_rollups AS a (tenant_id, camera_id, granularity, bucket_start, kind, name,
                count_in, count_out, occupancy_min, occupancy_max, occupancy_sum, occupancy_samples)
            SELECT \(tenant), u.camera, g.granularity,
                CASE WHEN g.granularity = 'hour' THEN date_trunc('hour', u.minute, 'UTC')
                    ELSE date_trunc('day', u.minute, coalesce(s.timezone, 'UTC')) END,
                'line', u.name, sum(u.cin), sum(u.cout), NULL, NULL, 0, 0
            FROM unnest(\(rows.map(\.cameraID))::text[], \(rows.map(\.name))::text[], \(rows.map(\.minute))::timestamptz[],
                        \(rows.map(\.countIn))::int4[], \(rows.map(\.countOut))::int4[]) AS u(camera, name, minute, cin, cout)
            JOIN cameras c ON c.tenant_id = \(tenant) AND c.id = u.camera
            LEFT JOIN sites s ON s.tenant_id = c.tenant_id AND s.id = c.site_id
            CROSS JOIN (VALUES ('hour'), ('local-day')) AS g(granularity)
            GROUP BY 1, 2, 3, 4, 5, 6
            -- Rows in key order, so that concurrent writers lock them in the same order.
            ORDER BY 2, 3, 4, 6
            ON CONFLICT (tenant_id, camera_id, granularity, bucket_start, kind, name) DO UPDATE SET
                count_in = a.count_in + EXCLUDED.count_in, count_out = a.count_out + EXCLUDED.count_out
            """, logger: logger).collect()
    }

    public func countSeries(cameraID: String, from: Date, to: Date, bucket: BucketSize) async throws -> CountSeries {
        let tenant = configuration.tenantID
        let rows = try await transaction("read counts", reading: true) { [self] connection in
            try await connection.query("""
                SELECT kind, name, date_trunc(\(bucket.rawValue), minute, 'UTC') AS start,
                    sum(count_in)::int8, sum(count_out)::int8,
                    min(occupancy_min) FILTER (WHERE occupancy_samples > 0),
                    max(occupancy_max) FILTER (WHERE occupancy_samples > 0),
                    sum(occupancy_sum), sum(occupancy_samples)::int8
                FROM counting_results
                WHERE tenant_id = \(tenant) AND camera_id = \(cameraID) AND minute >= \(from) AND minute < \(to)
                GROUP BY 1, 2, 3 ORDER BY 3
                """, logger: logger).collect().map {
                try $0.decode((String, String, Date, Int64, Int64, Int?, Int?, Double, Int64).self)
            }
        }
        var series = CountSeries()
        for row in rows {
            if row.0 == "line" {
                series.lines[row.1, default: []].append(.init(start: row.2, countIn: Int(row.3), countOut: Int(row.4)))
            } else if row.8 > 0 {
                series.zones[row.1, default: []].append(
                    .init(start: row.2, minimum: row.5 ?? 0, maximum: row.6 ?? 0, mean: row.7 / Double(row.8)))
            }
        }
        return series
    }

    public func dwellSamples(cameraID: String, zone: String, from: Date, to: Date) async throws -> [DwellSample] {
        let tenant = configuration.tenantID
        return try await transaction("read dwell times", reading: true) { [self] connection in
            try await connection.query("""
                SELECT minute, seconds FROM counting_results, unnest(dwell_seconds) AS seconds
                WHERE tenant_id = \(tenant) AND camera_id = \(cameraID) AND kind = 'zone' AND name = \(zone)
                    AND minute >= \(from) AND minute < \(to) AND cardinality(dwell_seconds) > 0
                ORDER BY minute
                """, logger: logger).collect().map {
                let (minute, seconds) = try $0.decode((Date, Double).self)
                return DwellSample(minute: minute, seconds: seconds)
            }
        }
    }

    // MARK: Partitions

    // MARK: Camera events

    public func insertCameraEvent(_ event: CameraEvent) async throws {
        let event = event.trimmed
        let tenant = configuration.tenantID
        try await transaction("store a camera event") { [self] connection in
            try await requireCameras([event.cameraID], connection: connection) { _ in "event.cameraID" }
            try await ensurePartitions("camera_events", for: [event.time], connection: connection)
            _ = try await connection.query("""
                INSERT INTO camera_events (tenant_id, camera_id, time, status, reason)
                VALUES (\(tenant), \(event.cameraID), \(event.time), \(event.status.rawValue), \(event.reason))
                """, logger: logger).collect()
        }
    }

    public func cameraEvents(cameraID: String, from: Date, to: Date, limit: Int) async throws -> [CameraEvent] {
        let tenant = configuration.tenantID
        let rows = try await transaction("read camera events", reading: true) { [self] connection in
            try await connection.query("""
                SELECT time, status, reason FROM camera_events
                WHERE tenant_id = \(tenant) AND camera_id = \(cameraID) AND time >= \(from) AND time < \(to)
                ORDER BY time DESC LIMIT \(Int64(max(0, limit)))
                """, logger: logger).collect().map { try $0.decode((Date, String, String?).self) }
        }
        return rows.map {
            CameraEvent(cameraID: cameraID, time: $0.0, status: CameraStatus(rawValue: $0.1) ?? .offline, reason: $0.2)
        }
    }

    /// Makes sure the monthly partitions holding `times` exist, asking the database only once per month.
    func ensurePartitions(_ table: String, for times: [Date], connection: PostgresConnection) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let months = Set(times.map { calendar.dateComponents([.year, .month], from: $0) })
        for month in months {
            guard let year = month.year, let number = month.month else { continue }
            let name = "\(table)_p\(year)\(number < 10 ? "0" : "")\(number)"
            if knownPartitions.withLock({ $0.contains(name) }) { continue }
            let first = "\(year)-\(number < 10 ? "0" : "")\(number)-01"
            try await connection.query("SELECT footfall_ensure_partition(\(table), \(first)::date)", logger: logger).collect()
            knownPartitions.withLock { _ = $0.insert(name) }
        }
    }

    // MARK: Encoding

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `text` sealed with this store's key, as camera sources are stored.
    func sealed(_ text: String) throws -> [UInt8] {
        try Self.seal(text, key: key)
    }

    static func seal(_ text: String, key: SymmetricKey) throws -> [UInt8] {
        let box = try AES.GCM.seal(Array(text.utf8), using: key)
        guard let combined = box.combined else { throw StorageError.backend(operation: "seal", reason: "no nonce") }
        return Array(combined)
    }

    /// Opens a sealed source with the first of `keys` that fits; throws naming `secret-key`
    /// when none does.
    static func open(_ sealed: [UInt8], keys: [SymmetricKey]) throws -> String {
        for key in keys {
            if let box = try? AES.GCM.SealedBox(combined: sealed), let text = try? AES.GCM.open(box, using: key) {
                return String(decoding: text, as: UTF8.self)
            }
        }
        throw StorageError.backend(operation: "decrypt a camera source", reason: """
            neither secret-key nor any of previous-secret-keys is the key the data was written with
            """)
    }

    /// Opens a sealed camera source with this store's key, or an older one.
    func openSource(_ sealed: [UInt8]) throws -> String {
        try Self.open(sealed, keys: [key] + previousKeys)
    }
}
