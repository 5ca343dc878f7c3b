import Foundation
import FootfallApp
import Logging
import Storage
import Testing

/// PostgreSQL backups' parts that need no server: recovery targets read and written to the
/// microsecond, and the WAL archive. The whole of it, with a server, is `scripts/restore_drill.sh`.
struct FootfallAppPostgresBackupTests {
    @Test func aTargetTimeKeepsItsMicroseconds() throws {
        let date = try #require(FootfallApp.parseTime("2026-12-02T13:57:58.529431Z"))
        #expect(FootfallApp.postgresTime(date) == "2026-12-02 13:57:58.529431+00")
        let offset = try #require(FootfallApp.parseTime("2026-12-02T14:57:58+01:00"))
        #expect(FootfallApp.postgresTime(offset) == "2026-12-02 13:57:58.000000+00")
        for bad in ["2026-12-02", "2026-12-02T13:57:58.1234567Z", "yesterday", "2026-12-02T13:57:58.Z"] {
            #expect(FootfallApp.parseTime(bad) == nil, "\(bad)")
        }
    }

    /// `footfall wal push` and `fetch`, as PostgreSQL's archive and restore commands call them.
    @Test func aWALFileIsArchivedOnceFetchedBackAndNeverReplacedByOtherBytes() async throws {
        let folder = NSTemporaryDirectory() + "footfall-wal-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/pg_wal", withIntermediateDirectories: true)
        let configuration = try FootfallConfiguration.load(commandLine: ["data-dir": folder], environment: [:])
        let logger = Logger(label: "test.wal")
        let segment = folder + "/pg_wal/000000010000000000000003"
        let bytes = Data((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try bytes.write(to: URL(fileURLWithPath: segment))
        let archive = folder + "/archive"
        try await FootfallApp.pushWAL(path: segment, to: archive, configuration: configuration, logger: logger)
        // PostgreSQL may push the same file again after a crash: that is fine.
        try await FootfallApp.pushWAL(path: segment, to: archive, configuration: configuration, logger: logger)
        try Data("other".utf8).write(to: URL(fileURLWithPath: segment))
        await #expect(throws: StorageError.self) {
            try await FootfallApp.pushWAL(path: segment, to: archive, configuration: configuration, logger: logger)
        }
        let back = folder + "/restored"
        #expect(try await FootfallApp.fetchWAL(name: "000000010000000000000003", to: back, from: archive,
                                               configuration: configuration, logger: logger))
        #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == bytes, "the first bytes, not the refused ones")
        #expect(try await !FootfallApp.fetchWAL(name: "000000010000000000000004", to: back, from: archive,
                                                configuration: configuration, logger: logger))
    }
}
