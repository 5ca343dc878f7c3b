import Foundation

/// Where file bytes live: a local directory (`LocalFileStore`), or memory in tests. Keys are
/// checked by `StoredFile.validate(key:)`.
public protocol FileStore: Sendable {
    /// Stores `data` under `key`, replacing what was there; returns once it is written (for a
    /// local directory: synced to disk, the directory too).
    func put(_ data: Data, key: String, contentType: String) async throws
    /// The bytes under `key`; nil when there are none.
    func get(key: String) async throws -> Data?
    /// Removes `key`; removing a missing key is not an error.
    func delete(key: String) async throws
}
