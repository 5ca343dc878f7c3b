import Foundation
import Logging
import PostgresNIO
import Storage
import StoragePostgres

/// A fresh PostgreSQL database per test on the server that `scripts/test.sh` starts
/// (`FOOTFALL_TEST_POSTGRES_URL`, a superuser URL). Without that variable the PostgreSQL
/// tests are skipped — except in CI, where they must run.
public enum PostgresTestDatabase {
    public static let adminURL = ProcessInfo.processInfo.environment["FOOTFALL_TEST_POSTGRES_URL"]
    public static var available: Bool { adminURL != nil || ProcessInfo.processInfo.environment["CI"] == "true" }
    public static let logger = Logger(label: "test.postgres")

    public static func adminConfiguration(database: String? = nil, username: String? = nil, password: String? = nil)
        throws -> PostgresConnection.Configuration
    {
        guard let adminURL, let components = URLComponents(string: adminURL), let host = components.host else {
            throw StorageError.invalidInput(field: "FOOTFALL_TEST_POSTGRES_URL", reason: "not set; run the tests with scripts/test.sh")
        }
        return PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: username ?? components.user ?? "postgres",
            password: password ?? components.password, database: database ?? "postgres", tls: .disable)
    }

    /// Runs SQL as the superuser on `database`: statements separated by `;`, none containing one.
    public static func admin(_ sql: String, database: String = "postgres") async throws {
        let connection = try await PostgresConnection.connect(
            configuration: adminConfiguration(database: database), id: 1, logger: logger)
        defer { Task { try? await connection.close() } }
        // One statement at a time: the extended protocol takes no more.
        for statement in sql.split(separator: ";") where !statement.allSatisfy(\.isWhitespace) {
            _ = try await connection.query(PostgresQuery(unsafeSQL: String(statement)), logger: logger).collect()
        }
    }

    public static func storeConfiguration(database: String, username: String? = nil, password: String? = nil,
                                   tenant: UUID = PostgresStoreConfiguration.defaultTenantID, key: [UInt8]) throws
        -> PostgresStoreConfiguration
    {
        let base = try adminConfiguration()
        let user = username ?? base.username
        let secret = (password ?? base.password).map { ":\($0)" } ?? ""
        return try PostgresStoreConfiguration(
            url: "postgres://\(user)\(secret)@\(base.host ?? "127.0.0.1"):\(base.port ?? 5432)/\(database)?sslmode=disable",
            secretKey: key, tenantID: tenant)
    }

    /// Creates a database, migrates it, runs `body` with a store on it, and drops it.
    public static func withStore<T: Sendable>(
        tenant: UUID = PostgresStoreConfiguration.defaultTenantID, _ body: (PostgresStore, String) async throws -> T
    ) async throws -> T {
        let database = "footfall_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await admin("CREATE DATABASE \(database)")
        let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let store = PostgresStore(configuration: try storeConfiguration(database: database, tenant: tenant, key: key),
                                  logger: logger)
        let result = try await withRunning(store) {
            _ = try await store.migrate()
            return try await body(store, database)
        }
        try? await admin("DROP DATABASE \(database) WITH (FORCE)")
        return result
    }

    /// Runs `body` while `store`'s connection pool runs.
    @discardableResult
    public static func withRunning<T: Sendable>(_ store: PostgresStore, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await store.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
