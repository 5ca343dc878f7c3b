import Foundation
import Storage

// Signing in comes before the tenant is known: these statements look across every tenant.
extension SQLiteStore {
    public func user(username: String) async throws -> User? {
        try await database.read { connection in
            try connection.query("SELECT \(Self.userColumns) FROM users WHERE username = ?", [.text(username)]).first.map(Self.userRow)
        }
    }

    public func authenticate(tokenHash: [UInt8], at now: Date) async throws -> (credential: Credential, user: User)? {
        let columns = Self.credentialColumns.split(separator: ", ").map { "c.\($0)" }.joined(separator: ", ")
            + ", " + Self.userColumns.split(separator: ", ").map { "u.\($0)" }.joined(separator: ", ")
        let rows = try await database.read { connection in
            try connection.query("""
                SELECT \(columns) FROM credentials c JOIN users u ON u.id = c.user_id
                WHERE c.token_hash = ? AND (c.expires_ms IS NULL OR c.expires_ms > ?)
                """, [.blob(tokenHash), .integer(Self.milliseconds(now))])
        }
        guard let row = rows.first else { return nil }
        return (Self.credentialRow(Array(row[0..<9])), try Self.userRow(Array(row[9...])))
    }

    public func hasUsers() async throws -> Bool {
        try await database.read { connection in
            try !connection.query("SELECT 1 FROM users LIMIT 1").isEmpty
        }
    }

    public func deleteExpiredCredentials(before date: Date) async throws -> Int {
        try await database.write { connection in
            try connection.query("DELETE FROM credentials WHERE expires_ms IS NOT NULL AND expires_ms < ?",
                                 [.integer(Self.milliseconds(date))])
            return connection.changes
        }
    }
}
