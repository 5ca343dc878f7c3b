import Crypto
import Foundation
import Logging
import NIOCore
import Storage
import StorageS3
import StorageSQLite

extension FootfallApp {
    /// Where a backup goes to or comes from: a local file, or an object on the configured S3
    /// server (`s3://bucket/key`, reached with `s3-url`'s address, region and key).
    enum BackupLocation: Equatable {
        case file(String)
        case s3(bucket: String, key: String)

        init(_ text: String, field: String) throws {
            guard text.hasPrefix("s3://") else {
                guard !text.isEmpty else { throw StorageError.invalidInput(field: field, reason: "a path or s3://bucket/key is needed") }
                self = .file(text)
                return
            }
            let rest = text.dropFirst("s3://".count)
            let parts = rest.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !parts[1].hasSuffix("/") else {
                throw StorageError.invalidInput(field: field, reason: "expected s3://bucket/key, not \(text)")
            }
            self = .s3(bucket: parts[0], key: parts[1])
        }
    }

    /// What `backup` wrote.
    public struct BackupReport: Sendable {
        public var location: String
        public var size: Int
        /// Lower-case hex.
        public var sha256: String
        public var summary: SQLiteStore.BackupSummary
    }

    /// `footfall backup --to`: a consistent copy of the embedded database, taken while `serve`
    /// may be running, checked readable, then written to a new local file or an S3 object.
    public static func backup(configuration: FootfallConfiguration, to target: String, logger: Logger) async throws -> BackupReport {
        try requireEmbedded(configuration)
        let location = try BackupLocation(target, field: "to")
        if case .s3 = location { try requireS3(configuration) }
        let database = databasePath(dataDirectory: configuration.dataDirectory)
        guard FileManager.default.fileExists(atPath: database) else {
            throw StorageError.invalidInput(field: "data-dir", reason: "there is no database at \(database) to back up")
        }
        let store = try openStore(dataDirectory: configuration.dataDirectory, migrate: false)
        let folder: String
        if case .file(let path) = location {
            guard !FileManager.default.fileExists(atPath: path) else {
                throw StorageError.invalidInput(field: "to", reason: "\(path) exists; a backup never replaces a file")
            }
            folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } else {
            folder = NSTemporaryDirectory()
        }
        let temporary = (folder as NSString).appendingPathComponent(".footfall-backup-\(UUID().uuidString.prefix(8)).sqlite")
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        try await store.backup(to: temporary)
        let summary = try SQLiteStore.verifyBackup(at: temporary)
        let (size, sha256) = try digest(of: temporary)
        switch location {
        case .file(let path):
            // A hard link never replaces a file that appeared meanwhile, as a rename would.
            guard link(temporary, path) == 0 else {
                throw StorageError.invalidInput(field: "to", reason: "cannot write the backup to \(path): errno \(errno) (it may exist now)")
            }
        case .s3(let bucket, let key):
            try await withS3(configuration, bucket: bucket, logger: logger) { client in
                try await client.putFile(at: temporary, key: key, contentType: "application/vnd.sqlite3")
                guard try await client.head(key: key)?.size == size else {
                    throw StorageError.backend(operation: "back up", reason: "s3://\(bucket)/\(key) does not hold the whole backup")
                }
            }
        }
        logger.info("backup.written", metadata: ["backup.location": "\(target)", "backup.bytes": "\(size)", "backup.sha256": "\(sha256)"])
        return BackupReport(location: target, size: size, sha256: sha256, summary: summary)
    }

    /// `footfall restore --from`: checks the backup, then puts it in place of the embedded
    /// database (no Footfall process may be using it). Returns where the replaced file was kept.
    public static func restore(configuration: FootfallConfiguration, from source: String, logger: Logger) async throws
        -> (summary: SQLiteStore.BackupSummary, kept: String?)
    {
        try requireEmbedded(configuration)
        let location = try BackupLocation(source, field: "from")
        if case .s3 = location { try requireS3(configuration) }
        let database = databasePath(dataDirectory: configuration.dataDirectory)
        var path = source
        var downloaded: String?
        defer { if let downloaded { try? FileManager.default.removeItem(atPath: downloaded) } }
        if case .s3(let bucket, let key) = location {
            let temporary = NSTemporaryDirectory() + ".footfall-restore-\(UUID().uuidString.prefix(8)).sqlite"
            try await withS3(configuration, bucket: bucket, logger: logger) { client in
                guard let bytes = try await client.get(key: key) else {
                    throw StorageError.invalidInput(field: "from", reason: "s3://\(bucket)/\(key) does not exist")
                }
                guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes.readableBytesView)) else {
                    throw StorageError.backend(operation: "restore", reason: "cannot write \(temporary)")
                }
            }
            downloaded = temporary
            path = temporary
        }
        let summary = try SQLiteStore.verifyBackup(at: path)
        let kept = try SQLiteStore.restore(from: path, to: database)
        logger.info("backup.restored", metadata: ["backup.location": "\(source)", "backup.kept": "\(kept ?? "none")"])
        return (summary, kept)
    }

    private static func requireEmbedded(_ configuration: FootfallConfiguration) throws {
        guard configuration.databaseURL == nil else {
            throw StorageError.invalidInput(field: "database-url", reason: """
                this copies the embedded SQLite database; PostgreSQL has backupPostgres and restorePostgres
                """)
        }
    }

    @discardableResult
    private static func requireS3(_ configuration: FootfallConfiguration) throws -> S3Configuration {
        guard let s3 = configuration.s3 else {
            throw StorageError.invalidInput(field: "s3-url", reason: "an s3:// location needs s3-url and its key, for the server's address")
        }
        return s3
    }

    /// Runs `body` with a client for `bucket` on the server of `s3-url`.
    private static func withS3<T>(_ configuration: FootfallConfiguration, bucket: String, logger: Logger,
                                  _ body: (S3Client) async throws -> T) async throws -> T {
        var s3 = try requireS3(configuration)
        s3.bucket = bucket
        s3.prefix = ""
        return try await S3Client.with(configuration: s3, logger: logger, body)
    }

    /// The size and SHA-256 (hex) of a file, read in pieces.
    private static func digest(of path: String) throws -> (Int, String) {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hasher = SHA256()
        var size = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += chunk.count
        }
        return (size, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
