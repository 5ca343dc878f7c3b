import CountingCore
import Foundation
import Storage
import StorageSQLite
import Testing

/// Retention on the embedded database: whole months past it are archived per tenant, read
/// back, then deleted, and come back whole on request.
struct SQLiteStoreArchiveTests {
    static let tenantB = Tenant(id: UUID(uuidString: "bbbbbbbb-0000-4000-8000-000000000002")!, name: "B")
    static let january2027 = Date(timeIntervalSince1970: 1_800_000_000)
    let line = CountingLine(name: "entrance", a: Point(x: 0, y: 0), b: Point(x: 9, y: 0))

    @Test func anExpiredMonthIsArchivedPerTenantThenDeletedAndComesBackWhole() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-sqlite-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = LocalFileStore(directory: folder.appendingPathComponent("files"))
        let store = try SQLiteStore(path: folder.appendingPathComponent("footfall.sqlite").path)
        try await store.saveTenant(Self.tenantB)
        let other = store.scoped(to: Self.tenantB.id)
        try await store.saveCamera(Camera(id: "door", name: "Door", source: "external", geometry: Geometry(lines: [line])))
        try await other.saveCamera(Camera(id: "yard", name: "Yard", source: "external", geometry: Geometry(lines: [line])))
        let old = Date(timeIntervalSince1970: 1_704_067_200 + 3_600 * 10)  // 2024-01-01 10:00
        let recent = Self.january2027.addingTimeInterval(-86_400)
        func crossing(_ id: String, _ camera: String, _ time: Date) -> CrossingRecord {
            CrossingRecord(id: id, cameraID: camera, line: "entrance", direction: .in, trackID: 1, time: time)
        }
        _ = try await store.insertCrossings((0..<3).map { crossing("a\($0)", "door", old.addingTimeInterval(Double($0) * 60)) }
                                            + [crossing("fresh", "door", recent)])
        _ = try await other.insertCrossings([crossing("b0", "yard", old)])
        try await store.addCountingResults([CountingResult(cameraID: "door", kind: .zone, name: "queue", minute: old, dwellSeconds: [12.5, 40])])
        let month = (from: old.addingTimeInterval(-86_400), to: old.addingTimeInterval(86_400))
        let before = try await store.crossings(cameraID: "door", from: month.from, to: month.to)
        let dwellBefore = try await store.dwellSamples(cameraID: "door", zone: "queue", from: month.from, to: month.to)

        let archived = try await store.archiveExpiredMonths(now: Self.january2027, to: files)
        #expect(Set(archived.map { "\($0.table) \($0.month) \($0.rows)" })
            == ["crossing_events 2024-01 3", "crossing_events 2024-01 1", "counting_results 2024-01 1"])
        #expect(try await store.crossings(cameraID: "door", from: month.from, to: month.to).isEmpty)
        #expect(try await store.crossings(cameraID: "door", from: recent, to: recent.addingTimeInterval(1)).count == 1, "a recent one stays")
        #expect(try await other.files(kind: .archive, siteIDs: nil, limit: 10).map(\.name) == ["crossing_events-2024-01.jsonl.gz"])

        #expect(try await store.restoreArchivedMonth(table: "crossing_events", month: "2024-01", from: files, now: Self.january2027) == 4)
        #expect(try await store.restoreArchivedMonth(table: "counting_results", month: "2024-01", from: files, now: Self.january2027) == 1)
        #expect(try await store.crossings(cameraID: "door", from: month.from, to: month.to) == before)
        #expect(try await store.dwellSamples(cameraID: "door", zone: "queue", from: month.from, to: month.to) == dwellBefore)
        #expect(try await store.restoreArchivedMonth(table: "crossing_events", month: "2024-01", from: files, now: Self.january2027) == 0)
        // Kept for a week from retention, then archived (the same file) and deleted again.
        #expect(try await store.archiveExpiredMonths(now: Self.january2027, to: files).filter { $0.table == "crossing_events" }.isEmpty)
        #expect(try await store.archiveExpiredMonths(now: Self.january2027.addingTimeInterval(8 * 86_400), to: files)
            .filter { $0.table == "crossing_events" }.count == 2)
        #expect(try await store.files(kind: .archive, siteIDs: nil, limit: 10).count == 2, "the same rows, the same file")
        await #expect(throws: StorageError.self) {
            _ = try await store.restoreArchivedMonth(table: "audit_logs", month: "2024-01", from: files, now: Self.january2027)
        }
    }
}
