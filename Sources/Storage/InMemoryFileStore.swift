import Foundation
import Synchronization

/// Files held in memory, for tests and short-lived tools.
public final class InMemoryFileStore: FileStore {
    private let objects = Mutex<[String: Data]>([:])

    public init() {}

    public func put(_ data: Data, key: String, contentType: String) async throws {
        try StoredFile.validate(key: key)
        objects.withLock { $0[key] = data }
    }

    public func get(key: String) async throws -> Data? {
        try StoredFile.validate(key: key)
        return objects.withLock { $0[key] }
    }

    public func delete(key: String) async throws {
        try StoredFile.validate(key: key)
        _ = objects.withLock { $0.removeValue(forKey: key) }
    }
}
