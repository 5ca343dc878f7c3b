import Foundation
import Logging
import ServiceLifecycle
import Storage
import StorageS3

extension FootfallApp {
    /// Where stored files go: the S3 bucket of `s3-url` when it is set (the bucket must exist),
    /// the local `files-dir` otherwise. Returns the store and the services to run before its
    /// users (the S3 client, so that it closes after them).
    static func openFiles(configuration: FootfallConfiguration, logger: Logger) -> (store: any FileStore, services: [any Service]) {
        guard let s3 = configuration.s3 else {
            logger.info("files.opened", metadata: ["files.store": "local", "files.directory": "\(configuration.filesDirectory)"])
            return (LocalFileStore(directory: URL(fileURLWithPath: configuration.filesDirectory)), [])
        }
        // The configuration's description leaves out the secret.
        logger.info("files.opened", metadata: ["files.store": "s3", "files.bucket": "\(s3)"])
        let client = S3Client(configuration: s3, logger: logger)
        return (S3FileStore(client: client), [client])
    }

    /// Closes what `openFiles` opened, for a start that fails before its services run.
    static func closeFiles(_ services: [any Service]) async {
        for case let client as S3Client in services { try? await client.shutdown() }
    }
}
