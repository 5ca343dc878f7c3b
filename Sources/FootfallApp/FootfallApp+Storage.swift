import Foundation
import Logging
import ServiceLifecycle
import Storage
import StoragePostgres
import StorageSQLite

extension FootfallApp {
    /// The system of record chosen by configuration, and the services it needs running.
    public struct StoreSetup: Sendable {
        public var store: any FootfallStore
        public var services: [any Service]
        /// Where the data lives, for logs (no password).
        public var description: String
    }

    /// PostgreSQL when `database-url` is set, else the SQLite file in the data directory.
    /// Applies missing migrations first when `migrate` is on, then runs `prepare` on the store
    /// (for start-up writes, before the service group runs) and returns what it returns.
    public static func openStore<T: Sendable>(
        configuration: FootfallConfiguration, migrate: Bool, logger: Logger, archive: (any FileStore)? = nil,
        prepare: @escaping @Sendable (any FootfallStore) async throws -> T
    ) async throws -> (setup: StoreSetup, prepared: T) {
        let days = configuration.retentionDays
        var retention = Retention()
        retention.crossings = .seconds(days.crossings * 86_400)
        retention.countingResults = .seconds(days.minutes * 86_400)
        retention.cameraEvents = .seconds(days.cameraEvents * 86_400)
        retention.auditLogs = .seconds(days.audit * 86_400)
        guard let url = configuration.databaseURL else {
            let store = try openStore(dataDirectory: configuration.dataDirectory, migrate: migrate)
            let services: [any Service] = archive.map { [SQLiteRetentionService(store: store, retention: retention, archive: $0, logger: logger)] } ?? []
            return (StoreSetup(store: store, services: services, description: store.path), try await prepare(store))
        }
        let postgres = try PostgresStoreConfiguration(url: url, secretKey: configuration.secretKey ?? [],
                                                      previousSecretKeys: configuration.previousSecretKeys)
        let prepared = try await withTemporaryPostgres(postgres, logger: logger) { store in
            if migrate { _ = try await store.migrate() }
            return try await prepare(store)
        }
        let replica = try configuration.databaseReadURL.map {
            try PostgresStoreConfiguration(url: $0, secretKey: postgres.secretKey, previousSecretKeys: postgres.previousSecretKeys,
                                           tenantID: postgres.tenantID)
        }
        let store = PostgresStore(configuration: postgres, readReplica: replica, logger: logger)
        let maintenance = PostgresMaintenanceService(store: store, retention: retention, archive: archive, logger: logger)
        return (StoreSetup(store: store, services: [store, maintenance],
                           description: postgres.redactedDescription), prepared)
    }

    /// Runs `body` with a PostgreSQL store whose connection pool runs only meanwhile: for
    /// work before the service group starts (migrations, start-up writes).
    static func withTemporaryPostgres<T: Sendable>(
        _ configuration: PostgresStoreConfiguration, logger: Logger,
        _ body: @escaping @Sendable (PostgresStore) async throws -> T
    ) async throws -> T {
        let store = PostgresStore(configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await store.run()
                return nil
            }
            group.addTask { try await body(store) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw StorageError.backend(operation: "start", reason: "the connection pool stopped")
        }
    }

    /// `footfall migrate`: applies missing migrations to the configured store; returns their versions.
    public static func migrate(configuration: FootfallConfiguration, logger: Logger) async throws -> [Int] {
        if let url = configuration.databaseURL {
            let postgres = try PostgresStoreConfiguration(url: url, secretKey: configuration.secretKey ?? [],
                                                      previousSecretKeys: configuration.previousSecretKeys)
            return try await withTemporaryPostgres(postgres, logger: logger) { try await $0.migrate() }
        }
        return try await migrate(dataDirectory: configuration.dataDirectory)
    }
}

extension FootfallApp {
    /// `footfall keys rotate`: seals every camera source in PostgreSQL with `secret-key` again,
    /// reading the old ones with `previous-secret-keys`; returns how many were sealed again.
    public static func rotateKeys(configuration: FootfallConfiguration, logger: Logger) async throws -> Int {
        guard let url = configuration.databaseURL else {
            throw StorageError.invalidInput(field: "database-url", reason: "only PostgreSQL seals camera sources; the embedded database has no key")
        }
        let postgres = try PostgresStoreConfiguration(url: url, secretKey: configuration.secretKey ?? [],
                                                      previousSecretKeys: configuration.previousSecretKeys)
        return try await withTemporaryPostgres(postgres, logger: logger) { try await $0.resealCameraSources() }
    }
}
