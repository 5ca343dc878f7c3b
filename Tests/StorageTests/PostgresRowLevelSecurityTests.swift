import CountingCore
import Foundation
import PostgresNIO
import Storage
import StoragePostgres
import Testing

/// Connects as the application role with tenant A set and tries every way to reach tenant B.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs the PostgreSQL server of scripts/test.sh"))
struct PostgresRowLevelSecurityTests {
    static let tenantA = UUID(uuidString: "aaaaaaaa-0000-4000-8000-000000000001")!
    static let tenantB = UUID(uuidString: "bbbbbbbb-0000-4000-8000-000000000002")!
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    func camera(_ id: String) -> Camera {
        Camera(id: id, name: id, source: "rtsp://\(id)/stream",
               geometry: Geometry(lines: [CountingLine(name: "door", a: Point(x: 0, y: 0), b: Point(x: 1, y: 1))]))
    }

    @Test func theApplicationRoleSeesAndTouchesOnlyItsTenant() async throws {
        let role = "footfall_app_\(UInt32.random(in: 0...UInt32.max))"
        try await PostgresTestDatabase.withStore(tenant: Self.tenantB) { ownerB, database in
            // Tenant B's data, written by the owner.
            try await ownerB.saveCamera(camera("b-cam"))
            _ = try await ownerB.insertCrossings([CrossingRecord(id: "b-1", cameraID: "b-cam", line: "door", direction: .in, trackID: 1, time: Self.time)])
            try await ownerB.addCountingResults([CountingResult(cameraID: "b-cam", kind: .line, name: "door", minute: Self.time, countIn: 1)])

            // Tenant A exists too; the application connects with a role of its own.
            try await PostgresTestDatabase.admin("""
                SELECT set_config('footfall.tenant_id', '\(Self.tenantA.uuidString)', false);
                INSERT INTO tenants (id, name) VALUES ('\(Self.tenantA.uuidString)', 'A');
                CREATE ROLE \(role) LOGIN PASSWORD 'app-secret' IN ROLE footfall_app;
                GRANT CONNECT ON DATABASE \(database) TO \(role);
                GRANT USAGE ON SCHEMA public TO \(role);
                """, database: database)
            defer { Task { try? await PostgresTestDatabase.admin("DROP DATABASE IF EXISTS \(database) WITH (FORCE); DROP ROLE IF EXISTS \(role)") } }

            let appA = PostgresStore(
                configuration: try PostgresTestDatabase.storeConfiguration(
                    database: database, username: role, password: "app-secret", tenant: Self.tenantA,
                    key: ownerB.configuration.secretKey),
                logger: PostgresTestDatabase.logger)
            try await PostgresTestDatabase.withRunning(appA) {
                // Through the store: tenant A's view has none of B's rows, and A's writes stay A's.
                #expect(try await appA.cameras().isEmpty)
                #expect(try await appA.camera(id: "b-cam") == nil)
                #expect(try await appA.crossings(cameraID: "b-cam", from: .distantPast, to: .distantFuture).isEmpty)
                let series = try await appA.countSeries(cameraID: "b-cam", from: .distantPast, to: .distantFuture, bucket: .day)
                #expect(series.lines.isEmpty)
                await #expect(throws: StorageError.invalidInput(field: "crossings[0].cameraID", reason: "no camera with id \"b-cam\"")) {
                    try await appA.insertCrossings([CrossingRecord(id: "x", cameraID: "b-cam", line: "door", direction: .in, trackID: 1, time: Self.time)])
                }
                try await appA.saveCamera(camera("a-cam"))
                #expect(try await appA.cameras().map(\.id) == ["a-cam"])
            }

            // Crafted SQL as the application role with tenant A set.
            let connection = try await PostgresConnection.connect(
                configuration: PostgresTestDatabase.adminConfiguration(database: database, username: role, password: "app-secret"),
                id: 9, logger: PostgresTestDatabase.logger)
            defer { Task { try? await connection.close() } }
            func run(_ sql: String) async throws -> [PostgresRow] {
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresTestDatabase.logger).collect()
            }
            _ = try await run("SELECT set_config('footfall.tenant_id', '\(Self.tenantA.uuidString)', false)")
            let b = Self.tenantB.uuidString
            for table in ["cameras", "crossing_events", "counting_results", "geometry_versions", "counting_lines", "tenants"] {
                let key = table == "tenants" ? "id" : "tenant_id"
                let visible = try await run("SELECT count(*) FROM \(table) WHERE \(key) = '\(b)' OR true")
                let count = try visible.first!.decode(Int64.self)
                #expect(count == (table == "tenants" ? 1 : (table == "cameras" || table == "geometry_versions" || table == "counting_lines" ? 1 : 0)),
                        "\(table) shows only tenant A's rows")
                let leaked = try await run("SELECT count(*) FROM \(table) WHERE \(key) = '\(b)'")
                #expect(try leaked.first!.decode(Int64.self) == 0, "\(table) hides tenant B")
            }
            let updated = try await run("UPDATE cameras SET name = 'pwned' WHERE tenant_id = '\(b)' RETURNING 1")
            #expect(updated.isEmpty)
            let deleted = try await run("DELETE FROM crossing_events WHERE tenant_id = '\(b)' RETURNING 1")
            #expect(deleted.isEmpty)
            await #expect(throws: (any Error).self, "inserting a row for tenant B") {
                try await run("INSERT INTO alerts (tenant_id, severity, kind, message) VALUES ('\(b)', 'info', 'x', 'y')")
            }
            await #expect(throws: (any Error).self, "reading a partition directly") {
                try await run("SELECT count(*) FROM crossing_events_p202701")
            }
            await #expect(throws: (any Error).self, "turning row security off") {
                _ = try await run("SET row_security = off")
                _ = try await run("SELECT count(*) FROM cameras")
            }
            await #expect(throws: (any Error).self, "disabling the policy") {
                try await run("ALTER TABLE cameras DISABLE ROW LEVEL SECURITY")
            }
            await #expect(throws: (any Error).self, "creating tables") {
                try await run("CREATE TABLE stolen AS SELECT * FROM cameras")
            }
            // Without a tenant, nothing at all.
            _ = try await run("RESET row_security")
            _ = try await run("SELECT set_config('footfall.tenant_id', '', false)")
            let none = try await run("SELECT count(*) FROM cameras")
            #expect(try none.first!.decode(Int64.self) == 0)

            // B's data is untouched.
            let stillThere = try await ownerB.crossings(cameraID: "b-cam", from: .distantPast, to: .distantFuture)
            #expect(stillThere.map(\.id) == ["b-1"])
            #expect(try await ownerB.camera(id: "b-cam")?.name == "b-cam")
        }
    }
}
