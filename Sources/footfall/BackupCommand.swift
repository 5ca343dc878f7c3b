import ArgumentParser
import Foundation
import FootfallApp

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the embedded database to a new file or an S3 object, while serving.",
        discussion: """
            Takes one consistent snapshot of the SQLite database (every tenant), checks that it \
            reads back, and writes it to --to: a path (never replacing a file), or s3://bucket/key \
            on the server of s3-url, with its key. Prints the size and SHA-256. `serve` may go on \
            running and writing meanwhile. PostgreSQL backups are not built yet. See docs/operations.md.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Where the backup goes: a new file's path, or s3://bucket/key.")
    var to: String

    func run() async throws {
        let configuration = try common.load()
        let report = try await FootfallApp.backup(configuration: configuration, to: to, logger: CommonOptions.logger(configuration))
        print("backup: \(report.location): \(report.size) bytes, sha256 \(report.sha256)")
        print("backup: schema \(report.summary.schemaVersion), \(report.summary.cameras) cameras, "
            + "\(report.summary.crossings) crossings, \(report.summary.countingResults) minute results")
    }
}
