import CountingCore
import Foundation
import Storage
import StorageSQLite
import Testing

/// A backup taken while crossings are written is one consistent snapshot that reads back, and
/// a restore puts it in place without losing the file it replaces.
struct SQLiteStoreBackupTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "footfall-backup-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func crossings(_ batch: Int, count: Int = 50) -> [CrossingRecord] {
        (0..<count).map { index in
            CrossingRecord(id: "b\(batch)-\(index)", cameraID: "door", line: "entrance", direction: index % 2 == 0 ? .in : .out,
                           trackID: index, time: Date(timeIntervalSince1970: 1_800_000_000 + Double(batch * 60 + index)))
        }
    }

    @Test func aBackupTakenWhileWritingIsOneSnapshotThatReadsBack() async throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try SQLiteStore(path: folder + "/footfall.sqlite")
        try await store.saveCamera(Camera(id: "door", name: "Door", source: "external", geometry: Geometry(
            lines: [CountingLine(name: "entrance", a: Point(x: 0, y: 0), b: Point(x: 9, y: 0))])))
        _ = try await store.insertCrossings(Self.crossings(0))
        let backup = folder + "/backup.sqlite"
        let (during, after) = try await withThrowingTaskGroup(of: Int?.self) { group in
            group.addTask {
                for batch in 1...40 { _ = try await store.insertCrossings(Self.crossings(batch)) }
                return nil
            }
            group.addTask {
                try await store.backup(to: backup)
                return try SQLiteStore.verifyBackup(at: backup).crossings
            }
            var during = 0
            while let result = try await group.next() { if let result { during = result } }
            return (during, 41 * 50)
        }
        // Whole batches only: the snapshot lies between two of them.
        #expect(during >= 50 && during <= after && during % 50 == 0, "\(during)")
        #expect(try SQLiteStore.verifyBackup(at: backup).cameras == 1)
        await #expect(throws: StorageError.invalidInput(field: "to", reason: "\(backup) exists; a backup never replaces a file")) {
            try await store.backup(to: backup)
        }

        // Restored elsewhere, it opens as a store with exactly the snapshot's crossings.
        let restored = folder + "/restored/footfall.sqlite"
        #expect(try SQLiteStore.restore(from: backup, to: restored) == nil)
        let reopened = try SQLiteStore(path: restored)
        let rows = try await reopened.crossings(cameraID: "door", from: .distantPast, to: .distantFuture)
        #expect(rows.count == during)
    }

    @Test func aRestoreRefusesADatabaseInUseAndKeepsTheOneItReplaces() async throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let backup = folder + "/backup.sqlite"
        do {
            let source = try SQLiteStore(path: folder + "/source.sqlite")
            try await source.saveSite(Site(id: "shop", name: "Shop"), audit: AuditEntry(
                time: Date(timeIntervalSince1970: 1_800_000_000), username: "system", action: "test", target: "test"))
            try await source.backup(to: backup)
        }
        let target = folder + "/footfall.sqlite"
        var live: SQLiteStore? = try SQLiteStore(path: target)
        _ = try await live?.sites()
        #expect(throws: StorageError.self) { try SQLiteStore.restore(from: backup, to: target) }
        live = nil
        let kept = try #require(try SQLiteStore.restore(from: backup, to: target, now: Date(timeIntervalSince1970: 1_800_000_000)))
        #expect(kept == target + ".before-restore-2027-01-15T080000Z")
        #expect(FileManager.default.fileExists(atPath: kept))
        #expect(try await SQLiteStore(path: target).sites().map(\.id) == ["shop"])
    }

    @Test func whatIsNotAFootfallDatabaseIsRefusedNamingFrom() throws {
        let folder = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let garbage = folder + "/garbage.sqlite"
        #expect(FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 7, count: 8_192)))
        let missing = folder + "/missing.sqlite"
        for path in [garbage, missing] {
            do {
                _ = try SQLiteStore.verifyBackup(at: path)
                Issue.record("\(path) was accepted")
            } catch StorageError.invalidInput(let field, _) {
                #expect(field == "from")
            }
            #expect(throws: StorageError.self) { try SQLiteStore.restore(from: path, to: folder + "/footfall.sqlite") }
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/footfall.sqlite"), "nothing was put in place")
    }
}
