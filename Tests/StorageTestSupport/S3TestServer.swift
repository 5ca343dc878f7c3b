import Foundation
import Logging
import Storage
import StorageS3

/// A fresh bucket per test on the S3-protocol server that `scripts/test.sh` starts
/// (`FOOTFALL_TEST_S3_URL`, `FOOTFALL_TEST_S3_ACCESS_KEY_ID`, `FOOTFALL_TEST_S3_SECRET_ACCESS_KEY`;
/// it checks signatures). Without them the S3 tests are skipped — except in CI, where they
/// must run.
public enum S3TestServer {
    static let environment = ProcessInfo.processInfo.environment
    public static let url = environment["FOOTFALL_TEST_S3_URL"]
    public static var available: Bool { url != nil || environment["CI"] == "true" }
    public static let logger = Logger(label: "test.s3")

    /// The test user's key.
    public static func credentials() throws -> S3Credentials {
        guard let id = environment["FOOTFALL_TEST_S3_ACCESS_KEY_ID"], let secret = environment["FOOTFALL_TEST_S3_SECRET_ACCESS_KEY"] else {
            throw StorageError.invalidInput(field: "FOOTFALL_TEST_S3_ACCESS_KEY_ID", reason: "not set; run the tests with scripts/test.sh")
        }
        return S3Credentials(accessKeyID: id, secretAccessKey: secret)
    }

    /// The configuration of a new bucket (not yet made) with a unique name.
    public static func configuration(prefix: String = "", credentials: S3Credentials? = nil) throws -> S3Configuration {
        guard let url else {
            throw StorageError.invalidInput(field: "FOOTFALL_TEST_S3_URL", reason: "not set; run the tests with scripts/test.sh")
        }
        let bucket = "footfall-test-\(UUID().uuidString.lowercased().prefix(18))"
        return try S3Configuration(url: "\(url)/\(bucket)\(prefix.isEmpty ? "" : "/" + prefix)",
                                   credentials: credentials ?? self.credentials())
    }

    /// Runs `body` with a client on a fresh bucket, and closes the client.
    public static func withBucket<T>(prefix: String = "", policy: S3Client.Policy = .init(),
                                     _ body: (S3Client) async throws -> T) async throws -> T {
        try await S3Client.with(configuration: try configuration(prefix: prefix), policy: policy, logger: logger) { client in
            try await client.createBucket()
            return try await body(client)
        }
    }
}
