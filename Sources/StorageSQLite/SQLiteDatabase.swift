import Storage

/// One SQLite file and its one connection, shared by the store of every tenant.
///
/// Each call runs alone on this actor, so a transaction is never interleaved with another
/// tenant's statements.
actor SQLiteDatabase {
    private let connection: SQLiteConnection

    /// Opens (creating if needed) the database at `path`.
    /// - Parameter migrate: apply missing migrations now.
    init(path: String, migrate: Bool) throws {
        connection = try SQLiteConnection(path: path)
        if migrate { _ = try SQLiteMigrations.migrate(connection) }
    }

    /// Applies missing migrations; returns the versions applied now.
    func migrate() throws -> [Int] {
        try SQLiteMigrations.migrate(connection)
    }

    /// Runs `body` with the connection, outside any transaction: for single statements.
    func read<T: Sendable>(_ body: @Sendable (SQLiteConnection) throws -> T) throws -> T {
        try body(connection)
    }

    /// Runs `body` in one transaction: all of it is stored, or none of it.
    func write<T: Sendable>(_ body: @Sendable (SQLiteConnection) throws -> T) throws -> T {
        try connection.transaction { try body(connection) }
    }
}
