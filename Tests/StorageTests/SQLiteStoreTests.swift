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
        #expect(try await store.migrate() == [1, 2, 3])
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

/// Applied migrations must never change: these pins fail when one is edited by mistake.
struct MigrationChecksumTests {
    @Test func sqliteMigrationsArePinned() {
        #expect(SQLiteMigrations.all.map(\.checksum) == ["57aa01f73922755a", "35ab08f0c4500f8b", "53cfc11dbdde1f4c"])
    }
}
