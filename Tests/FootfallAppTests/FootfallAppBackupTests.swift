import Foundation
import FootfallApp
import Logging
import Storage
import StorageS3
import StorageSQLite
import StorageTestSupport
import Testing

/// `footfall backup` and `footfall restore` with the configuration `serve` uses: to a file and
/// to S3 and back, and refused where they cannot work.
struct FootfallAppBackupTests {
    static let logger = Logger(label: "test.backup")

    static func embedded() throws -> (FootfallConfiguration, String) {
        let folder = NSTemporaryDirectory() + "footfall-app-backup-\(UUID().uuidString.prefix(8))"
        return (try FootfallConfiguration.load(commandLine: ["data-dir": folder], environment: [:]), folder)
    }

    static func seed(_ configuration: FootfallConfiguration, site: String) async throws {
        let store = try FootfallApp.openStore(dataDirectory: configuration.dataDirectory)
        try await store.saveSite(Site(id: site, name: site), audit: AuditEntry(
            time: Date(timeIntervalSince1970: 1_800_000_000), username: "system", action: "test", target: "test"))
    }

    static func sites(_ configuration: FootfallConfiguration) async throws -> [String] {
        try await FootfallApp.openStore(dataDirectory: configuration.dataDirectory).sites().map(\.id).sorted()
    }

    @Test func aBackupToAFileRestoresWhatWasThereThen() async throws {
        let (configuration, folder) = try Self.embedded()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Self.seed(configuration, site: "shop")
        let path = folder + "/backups/monday.sqlite"
        let report = try await FootfallApp.backup(configuration: configuration, to: path, logger: Self.logger)
        #expect(report.size > 0 && report.sha256.count == 64 && report.summary.tenants >= 1)
        await #expect(throws: StorageError.self) { try await FootfallApp.backup(configuration: configuration, to: path, logger: Self.logger) }

        try await Self.seed(configuration, site: "depot")
        #expect(try await Self.sites(configuration) == ["depot", "shop"])
        let (_, kept) = try await FootfallApp.restore(configuration: configuration, from: path, logger: Self.logger)
        #expect(try await Self.sites(configuration) == ["shop"], "the depot came after the backup")
        #expect(kept.map { FileManager.default.fileExists(atPath: $0) } == true)
    }

    @Test(.enabled(if: S3TestServer.available, "needs FOOTFALL_TEST_S3_URL (scripts/test.sh starts an S3 server)"))
    func aBackupToS3RestoresWhatWasThereThen() async throws {
        let (local, folder) = try Self.embedded()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let s3 = try S3TestServer.configuration()
        let endpoint = "\(s3.scheme)://\(s3.host)/\(s3.bucket)"
        let configuration = try FootfallConfiguration.load(commandLine: ["data-dir": folder, "s3-url": endpoint], environment: [
            "FOOTFALL_S3_ACCESS_KEY_ID": s3.credentials.accessKeyID, "FOOTFALL_S3_SECRET_ACCESS_KEY": s3.credentials.secretAccessKey])
        let client = S3Client(configuration: s3, logger: Self.logger)
        try await client.createBucket()
        try await client.shutdown()
        try await Self.seed(local, site: "shop")
        let target = "s3://\(s3.bucket)/backups/footfall-monday.sqlite"
        let report = try await FootfallApp.backup(configuration: configuration, to: target, logger: Self.logger)
        try await Self.seed(local, site: "depot")
        let (summary, _) = try await FootfallApp.restore(configuration: configuration, from: target, logger: Self.logger)
        #expect(summary == report.summary)
        #expect(try await Self.sites(local) == ["shop"])
        await #expect(throws: StorageError.self) {
            try await FootfallApp.restore(configuration: configuration, from: "s3://\(s3.bucket)/backups/none.sqlite", logger: Self.logger)
        }
    }

    @Test func whatCannotWorkIsRefusedNamingTheSetting() async throws {
        let (configuration, folder) = try Self.embedded()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func field(_ body: () async throws -> Void) async -> String? {
            do {
                try await body()
                return nil
            } catch StorageError.invalidInput(let field, _) {
                return field
            } catch {
                return "\(error)"
            }
        }
        #expect(await field { _ = try await FootfallApp.backup(configuration: configuration, to: "s3://bucket/a", logger: Self.logger) }
            == "s3-url")
        #expect(await field { _ = try await FootfallApp.backup(configuration: configuration, to: "s3://bucket", logger: Self.logger) }
            == "to")
        #expect(await field { _ = try await FootfallApp.restore(configuration: configuration, from: folder + "/none", logger: Self.logger) }
            == "from")
        var postgres = configuration
        postgres.databaseURL = "postgres://footfall@127.0.0.1/footfall"
        #expect(await field { _ = try await FootfallApp.backup(configuration: postgres, to: folder + "/b", logger: Self.logger) }
            == "database-url")
    }
}
