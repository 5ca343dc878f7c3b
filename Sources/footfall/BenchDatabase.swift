import ArgumentParser
import Foundation
import Logging
import StoragePostgres

/// The PostgreSQL store the database benchmarks run on: migrated, its pool running meanwhile.
enum BenchDatabase {
    static func withMigratedStore(
        url: String?, statementTimeoutMilliseconds: Int? = nil, _ body: @escaping @Sendable (PostgresStore) async throws -> Void
    ) async throws {
        guard var url = url ?? ProcessInfo.processInfo.environment["FOOTFALL_DATABASE_URL"] else {
            throw ValidationError("--database-url: a PostgreSQL URL is needed")
        }
        if let statementTimeoutMilliseconds {
            url += (url.contains("?") ? "&" : "?") + "statement_timeout=\(statementTimeoutMilliseconds)"
        }
        var logger = Logger(label: "footfall.bench")
        logger.logLevel = .error
        // The benchmarks store nothing secret; any key will do.
        let configuration = try PostgresStoreConfiguration(url: url, secretKey: Array(repeating: 1, count: 32))
        let store = PostgresStore(configuration: configuration, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            _ = try await store.migrate()
            try await body(store)
        }
    }
}
