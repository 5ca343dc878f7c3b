import Storage

/// One versioned schema change. Applied migrations must never change: add a new one.
struct SQLiteMigration: Sendable {
    var version: Int
    var name: String
    var sql: String

    /// FNV-1a 64 of the SQL text, stored when applied and compared on every later run.
    var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

enum SQLiteMigrations {
    static let all: [SQLiteMigration] = [
        SQLiteMigration(version: 1, name: "cameras, crossings and counting results", sql: """
            CREATE TABLE cameras (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                source TEXT NOT NULL,
                geometry TEXT NOT NULL,
                updated_at REAL NOT NULL
            );
            CREATE TABLE crossing_events (
                id TEXT PRIMARY KEY,
                camera_id TEXT NOT NULL REFERENCES cameras(id),
                line TEXT NOT NULL,
                direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                track_id INTEGER NOT NULL,
                time_ms INTEGER NOT NULL
            );
            CREATE INDEX crossing_events_camera_time ON crossing_events (camera_id, time_ms);
            CREATE TABLE counting_results (
                camera_id TEXT NOT NULL REFERENCES cameras(id),
                kind TEXT NOT NULL CHECK (kind IN ('line', 'zone')),
                name TEXT NOT NULL,
                minute INTEGER NOT NULL,
                count_in INTEGER NOT NULL,
                count_out INTEGER NOT NULL,
                occupancy_min INTEGER NOT NULL,
                occupancy_max INTEGER NOT NULL,
                occupancy_sum REAL NOT NULL,
                occupancy_samples INTEGER NOT NULL,
                PRIMARY KEY (camera_id, minute, kind, name)
            ) WITHOUT ROWID;
            """),
        SQLiteMigration(version: 2, name: "camera events", sql: """
            CREATE TABLE camera_events (
                camera_id TEXT NOT NULL REFERENCES cameras(id),
                time_ms INTEGER NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('connecting', 'online', 'stalled', 'offline', 'failed')),
                reason TEXT
            );
            CREATE INDEX camera_events_camera_time ON camera_events (camera_id, time_ms);
            """),
    ]

    /// Applies what is missing, each migration in its own transaction; returns the versions applied.
    static func migrate(_ connection: SQLiteConnection) throws(StorageError) -> [Int] {
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at REAL NOT NULL
            )
            """)
        var applied: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM schema_migrations") {
            if let version = row[0].int64, let checksum = row[1].string { applied[Int(version)] = checksum }
        }
        var done: [Int] = []
        for migration in all {
            if let checksum = applied[migration.version] {
                guard checksum == migration.checksum else {
                    throw .migrationChanged(version: migration.version, name: migration.name)
                }
                continue
            }
            try connection.transaction { () throws(StorageError) in
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, (julianday('now') - 2440587.5) * 86400.0)",
                    [.integer(Int64(migration.version)), .text(migration.name), .text(migration.checksum)])
            }
            done.append(migration.version)
        }
        return done
    }
}
