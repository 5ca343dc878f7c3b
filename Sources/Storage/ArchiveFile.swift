import Crypto
import Foundation

/// A month of one tenant's rows of one table, kept in the file store as gzip JSON lines
/// (`archives/<tenant>/<table>/<month>.<hash>.jsonl.gz`) and listed in `files` as
/// `<table>-<month>.jsonl.gz`: what retention writes before rows leave the database.
public enum ArchiveFile {
    /// The name an archive of `table`'s `month` (`2025-01`) is listed under.
    public static func name(table: String, month: String) -> String {
        "\(table)-\(month).jsonl.gz"
    }

    /// Writes `lines` (one JSON object each) compressed to `files`, reads them back to check,
    /// and returns the file to list. The key holds the content's hash: the same rows archived
    /// again make the same file.
    public static func write(_ lines: [String], tenantID: UUID, table: String, month: String, to files: any FileStore,
                             now: Date) async throws -> StoredFile {
        let body = Data((lines.joined(separator: "\n") + "\n").utf8)
        let compressed = try Gzip.compress(body)
        let sha256 = Array(SHA256.hash(data: compressed))
        let hex = sha256.map { String(format: "%02x", $0) }.joined()
        let key = "archives/\(tenantID.uuidString.lowercased())/\(table)/\(month).\(hex.prefix(12)).jsonl.gz"
        try await files.put(compressed, key: key, contentType: "application/gzip")
        guard let back = try await files.get(key: key), Array(SHA256.hash(data: back)) == sha256, try Gzip.decompress(back) == body else {
            throw StorageError.backend(operation: "archive \(table) \(month)", reason: "\(key) did not read back as written")
        }
        return StoredFile(kind: .archive, key: key, name: name(table: table, month: month), contentType: "application/gzip",
                          size: compressed.count, sha256: sha256, created: now)
    }

    /// The lines of a listed archive, read from `files` and checked against its SHA-256.
    public static func read(_ file: StoredFile, from files: any FileStore) async throws -> [String] {
        guard let data = try await files.get(key: file.key) else {
            throw StorageError.notFound(field: "archive", reason: "\(file.key) is listed but not in the file store")
        }
        guard Array(SHA256.hash(data: data)) == file.sha256 else {
            throw StorageError.backend(operation: "restore \(file.key)", reason: "its SHA-256 is not the one listed")
        }
        return String(decoding: try Gzip.decompress(data), as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
