import CountingCore
import Foundation
import PostgresNIO
import Storage
import StoragePostgres
import StorageTestSupport
import Testing

/// Connects as the application role with tenant A set and tries every way to reach tenant B.
@Suite(.enabled(if: PostgresTestDatabase.available, "needs the PostgreSQL server of scripts/test.sh"))
struct PostgresRowLevelSecurityTests {
    /// Adds tenant A and an application login, `role`, which holds only `footfall_app`'s rights.
    static func addTenantAAndApplicationRole(_ role: String, database: String) async throws {
        try await PostgresTestDatabase.admin("""
            SELECT set_config('footfall.tenant_id', '\(tenantA.uuidString)', false);
            INSERT INTO tenants (id, name) VALUES ('\(tenantA.uuidString)', 'A');
            CREATE ROLE \(role) LOGIN PASSWORD 'app-secret' IN ROLE footfall_app;
            GRANT CONNECT ON DATABASE \(database) TO \(role);
            GRANT USAGE ON SCHEMA public TO \(role);
            """, database: database)
    }

    /// A store for tenant A that connects as the application login `role`.
    static func applicationStoreOfTenantA(_ role: String, database: String, key: [UInt8]) throws -> PostgresStore {
        PostgresStore(
            configuration: try PostgresTestDatabase.storeConfiguration(
                database: database, username: role, password: "app-secret", tenant: tenantA, key: key),
            logger: PostgresTestDatabase.logger)
    }

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
            try await Self.addTenantAAndApplicationRole(role, database: database)
            defer { Task { try? await PostgresTestDatabase.admin("DROP DATABASE IF EXISTS \(database) WITH (FORCE); DROP ROLE IF EXISTS \(role)") } }

            let appA = try Self.applicationStoreOfTenantA(role, database: database, key: ownerB.configuration.secretKey)
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
                // Row-level security forbids COPY to this login: a large batch is inserted instead, whole.
                let batch = (0..<200).map {
                    CrossingRecord(id: "a-\($0)", cameraID: "a-cam", line: "door", direction: .in, trackID: $0, time: Self.time.addingTimeInterval(Double($0)))
                }
                #expect(try await appA.insertCrossings(batch) == 200)
                #expect(try await appA.insertCrossings(batch) == 0)
                #expect(appA.crossingBatchesCopied == 0)
                #expect(try await appA.crossings(cameraID: "a-cam", from: .distantPast, to: .distantFuture).count == 200)
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
                let own = ["tenants": 1, "cameras": 1, "geometry_versions": 1, "counting_lines": 1, "crossing_events": 200]
                #expect(count == own[table, default: 0],
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

    /// The control-plane tables as the application role: another tenant's sites, users,
    /// credentials and audit entries stay hidden, signing in still looks across tenants through
    /// the account functions, and the audit trail only grows.
    @Test func theControlPlaneShowsTheApplicationRoleOnlyItsTenantAndTheAuditTrailOnlyGrows() async throws {
        let role = "footfall_app_\(UInt32.random(in: 0...UInt32.max))"
        let entry = { (action: String, target: String) in
            AuditEntry(time: Self.time, username: "system", action: action, target: target)
        }
        try await PostgresTestDatabase.withStore(tenant: Self.tenantB) { ownerB, database in
            // Tenant B's control plane, written by the owner.
            let bob = User(tenantID: Self.tenantB, username: "bob", passwordHash: "$2b$12$bob", role: .admin, created: Self.time)
            let bobsToken = Credential(tenantID: Self.tenantB, userID: bob.id, kind: .apiToken, name: "door", tokenHash: Array(repeating: 2, count: 32),
                                       created: Self.time, expires: nil)
            let bobsOldSession = Credential(tenantID: Self.tenantB, userID: bob.id, kind: .session, tokenHash: Array(repeating: 3, count: 32),
                                            created: Self.time, expires: Self.time.addingTimeInterval(60))
            try await ownerB.saveSite(Site(id: "b-site", name: "B site"), audit: entry("site.save", "site:b-site"))
            var bCamera = camera("b-cam")
            bCamera.siteID = "b-site"
            try await ownerB.createCamera(bCamera, audit: entry("camera.create", "camera:b-cam"))
            try await ownerB.createUser(bob, audit: entry("user.create", "user:bob"))
            try await ownerB.createCredential(bobsToken, audit: entry("token.create", "token:door"))
            try await ownerB.createCredential(bobsOldSession, audit: nil)

            try await Self.addTenantAAndApplicationRole(role, database: database)
            defer { Task { try? await PostgresTestDatabase.admin("DROP DATABASE IF EXISTS \(database) WITH (FORCE); DROP ROLE IF EXISTS \(role)") } }

            let appA = try Self.applicationStoreOfTenantA(role, database: database, key: ownerB.configuration.secretKey)
            try await PostgresTestDatabase.withRunning(appA) {
                #expect(try await appA.sites().isEmpty)
                #expect(try await appA.users().isEmpty)
                #expect(try await appA.user(id: bob.id) == nil)
                #expect(try await appA.credentials(userID: bob.id).isEmpty)
                #expect(try await appA.auditEntries(AuditQuery()).isEmpty)
                await #expect(throws: StorageError.notFound(field: "camera.id", reason: "no camera with id \"b-cam\"")) {
                    try await appA.deleteCamera(id: "b-cam", audit: entry("camera.delete", "camera:b-cam"))
                }

                // Signing in comes before the tenant is known: the account functions look across tenants.
                #expect(try await appA.user(username: "bob") == bob)
                #expect(try await appA.authenticate(tokenHash: bobsToken.tokenHash, at: Self.time)?.user == bob)
                #expect(try await appA.hasUsers())
                #expect(Set(try await appA.tenants().map(\.id)) == [Self.tenantA, Self.tenantB])
                await #expect(throws: StorageError.conflict(field: "user.username", reason: "the username \"bob\" is taken")) {
                    try await appA.createUser(User(tenantID: Self.tenantA, username: "bob", passwordHash: "x", role: .viewer, created: Self.time),
                                              audit: entry("user.create", "user:bob"))
                }
                #expect(try await appA.deleteExpiredCredentials(before: Self.time.addingTimeInterval(3_600)) == 1)

                // Tenant A's own control plane works as the application role, audit entries included.
                let alice = User(tenantID: Self.tenantA, username: "alice", passwordHash: "x", role: .admin, created: Self.time)
                try await appA.saveSite(Site(id: "a-site", name: "A site"), audit: entry("site.save", "site:a-site"))
                var aCamera = camera("a-cam")
                aCamera.siteID = "a-site"
                try await appA.createCamera(aCamera, audit: entry("camera.create", "camera:a-cam"))
                try await appA.createUser(alice, audit: entry("user.create", "user:alice"))
                try await appA.createCredential(Credential(tenantID: Self.tenantA, userID: alice.id, kind: .session,
                                                           tokenHash: Array(repeating: 9, count: 32), created: Self.time,
                                                           expires: Self.time.addingTimeInterval(60)), audit: nil)
                #expect(try await appA.auditEntries(AuditQuery()).count == 3)
                try await appA.saveTenant(Tenant(id: Self.tenantA, name: "A renamed"))
            }

            let connection = try await PostgresConnection.connect(
                configuration: PostgresTestDatabase.adminConfiguration(database: database, username: role, password: "app-secret"),
                id: 10, logger: PostgresTestDatabase.logger)
            defer { Task { try? await connection.close() } }
            func run(_ sql: String) async throws -> [PostgresRow] {
                try await connection.query(PostgresQuery(unsafeSQL: sql), logger: PostgresTestDatabase.logger).collect()
            }
            _ = try await run("SELECT set_config('footfall.tenant_id', '\(Self.tenantA.uuidString)', false)")
            let b = Self.tenantB.uuidString
            for table in ["sites", "users", "user_sessions", "audit_logs", "geometry_versions", "cameras"] {
                let leaked = try await run("SELECT count(*) FROM \(table) WHERE tenant_id = '\(b)'")
                #expect(try leaked.first!.decode(Int64.self) == 0, "\(table) hides tenant B")
                let own = try await run("SELECT count(*) FROM \(table)")
                #expect(try own.first!.decode(Int64.self) > 0, "\(table) shows tenant A's rows")
            }
            // The switch the account functions use does not open other tenants to the application.
            _ = try await run("SET footfall.all_tenants = 'on'")
            let widened = try await run("SELECT count(*) FROM users")
            #expect(try widened.first!.decode(Int64.self) == 1)
            _ = try await run("RESET footfall.all_tenants")
            await #expect(throws: (any Error).self, "adding a user to tenant B") {
                try await run("INSERT INTO users (tenant_id, username, password_hash, role) VALUES ('\(b)', 'mallory', 'x', 'admin')")
            }
            await #expect(throws: (any Error).self, "writing the tenants table") {
                try await run("UPDATE tenants SET name = 'pwned'")
            }

            // Append-only: the application may not change or remove entries, not even its own tenant's.
            for statement in ["UPDATE audit_logs SET action = 'nothing'", "DELETE FROM audit_logs"] {
                do {
                    _ = try await run(statement)
                    Issue.record("\(statement) was allowed")
                } catch {
                    // 42501: insufficient privilege.
                    #expect((error as? PSQLError)?.serverInfo?[.sqlState] == "42501", "\(statement): \(error)")
                }
            }
            let kept = try await run("SELECT count(*) FROM audit_logs")
            #expect(try kept.first!.decode(Int64.self) == 3)
            // Not even the owner changes an entry.
            await #expect(throws: (any Error).self) {
                try await PostgresTestDatabase.admin("UPDATE audit_logs SET action = 'nothing'", database: database)
            }
            #expect(try await ownerB.auditEntries(AuditQuery()).map(\.action) == ["token.create", "user.create", "camera.create", "site.save"])
        }
    }
}
