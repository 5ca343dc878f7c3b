import CountingCore
import Foundation
import Storage
import StorageSQLite
import Testing

/// What only the SQLite backend has: a file that outlives the process, and migrations.
struct SQLiteStoreTests {
    func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("store.sqlite").path
    }

    @Test func migrationsApplyOnceThenDoNothing() async throws {
        let path = try temporaryPath()
        let store = try SQLiteStore(path: path, migrate: false)
        #expect(try await store.migrate() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(try await store.migrate() == [])
        let reopened = try SQLiteStore(path: path, migrate: false)
        #expect(try await reopened.migrate() == [])
    }

    @Test func dataSurvivesReopening() async throws {
        let path = try temporaryPath()
        do {
            let store = try SQLiteStore(path: path)
            try await store.saveCamera(Camera(id: "c", name: "C", source: "x.mp4", geometry: .init()))
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.cameras().map(\.id) == ["c"])
    }

    @Test func anUnwritablePathGivesAClearError() throws {
        #expect(throws: StorageError.self) {
            try SQLiteStore(path: "/proc/footfall/nope.sqlite")
        }
    }
}

@testable import StorageSQLite

struct SQLiteMigrationTests {
    @Test func aChangedAppliedMigrationIsAnError() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("store.sqlite").path
        _ = try SQLiteStore(path: path)
        let connection = try SQLiteConnection(path: path)
        try connection.query("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1")
        #expect(throws: StorageError.migrationChanged(version: 1, name: SQLiteMigrations.all[0].name)) {
            try SQLiteStore(path: path)
        }
    }
}

/// Migration 3 rebuilds the version-2 tables keyed by tenant: a file written before keeps its data.
struct SQLiteControlPlaneMigrationTests {
    func temporaryPath() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("store.sqlite").path
    }

    let geometry = Geometry(lines: [CountingLine(name: "door", a: Point(x: 0, y: 0), b: Point(x: 10, y: 0))])
    let minute = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aVersionTwoFileKeepsItsCamerasCountsAndEvents() async throws {
        let path = try temporaryPath()
        do {
            let connection = try SQLiteConnection(path: path)
            #expect(try SQLiteMigrations.migrate(connection, through: 2) == [1, 2])
            let json = String(decoding: try JSONEncoder().encode(geometry), as: UTF8.self)
            try connection.query("INSERT INTO cameras (id, name, source, geometry, updated_at) VALUES ('door', 'Door', 'door.mp4', ?, 1800000000.0)",
                                 [.text(json)])
            try connection.query("INSERT INTO crossing_events VALUES ('a', 'door', 'door', 'in', 1, 1800000001000)")
            try connection.query("INSERT INTO crossing_events VALUES ('b', 'door', 'door', 'out', 2, 1800000002000)")
            try connection.query("INSERT INTO counting_results VALUES ('door', 'line', 'door', 1800000000, 3, 1, 0, 0, 0, 0)")
            try connection.query("INSERT INTO camera_events VALUES ('door', 1800000000000, 'connecting', NULL)")
            try connection.query("INSERT INTO camera_events VALUES ('door', 1800000000000, 'online', 'first frame')")
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.migrate() == [])
        let door = Camera(id: "door", name: "Door", source: "door.mp4", geometry: geometry)
        #expect(try await store.cameras() == [door])
        #expect(try await store.geometryVersions(cameraID: "door") == [
            GeometryVersion(cameraID: "door", version: 1, geometry: geometry, created: minute),
        ])
        #expect(try await store.crossings(cameraID: "door", from: .distantPast, to: .distantFuture) == [
            CrossingRecord(id: "a", cameraID: "door", line: "door", direction: .in, trackID: 1, time: minute.addingTimeInterval(1)),
            CrossingRecord(id: "b", cameraID: "door", line: "door", direction: .out, trackID: 2, time: minute.addingTimeInterval(2)),
        ])
        let series = try await store.countSeries(cameraID: "door", from: minute, to: minute.addingTimeInterval(60), bucket: .minute)
        #expect(series.lines["door"] == [.init(start: minute, countIn: 3, countOut: 1)])
        // Events of the same time keep their order: the later one first.
        let events = try await store.cameraEvents(cameraID: "door", from: .distantPast, to: .distantFuture, limit: 10)
        #expect(events.map(\.status) == [.online, .connecting])
        #expect(try await store.tenants() == [Tenant(id: Tenant.defaultID, name: "Default")])

        // The migrated camera is managed like any other.
        let audit = AuditEntry(time: minute, username: "system", action: "geometry.set", target: "camera:door")
        var moved = geometry
        moved.lines[0].b = Point(x: 20, y: 0)
        #expect(try await store.setGeometry(cameraID: "door", geometry: moved, audit: audit).version == 2)
        #expect(try await store.insertCrossings([
            CrossingRecord(id: "c", cameraID: "door", line: "door", direction: .in, trackID: 3, time: minute.addingTimeInterval(3),
                           geometryVersion: 2),
        ]) == 1)
    }

    @Test func theAuditTrailRefusesChangesAndRemovals() async throws {
        let path = try temporaryPath()
        let store = try SQLiteStore(path: path)
        let entry = AuditEntry(time: minute, username: "system", action: "site.save", target: "site:lobby")
        try await store.saveSite(Site(id: "lobby", name: "Lobby"), audit: entry)
        let connection = try SQLiteConnection(path: path)
        let refused = StorageError.backend(operation: "query", reason: "the audit trail is append-only")
        #expect(throws: refused) { try connection.query("UPDATE audit_logs SET action = 'site.delete'") }
        #expect(throws: refused) { try connection.query("DELETE FROM audit_logs") }
        #expect(try await store.auditEntries(AuditQuery()) == [entry])
    }
}

/// Applied migrations must never change: these pins fail when one is edited by mistake.
struct MigrationChecksumTests {
    @Test func sqliteMigrationsArePinned() {
        #expect(SQLiteMigrations.all.map(\.checksum) == ["57aa01f73922755a", "35ab08f0c4500f8b", "100bf389767aec89", "ed8dc5c651ea71b0", "ff338516b0d7df65", "a9aa1bcf4f2d4dc2", "a525507f724d04c9", "f5c60154392439e8", "26b60837c9718acc", "9dbf183d091bda8d",
                                                              "c7d234228e64daa1", "64fcb07a9917a9bd"])
    }
}

/// Crossings, counts, dwell times and model figures hold no personal data: no column could
/// keep a picture or the appearance of a person (a track is a number for one pass).
struct SQLiteNoPersonalDataTests {
    @Test func countTablesHaveNoPictureOrAppearanceColumns() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path)
        for table in ["crossing_events", "counting_results", "camera_events", "model_logs"] {
            let columns = try await store.database.read { connection in
                try connection.query("SELECT name, type FROM pragma_table_info(?)", [.text(table)])
                    .map { ($0[0].string ?? "", ($0[1].string ?? "").uppercased()) }
            }
            #expect(!columns.isEmpty, "\(table) exists")
            for (name, type) in columns {
                #expect(type != "BLOB", "\(table).\(name) could hold bytes")
                #expect(!NoPersonalData.suspect(name), "\(table).\(name)")
            }
        }
    }
}

/// Names of columns that would keep a person's picture or appearance.
enum NoPersonalData {
    static func suspect(_ column: String) -> Bool {
        ["image", "picture", "jpeg", "snapshot", "appearance", "embedding", "feature", "face", "histogram"]
            .contains { column.lowercased().contains($0) }
    }
}
