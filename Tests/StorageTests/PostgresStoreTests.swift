import CountingCore
import Foundation
import Logging
import PostgresNIO
import Storage
import StoragePostgres
import StorageTestSupport
import Testing

/// What only the PostgreSQL backend has: migrations, row-level security, partitions,
/// rollups, versioned geometry and sealed stream URLs.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs the PostgreSQL server of scripts/test.sh"))
struct PostgresStoreTests {
    static let tenantA = UUID(uuidString: "aaaaaaaa-0000-4000-8000-000000000001")!
    static let tenantB = UUID(uuidString: "bbbbbbbb-0000-4000-8000-000000000002")!
    static let january2027 = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC

    let camera = Camera(
        id: "door", name: "Door", source: "rtsp://admin:hunter2@10.0.0.9/stream",
        geometry: Geometry(lines: [CountingLine(name: "in-out", a: Point(x: 0, y: 0), b: Point(x: 10, y: 0))]))

    func crossing(_ id: String, at time: Date, camera: String = "door", version: Int = 1) -> CrossingRecord {
        CrossingRecord(id: id, cameraID: camera, line: "in-out", direction: .in, trackID: 1, time: time, geometryVersion: version)
    }

    /// Runs SQL on `database` as the superuser and returns the first column of each row as text.
    func rows(_ sql: String, database: String) async throws -> [String] {
        let connection = try await PostgresConnection.connect(
            configuration: PostgresTestDatabase.adminConfiguration(database: database), id: 2, logger: PostgresTestDatabase.logger)
        defer { Task { try? await connection.close() } }
        return try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresTestDatabase.logger)
            .collect().map { try $0.decode(String.self) }
    }

    @Test func migrationsApplyOnceAndAChangedMigrationIsAnError() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            #expect(try await store.migrate() == [])
            let tables = try await rows("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", database: database)
            for table in ["tenants", "sites", "users", "user_sessions", "cameras", "geometry_versions", "counting_lines",
                          "zones", "ai_models", "crossing_events", "counting_results", "camera_events", "model_logs",
                          "alerts", "analytics_rollups", "audit_logs", "files", "schema_migrations"] {
                #expect(tables.contains(table), "missing table \(table)")
            }
            try await PostgresTestDatabase.admin("UPDATE schema_migrations SET checksum = 'tampered'", database: database)
            await #expect(throws: StorageError.self) { try await store.migrate() }
        }
    }

    @Test func everyForeignKeyColumnIsIndexed() async throws {
        try await PostgresTestDatabase.withStore { _, database in
            // A foreign key is covered when some index of its table starts with its columns.
            let uncovered = try await rows("""
                SELECT c.conrelid::regclass::text || '(' || array_to_string(c.conkey, ',') || ')'
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.conrelid::regclass::text NOT LIKE '%\\_p%' AND NOT EXISTS (
                    SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
                        AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey
                        AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey)
                """, database: database)
            #expect(uncovered.isEmpty, "foreign keys without an index: \(uncovered)")
        }
    }

    @Test func countTablesHaveNoPictureOrAppearanceColumns() async throws {
        try await PostgresTestDatabase.withStore { _, database in
            let columns = try await rows("""
                SELECT table_name || '.' || column_name || ':' || data_type FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name IN ('crossing_events', 'counting_results', 'camera_events',
                    'model_logs', 'analytics_rollups')
                """, database: database)
            #expect(columns.count > 20)
            for column in columns {
                #expect(!column.hasSuffix(":bytea"), "\(column) could hold bytes")
                #expect(!NoPersonalData.suspect(String(column.split(separator: ":")[0].split(separator: ".")[1])), "\(column)")
            }
        }
    }

    @Test func streamCredentialsAreSealedAtRest() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            try await store.saveCamera(camera)
            let raw = try await rows("SELECT encode(source_sealed, 'escape') FROM cameras", database: database)
            #expect(raw.count == 1)
            #expect(!(raw.first ?? "").contains("hunter2"))
            let read = try await store.camera(id: "door")
            #expect(read?.source == camera.source)

            // Cameras managed through the API are sealed the same way.
            let audit = AuditEntry(time: Self.january2027, username: "system", action: "camera.create", target: "camera:side")
            var side = camera
            side.id = "side"
            side.source = "rtsp://admin:swordfish@10.0.0.10/stream"
            try await store.createCamera(side, audit: audit)
            side.source = "rtsp://admin:letmein@10.0.0.10/stream"
            try await store.updateCamera(side, audit: audit)
            let sealed = try await rows("SELECT encode(source_sealed, 'escape') FROM cameras WHERE id = 'side'", database: database)
            #expect(sealed.count == 1)
            #expect(!sealed[0].contains("letmein") && !sealed[0].contains("swordfish") && !sealed[0].contains("10.0.0.10"))
            #expect(try await store.camera(id: "side")?.source == side.source)
        }
    }

    @Test func aRotatedKeyReadsOldSourcesUntilEveryTenantsAreSealedAgain() async throws {
        try await PostgresTestDatabase.withStore { old, database in
            try await old.saveCamera(camera)
            try await old.saveTenant(Tenant(id: Self.tenantB, name: "B"))
            var yard = camera
            yard.id = "yard"
            yard.source = "rtsp://admin:opensesame@10.0.0.11/stream"
            try await old.scoped(to: Self.tenantB).saveCamera(yard)
            let oldKey = old.configuration.secretKey
            let newKey = (0..<32).map { _ in UInt8.random(in: 0...255) }
            func store(key: [UInt8], previous: [[UInt8]] = []) throws -> PostgresStore {
                var configuration = try PostgresTestDatabase.storeConfiguration(database: database, key: key)
                configuration.previousSecretKeys = previous
                return PostgresStore(configuration: configuration, logger: PostgresTestDatabase.logger)
            }
            let before = try await rows("SELECT encode(source_sealed, 'hex') FROM cameras ORDER BY id", database: database)

            // The new key alone cannot read what the old one sealed, and says so.
            let newOnly = try store(key: newKey)
            try await PostgresTestDatabase.withRunning(newOnly) { () async throws -> Void in
                await #expect(throws: StorageError.self) { _ = try await newOnly.camera(id: "door") }
            }
            // With the old key as a previous one, everything reads; rotation seals both tenants' again.
            let rotating = try store(key: newKey, previous: [oldKey])
            try await PostgresTestDatabase.withRunning(rotating) { () async throws -> Void in
                #expect(try await rotating.camera(id: "door")?.source == camera.source)
                #expect(try await rotating.resealCameraSources() == 2)
                #expect(try await rotating.resealCameraSources() == 0, "running it again changes nothing")
            }
            let after = try await rows("SELECT encode(source_sealed, 'hex') FROM cameras ORDER BY id", database: database)
            #expect(after.count == 2 && zip(before, after).allSatisfy { $0 != $1 })
            // Now the new key alone reads both tenants' cameras.
            let rotated = try store(key: newKey)
            try await PostgresTestDatabase.withRunning(rotated) { () async throws -> Void in
                #expect(try await rotated.camera(id: "door")?.source == camera.source)
                #expect(try await rotated.scoped(to: Self.tenantB).camera(id: "yard")?.source == yard.source)
            }
        }
    }

    @Test func anEditedGeometryMakesANewVersionAndCountsKeepTheirs() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            try await store.saveCamera(camera)
            _ = try await store.insertCrossings([crossing("v1", at: Self.january2027)])
            var moved = camera
            moved.geometry.lines[0].b = Point(x: 20, y: 0)
            try await store.saveCamera(moved)
            try await store.saveCamera(moved)  // unchanged: no new version
            let version = try await store.geometryVersion(cameraID: "door")
            #expect(version == 2)
            _ = try await store.insertCrossings([crossing("v2", at: Self.january2027.addingTimeInterval(1), version: version ?? 0)])
            let stamped = try await rows("SELECT event_id || '@' || geometry_version FROM crossing_events ORDER BY time", database: database)
            #expect(stamped == ["v1@1", "v2@2"])
            let versions = try await rows("SELECT version::text FROM geometry_versions ORDER BY version", database: database)
            #expect(versions == ["1", "2"])
            let current = try await store.camera(id: "door")
            #expect(current?.geometry == moved.geometry)
        }
    }

    @Test func eventsFarInThePastAndFutureLandInTheirMonthsPartitions() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            try await store.saveCamera(camera)
            let past = Date(timeIntervalSince1970: 978_307_200 + 86_400 * 40)  // 2001-02-10
            let future = Date(timeIntervalSince1970: 2_208_988_800 + 86_400 * 100)  // 2040-04-10
            #expect(try await store.insertCrossings([crossing("past", at: past), crossing("future", at: future)]) == 2)
            let placed = try await rows("SELECT event_id || ' ' || tableoid::regclass::text FROM crossing_events ORDER BY time", database: database)
            #expect(placed == ["past crossing_events_p200102", "future crossing_events_p204004"])
        }
    }

    @Test func aLargeBatchIsCopiedAndOneHoldingAStoredCrossingIsInsertedInstead() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            try await store.saveCamera(camera)
            // Across two months, so COPY routes rows to both partitions.
            let start = Self.january2027.addingTimeInterval(16 * 86_400 + 12 * 3_600)  // 2027-01-31 20:00 UTC
            let batch = (0..<500).map { crossing("c-\($0)", at: start.addingTimeInterval(Double($0) * 60)) }
            #expect(try await store.insertCrossings(batch) == 500)
            #expect(store.crossingBatchesCopied == 1)
            // Half stored, half new: COPY breaks on the first duplicate, and the INSERT stores the rest.
            let overlapping = (250..<750).map { crossing("c-\($0)", at: start.addingTimeInterval(Double($0) * 60)) }
            #expect(try await store.insertCrossings(overlapping) == 250)
            #expect(store.crossingBatchesCopied == 1)
            // A small batch is not worth a COPY.
            #expect(try await store.insertCrossings([crossing("small", at: start)]) == 1)
            #expect(store.crossingBatchesCopied == 1)
            let placed = try await rows("""
                SELECT p || ' ' || n FROM (SELECT tableoid::regclass::text AS p, count(*) AS n FROM crossing_events GROUP BY 1) s ORDER BY p
                """, database: database)
            // 240 minutes of January (and the small one), the rest in February.
            #expect(placed == ["crossing_events_p202701 241", "crossing_events_p202702 510"])
        }
    }

    @Test func concurrentWritersCreateANewMonthsPartitionOnce() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            try await store.saveCamera(camera)
            let month = Date(timeIntervalSince1970: 2_000_000_000)  // 2033-05-18
            let total = try await withThrowingTaskGroup(of: Int.self) { group in
                for writer in 0..<6 {
                    let batch = (0..<50).map { crossing("w\(writer)-\($0)", at: month.addingTimeInterval(Double(writer * 50 + $0))) }
                    group.addTask { try await store.insertCrossings(batch) }
                }
                return try await group.reduce(0, +)
            }
            #expect(total == 300)
            let partitions = try await rows("SELECT count(*)::text FROM pg_class WHERE relname = 'crossing_events_p203305'", database: database)
            #expect(partitions == ["1"])
        }
    }

    @Test func anExpiredMonthIsArchivedPerTenantBeforeItIsDroppedAndComesBackWhole() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-archive-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let files = LocalFileStore(directory: folder)
            let other = store.scoped(to: Self.tenantB)
            try await store.saveTenant(Tenant(id: Self.tenantB, name: "B"))
            try await store.saveCamera(camera)
            var yard = camera
            yard.id = "yard"
            try await other.saveCamera(yard)
            let old = Date(timeIntervalSince1970: 1_704_067_200 + 3_600 * 10)  // 2024-01-01 10:00
            _ = try await store.insertCrossings((0..<3).map { crossing("a\($0)", at: old.addingTimeInterval(Double($0) * 60)) })
            _ = try await other.insertCrossings((0..<2).map { crossing("b\($0)", at: old.addingTimeInterval(Double($0)), camera: "yard") })
            try await store.addCountingResults([CountingResult(cameraID: "door", kind: .zone, name: "queue", minute: old, dwellSeconds: [12.5, 40])])
            let month = (from: old.addingTimeInterval(-86_400), to: old.addingTimeInterval(86_400))
            let crossingsA = try await store.crossings(cameraID: "door", from: month.from, to: month.to)
            let crossingsB = try await other.crossings(cameraID: "yard", from: month.from, to: month.to)
            #expect(crossingsA.count == 3 && crossingsB.count == 2)

            let dropped = try await store.dropExpiredPartitions(now: Self.january2027, archive: files)
            #expect(dropped.contains("crossing_events_p202401") && dropped.contains("counting_results_p202401"))
            #expect(try await store.crossings(cameraID: "door", from: month.from, to: month.to).isEmpty)
            let listedA = try await store.files(kind: .archive, siteIDs: nil, limit: 100)
            let listedB = try await other.files(kind: .archive, siteIDs: nil, limit: 100)
            #expect(Set(listedA.map(\.name)) == ["crossing_events-2024-01.jsonl.gz", "counting_results-2024-01.jsonl.gz"])
            #expect(listedB.map(\.name) == ["crossing_events-2024-01.jsonl.gz"], "each tenant's rows in its own file")
            let archiveA = try #require(listedA.first { $0.name.hasPrefix("crossing_events") })
            let lines = String(decoding: try Gzip.decompress(try #require(try await files.get(key: archiveA.key))), as: UTF8.self)
                .split(separator: "\n")
            #expect(lines.count == 3 && lines.allSatisfy { $0.contains("\"camera_id\":\"door\"") })

            // Restored, the month holds exactly what it held, and retention leaves it for a week.
            #expect(try await store.restoreArchivedMonth(table: "crossing_events", month: "2024-01", from: files, now: Self.january2027) == 5)
            #expect(try await store.restoreArchivedMonth(table: "counting_results", month: "2024-01", from: files, now: Self.january2027) == 1)
            #expect(try await store.crossings(cameraID: "door", from: month.from, to: month.to) == crossingsA)
            #expect(try await other.crossings(cameraID: "yard", from: month.from, to: month.to) == crossingsB)
            #expect(try await store.dwellSamples(cameraID: "door", zone: "queue", from: month.from, to: month.to).map(\.seconds)
                == [12.5, 40])
            #expect(try await store.restoreArchivedMonth(table: "crossing_events", month: "2024-01", from: files, now: Self.january2027) == 0,
                    "rows already there are kept, not doubled")
            #expect(!(try await store.dropExpiredPartitions(now: Self.january2027, archive: files)).contains("crossing_events_p202401"))
            let weekLater = Self.january2027.addingTimeInterval(8 * 86_400)
            #expect(try await store.dropExpiredPartitions(now: weekLater, archive: files).contains("crossing_events_p202401"))
            #expect(try await store.files(kind: .archive, siteIDs: nil, limit: 100).count == 2, "the same rows, the same file")

            // A damaged archive is refused before anything is inserted.
            try Data("damaged".utf8).write(to: folder.appendingPathComponent(archiveA.key))
            await #expect(throws: StorageError.self) {
                _ = try await store.restoreArchivedMonth(table: "crossing_events", month: "2024-01", from: files, now: weekLater)
            }
            #expect(try await store.crossings(cameraID: "door", from: month.from, to: month.to).isEmpty)
            #expect(try await other.crossings(cameraID: "yard", from: month.from, to: month.to).isEmpty, "no tenant half restored")
            await #expect(throws: StorageError.self) {
                _ = try await store.restoreArchivedMonth(table: "users", month: "2024-01", from: files, now: weekLater)
            }
            _ = database
        }
    }

    @Test func droppingAnExpiredPartitionLeavesRollupsIntact() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            try await store.saveCamera(camera)
            let old = Date(timeIntervalSince1970: 1_704_067_200 + 3_600 * 10)  // 2024-01-01 10:00
            try await store.addCountingResults([
                CountingResult(cameraID: "door", kind: .line, name: "in-out", minute: old, countIn: 3, countOut: 1),
                CountingResult(cameraID: "door", kind: .line, name: "in-out", minute: old.addingTimeInterval(60), countIn: 2),
            ])
            try await store.refreshRollups(from: old, to: old.addingTimeInterval(3_600))
            try await store.refreshRollups(from: old, to: old.addingTimeInterval(3_600))  // idempotent
            // A late result for the same hour folds in when the window is refreshed again.
            try await store.addCountingResults([
                CountingResult(cameraID: "door", kind: .line, name: "in-out", minute: old.addingTimeInterval(120), countIn: 1),
            ])
            try await store.refreshRollups(from: old, to: old.addingTimeInterval(3_600))
            let before = try await store.rollups(cameraID: "door")
            #expect(before.map { "\($0.0) \($0.4)/\($0.5)" } == ["day 6/1", "hour 6/1", "local-day 6/1", "month 6/1"])

            let dropped = try await store.dropExpiredPartitions(now: Self.january2027)
            #expect(dropped.contains("counting_results_p202401"))
            let minutes = try await store.countSeries(cameraID: "door", from: old, to: old.addingTimeInterval(3_600), bucket: .minute)
            #expect(minutes.lines.isEmpty)
            let after = try await store.rollups(cameraID: "door")
            #expect(after.map { "\($0.0) \($0.4)/\($0.5)" } == ["day 6/1", "hour 6/1", "local-day 6/1", "month 6/1"])
            // Analytics over old hours read the rollups, so they outlive the minute rows.
            #expect(try await store.hourlyLineCounts(cameraIDs: ["door"], from: old, to: old.addingTimeInterval(3_600))
                == [HourlyLineCount(cameraID: "door", line: "in-out", hour: old, countIn: 6, countOut: 1)])
            let remaining = try await rows("SELECT count(*)::text FROM pg_class WHERE relname = 'counting_results_p202401'", database: database)
            #expect(remaining == ["0"])
        }
    }

    @Test func localDayRollupsGiveTheSameDaysAsTheMinutes() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            let audit = AuditEntry(time: Date(), username: "system", action: "test", target: "test")
            try await store.saveSite(Site(id: "shop", name: "Shop", timeZone: "Europe/Paris"), audit: audit)
            var door = camera
            door.siteID = "shop"
            try await store.saveCamera(door)
            // Every hour of Saturday 30 and Sunday 31 March 2024 in Paris (24 and 23 hours), and the hours either side.
            let first = Date(timeIntervalSince1970: 1_711_753_200 - 3 * 3_600)  // 2024-03-29 20:00 UTC
            let results = (0..<(24 + 23 + 6)).map {
                CountingResult(cameraID: "door", kind: .line, name: "in-out", minute: first.addingTimeInterval(Double($0) * 3_600 + 60), countIn: 1)
            }
            try await store.addCountingResults(results)
            let query = LineCountQuery(cameraIDs: ["door"], from: Date(timeIntervalSince1970: 1_711_753_200),  // 2024-03-30 00:00 Paris
                                       to: Date(timeIntervalSince1970: 1_711_922_400), timeZone: TimeZone(identifier: "Europe/Paris")!)
            // Writing the minutes added them to the rollups already; a refresh recomputes the same rows.
            let written = try await store.lineCountBuckets(query, bucket: .day)
            let writtenHours = try await store.hourlyLineCounts(cameraIDs: ["door"], from: query.from, to: query.to)
            try await store.refreshRollups(from: query.from, to: query.to)
            let days = try await store.lineCountBuckets(query, bucket: .day)
            #expect(days.map(\.countIn) == [24, 23])
            #expect(written == days)
            #expect(try await store.hourlyLineCounts(cameraIDs: ["door"], from: query.from, to: query.to) == writtenHours)
            #expect(writtenHours.count == 47)
            #expect(days.map(\.start) == [query.from, Date(timeIntervalSince1970: 1_711_839_600)])
            // The rollups are what was read: the minute rows gone, the answer stays.
            let memory = InMemoryStore()
            try await memory.saveSite(Site(id: "shop", name: "Shop", timeZone: "Europe/Paris"), audit: audit)
            try await memory.saveCamera(door)
            try await memory.addCountingResults(results)
            #expect(try await memory.lineCountBuckets(query, bucket: .day) == days)
            _ = try await store.dropExpiredPartitions(now: Self.january2027)
            #expect(try await store.lineCountBuckets(query, bucket: .day) == days)
            #expect(try await store.lineCountBuckets(query, bucket: .week).map(\.countIn) == [47])
        }
    }

    @Test func writesDuringRefreshesLoseNoAddition() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            try await store.saveCamera(camera)
            let hour = Date(timeIntervalSince1970: 1_704_067_200 + 3_600 * 10)  // 2024-01-01 10:00
            // 40 writes of one person each into the same hour, while the hour is refreshed over and over.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<4 {
                    group.addTask {
                        for write in 0..<10 {
                            try await store.addCountingResults([CountingResult(
                                cameraID: "door", kind: .line, name: "in-out",
                                minute: hour.addingTimeInterval(Double(writer * 10 + write) * 60), countIn: 1)])
                        }
                    }
                }
                group.addTask {
                    for _ in 0..<10 { try await store.refreshRollups(from: hour, to: hour.addingTimeInterval(3_600)) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.hourlyLineCounts(cameraIDs: ["door"], from: hour, to: hour.addingTimeInterval(3_600)).map(\.countIn)
                == [40])
        }
    }

    @Test func rollupsAreRefreshedForEveryTenant() async throws {
        try await PostgresTestDatabase.withStore { store, _ in
            let other = Tenant(id: UUID(), name: "Second")
            try await store.saveTenant(other)
            let scoped = store.scoped(to: other.id)
            var gate = camera
            gate.id = "gate"
            try await scoped.saveCamera(gate)
            let old = Date(timeIntervalSince1970: 1_704_067_200 + 3_600 * 10)  // 2024-01-01 10:00
            try await scoped.addCountingResults([CountingResult(cameraID: "gate", kind: .line, name: "in-out", minute: old, countIn: 4)])
            try await store.refreshRollupsOfEveryTenant(from: old, to: old.addingTimeInterval(3_600))
            #expect(try await scoped.hourlyLineCounts(cameraIDs: ["gate"], from: old, to: old.addingTimeInterval(3_600))
                == [HourlyLineCount(cameraID: "gate", line: "in-out", hour: old, countIn: 4, countOut: 0)])
            #expect(try await store.hourlyLineCounts(cameraIDs: ["gate"], from: old, to: old.addingTimeInterval(3_600)).isEmpty)
        }
    }

    @Test func anUnknownTenantIsAClearErrorAndNothingIsStored() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            let stranger = PostgresStore(
                configuration: try PostgresTestDatabase.storeConfiguration(
                    database: database, tenant: UUID(uuidString: "cccccccc-0000-4000-8000-000000000003")!,
                    key: Array(repeating: 7, count: 32)),
                logger: PostgresTestDatabase.logger)
            try await PostgresTestDatabase.withRunning(stranger) {
                await #expect(throws: StorageError.invalidInput(field: "tenant", reason: "no tenant with id cccccccc-0000-4000-8000-000000000003")) {
                    try await stranger.saveCamera(camera)
                }
            }
            let count = try await rows("SELECT count(*)::text FROM cameras", database: database)
            #expect(count == ["0"])
        }
    }

    @Test func theDatabaseBeingDownIsAClearError() async throws {
        let configuration = try PostgresStoreConfiguration(
            url: "postgres://postgres@127.0.0.1:1/footfall?sslmode=disable&connect_timeout=1&statement_timeout=500", secretKey: Array(repeating: 1, count: 32))
        let store = PostgresStore(configuration: configuration, logger: PostgresTestDatabase.logger)
        try await PostgresTestDatabase.withRunning(store) {
            await #expect {
                try await store.cameras()
            } throws: { error in
                guard case .backend(let operation, let reason) = error as? StorageError else { return false }
                return operation == "read cameras" && !reason.isEmpty
            }
        }
    }

    @Test func badURLsNameTheProblem() {
        #expect(throws: StorageError.invalidInput(field: "database-url.sslmode", reason: "use disable, prefer or require")) {
            try PostgresStoreConfiguration(url: "postgres://u@h/db?sslmode=maybe", secretKey: Array(repeating: 0, count: 32))
        }
        #expect(throws: StorageError.invalidInput(field: "secret-key", reason: "must be 32 bytes (44 characters of base64)")) {
            try PostgresStoreConfiguration(url: "postgres://u@h/db", secretKey: [1, 2, 3])
        }
        #expect(throws: StorageError.self) {
            try PostgresStoreConfiguration(url: "mysql://u@h/db", secretKey: Array(repeating: 0, count: 32))
        }
    }
}

@Suite(.enabled(if: PostgresTestDatabase.available, "needs the PostgreSQL server of scripts/test.sh"))
struct PostgresConnectionTests {
    let camera = Camera(id: "door", name: "Door", source: "door.mp4",
                        geometry: Geometry(lines: [CountingLine(name: "in-out", a: Point(x: 0, y: 0), b: Point(x: 10, y: 0))]))

    @Test func theStoreRecoversWhenItsConnectionsAreKilled() async throws {
        try await PostgresTestDatabase.withStore { store, database in
            try await store.saveCamera(camera)
            try await PostgresTestDatabase.admin("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()
                """)
            // The next operations may see the broken connection once; then the pool reconnects.
            var recovered = false
            for _ in 0..<20 where !recovered {
                if (try? await store.cameras())?.map(\.id) == ["door"] { recovered = true } else {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(recovered)
            let stored = try await store.insertCrossings([
                CrossingRecord(id: "after", cameraID: "door", line: "in-out", direction: .in, trackID: 1,
                               time: Date(timeIntervalSince1970: 1_800_000_000)),
            ])
            #expect(stored == 1)
        }
    }

    @Test func analyticsReadsGoToTheReadReplica() async throws {
        // Two databases stand in for primary and replica: the replica alone holds results.
        try await PostgresTestDatabase.withStore { replicaStore, replicaDatabase in
            try await replicaStore.saveCamera(camera)
            let minute = Date(timeIntervalSince1970: 1_800_000_000)
            try await replicaStore.addCountingResults([
                CountingResult(cameraID: "door", kind: .line, name: "in-out", minute: minute, countIn: 9),
            ])
            let onReplica = try await replicaStore.countSeries(cameraID: "door", from: minute, to: minute.addingTimeInterval(60), bucket: .minute)
            #expect(onReplica.lines["in-out"]?.first?.countIn == 9)
            try await PostgresTestDatabase.withStore { primary, _ in
                try await primary.saveCamera(camera)
                let routed = PostgresStore(
                    configuration: primary.configuration,
                    readReplica: try PostgresTestDatabase.storeConfiguration(database: replicaDatabase,
                                                                             key: primary.configuration.secretKey),
                    logger: PostgresTestDatabase.logger)
                try await PostgresTestDatabase.withRunning(routed) {
                    let history = try await routed.countSeries(cameraID: "door", from: minute, to: minute.addingTimeInterval(60),
                                                               bucket: .minute)
                    #expect(history.lines["in-out"]?.first?.countIn == 9)
                    let direct = try await primary.countSeries(cameraID: "door", from: minute, to: minute.addingTimeInterval(60),
                                                               bucket: .minute)
                    #expect(direct.lines.isEmpty)
                }
            }
        }
    }
}

@testable import StoragePostgres

/// Migration 2 on a database that already holds version-1 rows: uuid sites become text ids,
/// emails become usernames (unique across tenants), and nothing is lost.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs the PostgreSQL server of scripts/test.sh"))
struct PostgresControlPlaneMigrationTests {
    static let tenantB = UUID(uuidString: "bbbbbbbb-0000-4000-8000-000000000002")!
    static let january2027 = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00 UTC

    @Test func migrationTwoKeepsTheRowsOfAVersionOneDatabase() async throws {
        let database = "footfall_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await PostgresTestDatabase.admin("CREATE DATABASE \(database)")
        defer { Task { try? await PostgresTestDatabase.admin("DROP DATABASE IF EXISTS \(database) WITH (FORCE)") } }
        let store = PostgresStore(
            configuration: try PostgresTestDatabase.storeConfiguration(database: database, key: (0..<32).map { _ in UInt8.random(in: 0...255) }),
            logger: PostgresTestDatabase.logger)
        let main = PostgresStoreConfiguration.defaultTenantID.uuidString
        let b = Self.tenantB.uuidString
        let site = UUID(uuidString: "5173e000-0000-4000-8000-00000000000a")!
        let ops = UUID(), opsB = UUID(), session = UUID()
        let first = Geometry(lines: [CountingLine(name: "in-out", a: Point(x: 0, y: 0), b: Point(x: 10, y: 0))])
        let second = Geometry(lines: [CountingLine(name: "in-out", a: Point(x: 0, y: 0), b: Point(x: 20, y: 0))])
        let hash: [UInt8] = Array(repeating: 1, count: 32)
        func hex(_ bytes: [UInt8]) -> String { "\\x" + bytes.map { String(format: "%02x", $0) }.joined() }

        try await PostgresTestDatabase.withRunning(store) {
            #expect(try await store.migrate(tenantName: "Default", through: 1) == [1])
            try await PostgresTestDatabase.admin("""
                INSERT INTO tenants (id, name) VALUES ('\(b)', 'B');
                INSERT INTO sites (id, tenant_id, name, timezone) VALUES ('\(site)', '\(main)', 'Lobby', 'Europe/Paris');
                INSERT INTO cameras (tenant_id, id, site_id, name, source_sealed, geometry_version)
                    VALUES ('\(main)', 'door', '\(site)', 'Door', '\(hex(try store.sealed("rtsp://door/stream")))', 2);
                INSERT INTO geometry_versions (tenant_id, camera_id, version, geometry, created_at) VALUES
                    ('\(main)', 'door', 1, '\(try PostgresStore.json(first))', '2027-01-15 07:00:00+00'),
                    ('\(main)', 'door', 2, '\(try PostgresStore.json(second))', '2027-01-15 07:30:00+00');
                SELECT footfall_ensure_partition('crossing_events', '2027-01-01');
                SELECT footfall_ensure_partition('audit_logs', '2027-01-01');
                INSERT INTO crossing_events (tenant_id, camera_id, event_id, geometry_version, line, direction, track_id, time) VALUES
                    ('\(main)', 'door', 'v1', 1, 'in-out', 'in', 1, '2027-01-15 08:00:00+00'),
                    ('\(main)', 'door', 'v2', 2, 'in-out', 'out', 2, '2027-01-15 08:00:01+00');
                INSERT INTO users (id, tenant_id, email, password_hash, role, created_at) VALUES
                    ('\(ops)', '\(main)', 'ops@example.com', 'hash-1', 'admin', '2027-01-01 00:00:00+00'),
                    ('\(opsB)', '\(b)', 'ops@example.com', 'hash-2', 'viewer', '2027-01-02 00:00:00+00');
                INSERT INTO user_sessions (id, tenant_id, user_id, token_hash, created_at, expires_at) VALUES
                    ('\(session)', '\(main)', '\(ops)', '\(hex(hash))', '2027-01-15 08:00:00+00', '2027-01-16 08:00:00+00');
                INSERT INTO audit_logs (tenant_id, user_id, time, action, target) VALUES
                    ('\(main)', '\(ops)', '2027-01-15 08:00:00+00', 'camera.create', 'camera:door');
                INSERT INTO alerts (tenant_id, camera_id, severity, kind, message, created_at, resolved_at) VALUES
                    ('\(main)', 'door', 'warning', 'camera-down', 'Door went dark', '2027-01-15 08:00:00+00', '2027-01-15 08:10:00+00')
                """, database: database)

            #expect(try await store.migrate() == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
            #expect(try await store.alerts(AlertQuery()).map(\.message) == ["Door went dark"])
            let siteID = site.uuidString.lowercased()
            #expect(try await store.sites() == [Site(id: siteID, name: "Lobby", timeZone: "Europe/Paris")])
            #expect(try await store.camera(id: "door")
                == Camera(id: "door", name: "Door", source: "rtsp://door/stream", geometry: second, geometryVersion: 2, siteID: siteID))
            #expect(try await store.geometryVersions(cameraID: "door").map(\.geometry) == [first, second])
            #expect(try await store.crossings(cameraID: "door", from: .distantPast, to: .distantFuture).map { "\($0.id)@\($0.geometryVersion)" }
                == ["v1@1", "v2@2"])

            // The first tenant keeps the email as its username; the other's copy gets a suffix.
            let owner = try #require(try await store.user(username: "ops@example.com"))
            #expect(owner.id == ops && owner.role == .admin && owner.sites.isEmpty)
            let suffixed = "ops@example.com-" + opsB.uuidString.lowercased().prefix(8)
            #expect(try await store.scoped(to: Self.tenantB).users().map(\.username) == [suffixed])
            #expect(try await store.credentials(userID: ops) == [
                Credential(id: session, tenantID: PostgresStoreConfiguration.defaultTenantID, userID: ops, kind: .session, tokenHash: hash,
                           created: Self.january2027, expires: Self.january2027.addingTimeInterval(86_400)),
            ])
            #expect(try await store.authenticate(tokenHash: hash, at: Self.january2027)?.user == owner)
            #expect(try await store.auditEntries(AuditQuery())
                == [AuditEntry(time: Self.january2027, userID: ops, username: "system", action: "camera.create", target: "camera:door")])

            // The migrated rows are managed like new ones; a user's audit entries outlive the user.
            let now = AuditEntry(time: Self.january2027, username: "system", action: "site.delete", target: "site:\(siteID)")
            await #expect(throws: StorageError.conflict(field: "site.id", reason: "cameras still belong to site \"\(siteID)\"")) {
                try await store.deleteSite(id: siteID, audit: now)
            }
            try await store.deleteUser(id: ops, audit: AuditEntry(time: Self.january2027, username: "system", action: "user.delete",
                                                                  target: "user:ops@example.com"))
            #expect(try await store.auditEntries(AuditQuery(userID: ops)).count == 1)
        }
    }
}

struct PostgresMigrationChecksumTests {
    /// Applied migrations must never change: this pin fails when one is edited by mistake.
    @Test func postgresMigrationsArePinned() {
        #expect(PostgresSchema.migrations.map(\.checksum) == [
            "d1c9066ef25d67a556756951cdb153aa90dee196c882ab0633b5aea0eac93438",
            "3f8e5e03a99964b4188193c66bcd800d09c1512876ec216e402175118d7fdcd2",
            "53af4dc25404e012c96ee515202680502cc9d30a9e02d46ed4034cf79d3c7135",
            "e19efa80828a41b0652fb13cdfb341a4d9a835113bd80ee1bb5bed0fbd4e7da0",
            "bc8bfdee23000ec97c781534d27dc9d4b1aec5cf3c0a28b2a8cbd58ec8aa913e",
            "d8bc9fd8ffb831ca20f3f17552bc3a61b4f9a54b88126c604d7b20fa230573bf",
            "46474d15d5ab2669b56288c4aa4b5fe957c1b4044fbf4fd7aa4dfb8e79ab2c1d",
            "c65ba17ec43ea8d1d340edcfde7396b61d2f4900fceb057d78d475798821376c",
            "a7c60c61e3acb43824cae484dc38f8f1133cb5a0972b281bbeaf1842c3279049",
            "08a6ae28cbe2cc080d9cb216b27ee7b3710deae80970280b0f59489165792a1a",
            "55c1ff70852676a71bef4e0f7ffc25ced6aba9efcae29a7676c64dcd211f7b59",
        ])
    }

    @Test func migrationsSplitIntoSingleStatementsKeepingQuotedSemicolons() {
        let migration = PostgresMigration(version: 9, name: "t", sql: """
            CREATE TABLE a (x text DEFAULT ';'); -- a comment; with a semicolon
            DO $$ BEGIN PERFORM 1; PERFORM 2; END $$;
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN RAISE NOTICE 'a;b'; END $fn$
            """)
        #expect(migration.statements == [
            "CREATE TABLE a (x text DEFAULT ';')",
            "DO $$ BEGIN PERFORM 1; PERFORM 2; END $$",
            "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $fn$ BEGIN RAISE NOTICE 'a;b'; END $fn$",
        ])
    }
}
