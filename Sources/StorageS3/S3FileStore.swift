import Foundation
import NIOCore
import Storage

/// Files in an S3 bucket, one object per key under the configured prefix. A put is one request
/// (S3 makes an object whole or not at all); downloads can go straight to S3 through presigned
/// links. Failures are `StorageError.backend`, with S3's error code in the reason.
public struct S3FileStore: FileStore {
    public let client: S3Client

    public init(client: S3Client) {
        self.client = client
    }

    private func objectKey(_ key: String) throws -> String {
        try StoredFile.validate(key: key)
        return client.configuration.prefix + key
    }

    public func put(_ data: Data, key: String, contentType: String) async throws {
        let object = try objectKey(key)
        try await backend("write a file") { try await client.put(key: object, body: ByteBuffer(bytes: data), contentType: contentType) }
    }

    public func get(key: String) async throws -> Data? {
        let object = try objectKey(key)
        return try await backend("read a file") { try await client.get(key: object).map { Data($0.readableBytesView) } }
    }

    public func delete(key: String) async throws {
        let object = try objectKey(key)
        try await backend("delete a file") { try await client.delete(key: object) }
    }

    public func downloadURL(key: String, expiresIn: Duration) async throws -> String? {
        client.presignedGetURL(key: try objectKey(key), expiresIn: expiresIn)
    }

    private func backend<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as S3Error {
            throw StorageError.backend(operation: operation, reason: error.description)
        }
    }
}
