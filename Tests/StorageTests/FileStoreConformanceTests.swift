import Foundation
import Storage
import StorageS3
import StorageTestSupport
import Testing

/// Every file store keeps bytes by key the same way.
struct FileStoreConformanceTests {
    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case memory, local, s3
        var testDescription: String { rawValue }

        /// S3 needs the server `scripts/test.sh` starts.
        static var available: [Kind] { S3TestServer.available ? allCases : [.memory, .local] }
    }

    func withStore(_ kind: Kind, _ body: (any FileStore) async throws -> Void) async throws {
        switch kind {
        case .memory:
            try await body(InMemoryFileStore())
        case .local:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("footfall-files-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(LocalFileStore(directory: directory))
        case .s3:
            try await S3TestServer.withBucket(prefix: "files") { client in try await body(S3FileStore(client: client)) }
        }
    }

    @Test(arguments: Kind.available)
    func bytesArePutReplacedReadAndRemovedByKey(kind: Kind) async throws {
        try await withStore(kind) { files in
            let bytes = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
            try await files.put(bytes, key: "reports/t1/shop/a.csv", contentType: "text/csv")
            #expect(try await files.get(key: "reports/t1/shop/a.csv") == bytes)
            try await files.put(Data("new".utf8), key: "reports/t1/shop/a.csv", contentType: "text/csv")
            #expect(try await files.get(key: "reports/t1/shop/a.csv") == Data("new".utf8))
            #expect(try await files.get(key: "reports/t1/shop/b.csv") == nil)
            try await files.delete(key: "reports/t1/shop/a.csv")
            try await files.delete(key: "reports/t1/shop/a.csv")
            #expect(try await files.get(key: "reports/t1/shop/a.csv") == nil)
        }
    }

    @Test(arguments: Kind.available)
    func keysThatCouldEscapeAreRefused(kind: Kind) async throws {
        try await withStore(kind) { files in
            for key in ["../x", "/etc/passwd", "a/../../b", "a//b", "", "a b", "a/./b"] {
                await #expect(throws: StorageError.self, "\(key)") {
                    try await files.put(Data("x".utf8), key: key, contentType: "text/plain")
                }
            }
        }
    }
}
