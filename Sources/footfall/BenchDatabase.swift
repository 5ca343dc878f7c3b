import ArgumentParser
import FootfallApp
import Foundation
import Logging
import StoragePostgres

/// The PostgreSQL store the database benchmarks run on: migrated, its pool running meanwhile.
enum BenchDatabase {
    /// The benchmarks store nothing secret; any key will do.
    static let benchmarkKey = Data(repeating: 1, count: 32).base64EncodedString()

    static func withMigratedStore(
        statementTimeoutMilliseconds: Int? = nil, _ body: @escaping @Sendable (PostgresStore) async throws -> Void
    ) async throws {
        // A secret is read from the environment only, never from the command line.
        var environment = ProcessInfo.processInfo.environment
        if environment[Settings.secretKey.environmentVariable] == nil {
            environment[Settings.secretKey.environmentVariable] = benchmarkKey
        }
        let configuration = try FootfallConfiguration.load(commandLine: [:], environment: environment)
        guard var url = configuration.databaseURL else {
            throw ValidationError("FOOTFALL_DATABASE_URL: a PostgreSQL URL is needed")
        }
        if let statementTimeoutMilliseconds {
            url += (url.contains("?") ? "&" : "?") + "statement_timeout=\(statementTimeoutMilliseconds)"
        }
        var logger = Logger(label: "footfall.bench")
        logger.logLevel = .error
        let store = PostgresStore(
            configuration: try PostgresStoreConfiguration(url: url, secretKey: configuration.secretKey ?? []), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            _ = try await store.migrate()
            try await body(store)
        }
    }
}
