import ArgumentParser
import Foundation
import FootfallApp

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database while serving: the SQLite file, or a PostgreSQL base backup.",
        discussion: """
            Embedded: takes one consistent snapshot of the SQLite database (every tenant), checks \
            that it reads back, and writes it to --to: a new file's path, or s3://bucket/key on the \
            server of s3-url. PostgreSQL: runs pg_basebackup and puts base.tar.gz and \
            backup_manifest in --to, a new directory or s3://bucket/prefix; with WAL archived by \
            `footfall wal push`, it restores to any time after it. See docs/operations.md.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "Where the backup goes: a path or s3://bucket/key (SQLite); a directory or s3://bucket/prefix (PostgreSQL).")
    var to: String

    func run() async throws {
        let configuration = try common.load()
        let logger = CommonOptions.logger(configuration)
        if configuration.databaseURL != nil {
            let files = try await FootfallApp.backupPostgres(configuration: configuration, to: to, logger: logger)
            for file in files { print("backup: \(to)/\(file.name): \(file.size) bytes") }
            return
        }
        let report = try await FootfallApp.backup(configuration: configuration, to: to, logger: logger)
        print("backup: \(report.location): \(report.size) bytes, sha256 \(report.sha256)")
        print("backup: schema \(report.summary.schemaVersion), \(report.summary.cameras) cameras, "
            + "\(report.summary.crossings) crossings, \(report.summary.countingResults) minute results")
    }
}
