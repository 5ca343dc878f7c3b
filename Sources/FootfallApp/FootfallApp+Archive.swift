import Foundation
import Logging
import Storage
import StoragePostgres
import StorageS3

extension FootfallApp {
    /// One archived month of one tenant's table, as `footfall archive list` shows it.
    public struct ArchiveItem: Sendable {
        public var tenant: String
        public var file: StoredFile
    }

    /// `footfall archive list`: every tenant's archived months, oldest name first.
    public static func listArchives(configuration: FootfallConfiguration, logger: Logger) async throws -> [ArchiveItem] {
        try await withStore(configuration: configuration, logger: logger) { store in
            var items: [ArchiveItem] = []
            for tenant in try await store.tenants() {
                for file in try await store.scoped(to: tenant.id).files(kind: .archive, siteIDs: nil, limit: 10_000) {
                    items.append(ArchiveItem(tenant: tenant.name, file: file))
                }
            }
            return items.sorted { ($0.file.name, $0.tenant) < ($1.file.name, $1.tenant) }
        }
    }

    /// `footfall archive restore MONTH`: brings an archived month (`2025-01`) of `table`, or of
    /// every archived table, back into the database for a week; returns the rows inserted per table.
    public static func restoreArchive(configuration: FootfallConfiguration, month: String, table: String?, logger: Logger) async throws
        -> [(table: String, rows: Int)]
    {
        guard let url = configuration.databaseURL else {
            let tables = table.map { [$0] } ?? ["crossing_events", "counting_results", "camera_events"]
            let store = try openStore(dataDirectory: configuration.dataDirectory)
            let files = openFiles(configuration: configuration, logger: logger)
            do {
                var restored: [(table: String, rows: Int)] = []
                for table in tables {
                    restored.append((table, try await store.restoreArchivedMonth(table: table, month: month, from: files.store, now: Date())))
                }
                await closeFiles(files.services)
                return restored
            } catch {
                await closeFiles(files.services)
                throw error
            }
        }
        let postgres = try PostgresStoreConfiguration(url: url, secretKey: configuration.secretKey ?? [],
                                                      previousSecretKeys: configuration.previousSecretKeys)
        let tables = table.map { [$0] } ?? ["crossing_events", "counting_results", "camera_events", "audit_logs", "model_logs"]
        let files = openFiles(configuration: configuration, logger: logger)
        do {
            let restored = try await withTemporaryPostgres(postgres, logger: logger) { store in
                var restored: [(String, Int)] = []
                for table in tables {
                    restored.append((table, try await store.restoreArchivedMonth(table: table, month: month, from: files.store, now: Date())))
                }
                return restored
            }
            await closeFiles(files.services)
            return restored.map { (table: $0.0, rows: $0.1) }
        } catch {
            await closeFiles(files.services)
            throw error
        }
    }
}
