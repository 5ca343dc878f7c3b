import Foundation

/// Files in a local directory, one file per key (the key is its path under the directory).
/// A put writes a temporary file, syncs it and renames it over the key, so a reader never sees
/// half a file and a crash leaves the old one or the new one.
public struct LocalFileStore: FileStore {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    private func url(_ key: String) throws -> URL {
        try StoredFile.validate(key: key)
        return directory.appendingPathComponent(key)
    }

    public func put(_ data: Data, key: String, contentType: String) async throws {
        let target = try url(key)
        let folder = target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let temporary = folder.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).tmp")
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw StorageError.backend(operation: "write a file", reason: "cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                try handle.write(contentsOf: data)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
            if rename(temporary.path, target.path) != 0 {
                try? FileManager.default.removeItem(at: temporary)
                throw StorageError.backend(operation: "write a file", reason: "cannot move it into place at \(target.path): errno \(errno)")
            }
            // The rename is durable once the directory that holds the new name is synced.
            let folderDescriptor = open(folder.path, O_RDONLY)
            if folderDescriptor >= 0 {
                _ = fsync(folderDescriptor)
                close(folderDescriptor)
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw StorageError.backend(operation: "write a file", reason: "\(target.path): \(error)")
        }
    }

    public func get(key: String) async throws -> Data? {
        let target = try url(key)
        guard FileManager.default.fileExists(atPath: target.path) else { return nil }
        do {
            return try Data(contentsOf: target)
        } catch {
            throw StorageError.backend(operation: "read a file", reason: "\(target.path): \(error)")
        }
    }

    public func delete(key: String) async throws {
        let target = try url(key)
        guard FileManager.default.fileExists(atPath: target.path) else { return }
        do {
            try FileManager.default.removeItem(at: target)
        } catch {
            throw StorageError.backend(operation: "remove a file", reason: "\(target.path): \(error)")
        }
    }
}
