import Foundation
import Storage

extension SQLiteStore {
    /// What a backup file holds, as `verifyBackup` found it.
    public struct BackupSummary: Sendable, Hashable {
        /// The newest migration applied in it.
        public var schemaVersion: Int
        public var tenants: Int
        public var cameras: Int
        public var crossings: Int
        public var countingResults: Int
    }

    /// Writes a consistent copy of the whole database (every tenant) to `path`, a new file,
    /// while the store goes on serving: SQLite's `VACUUM INTO` copies one snapshot, compacted.
    /// This store's own writes wait while it runs (they share one connection); another
    /// process's go on (WAL mode).
    public func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StorageError.invalidInput(field: "to", reason: "\(path) exists; a backup never replaces a file")
        }
        try await database.read { connection in
            try connection.query("VACUUM INTO ?", [.text(path)])
        }
    }

    /// Opens the SQLite file at `path` (a backup) and checks it: SQLite's integrity check
    /// passes, and its schema is one this Footfall knows. Throws `invalidInput` naming `from`
    /// otherwise. The file is not changed.
    public static func verifyBackup(at path: String) throws -> BackupSummary {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw StorageError.invalidInput(field: "from", reason: "\(path) cannot be read")
        }
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path, readOnly: true)
        } catch {
            throw StorageError.invalidInput(field: "from", reason: "\(path) is not a SQLite database: \(error)")
        }
        func integer(_ sql: String) throws -> Int {
            guard case .integer(let value) = try connection.query(sql).first?.first ?? .null else { return 0 }
            return Int(value)
        }
        do {
            let check = try connection.query("PRAGMA integrity_check")
            guard check.count == 1, case .text("ok") = check[0].first ?? .null else {
                throw StorageError.invalidInput(field: "from", reason: "\(path) fails SQLite's integrity check")
            }
            let version = try integer("SELECT MAX(version) FROM schema_migrations")
            let known = SQLiteMigrations.all.map(\.version).max() ?? 0
            guard (1...known).contains(version) else {
                throw StorageError.invalidInput(field: "from", reason: "\(path) has schema version \(version); this Footfall knows 1 to \(known)")
            }
            return BackupSummary(schemaVersion: version, tenants: try integer("SELECT COUNT(*) FROM tenants"),
                                 cameras: try integer("SELECT COUNT(*) FROM cameras"), crossings: try integer("SELECT COUNT(*) FROM crossing_events"),
                                 countingResults: try integer("SELECT COUNT(*) FROM counting_results"))
        } catch let error as StorageError {
            if case .invalidInput = error { throw error }
            throw StorageError.invalidInput(field: "from", reason: "\(path) cannot be read as a Footfall database: \(error)")
        }
    }

    /// Puts the backup at `backupPath` in place of the database at `path`, which no process may
    /// have open (stop `serve` and the workers first). The backup is checked first; the file it
    /// replaces is kept beside it as `<path>.before-restore-<time>`, so nothing is lost.
    /// Returns where the replaced file went, if there was one.
    @discardableResult
    public static func restore(from backupPath: String, to path: String, now: Date = Date()) throws -> String? {
        _ = try verifyBackup(at: backupPath)
        let manager = FileManager.default
        // An open database has its shared-memory file, and one not closed cleanly a write-ahead
        // log holding its last writes: replacing the file under either would lose them or worse.
        let walSize = ((try? manager.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber)?.intValue ?? 0
        if walSize > 0 || manager.fileExists(atPath: path + "-shm") {
            throw StorageError.invalidInput(field: "to", reason: """
                \(path) is in use or was not closed cleanly (it has a write-ahead log): stop every Footfall process using it, \
                run `footfall migrate` once to close it cleanly, and restore again
                """)
        }
        let folder = (path as NSString).deletingLastPathComponent
        try manager.createDirectory(atPath: folder.isEmpty ? "." : folder, withIntermediateDirectories: true)
        let temporary = path + ".restoring-\(UUID().uuidString.prefix(8))"
        try manager.copyItem(atPath: backupPath, toPath: temporary)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: temporary))
        try handle.synchronize()
        try handle.close()
        var kept: String?
        if manager.fileExists(atPath: path) {
            let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
            kept = "\(path).before-restore-\(stamp)"
            try manager.moveItem(atPath: path, toPath: kept!)
            try? manager.removeItem(atPath: path + "-shm")
            try? manager.removeItem(atPath: path + "-wal")
        }
        guard rename(temporary, path) == 0 else {
            throw StorageError.backend(operation: "restore", reason: "cannot move the backup into place at \(path): errno \(errno)")
        }
        return kept
    }
}
