import Foundation
import Storage
import StoragePostgres
import StorageSQLite
import Testing

/// A store backend for tests that must hold on every one: in memory, SQLite in a temporary
/// file, and PostgreSQL in a fresh database on the server `scripts/test.sh` starts.
public enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite
    case postgres

    public var testDescription: String { rawValue }

    /// The backends that can run here: PostgreSQL needs the server `scripts/test.sh` starts.
    public static var available: [StoreBackend] {
        PostgresTestDatabase.available ? allCases : [.memory, .sqlite]
    }

    /// Runs `body` with a fresh, empty store of this backend.
    public func withStore(_ body: (any FootfallStore) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(InMemoryStore())
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(try SQLiteStore(path: directory.appendingPathComponent("store.sqlite").path))
        case .postgres:
            try await PostgresTestDatabase.withStore { store, _ in try await body(store) }
        }
    }
}
