import Foundation

/// Where file bytes live: a local directory (`LocalFileStore`), an S3 bucket (`S3FileStore`),
/// or memory in tests. Keys are
/// checked by `StoredFile.validate(key:)`.
public protocol FileStore: Sendable {
    /// Stores `data` under `key`, replacing what was there; returns once it is written (for a
    /// local directory: synced to disk, the directory too).
    func put(_ data: Data, key: String, contentType: String) async throws
    /// The bytes under `key`; nil when there are none.
    func get(key: String) async throws -> Data?
    /// Removes `key`; removing a missing key is not an error.
    func delete(key: String) async throws
    /// A link that reads `key` directly from where it is kept (an S3 presigned URL), valid for
    /// `expiresIn`; nil when the store has none and the server sends the bytes itself.
    func downloadURL(key: String, expiresIn: Duration) async throws -> String?
}

extension FileStore {
    /// None: the server sends the bytes itself.
    public func downloadURL(key: String, expiresIn: Duration) async throws -> String? { nil }
}
