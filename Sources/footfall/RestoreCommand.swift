import ArgumentParser
import Foundation
import FootfallApp

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup: the SQLite file in place, or PostgreSQL into a new data directory.",
        discussion: """
            Embedded: checks the backup at --from (a path, or s3://bucket/key) and puts it in place \
            of the SQLite database; stop `serve` and the workers first (a database in use is \
            refused); the replaced file is kept as footfall.sqlite.before-restore-<time>. \
            PostgreSQL (with database-url set, or --pgdata): unpacks the base backup in --from into \
            the new --pgdata and sets it to replay the WAL archive --wal-from up to --until (an \
            ISO 8601 time) or its end; start PostgreSQL on --pgdata, as its own user, to recover. \
            See docs/operations.md.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "The backup: a path or s3://bucket/key (SQLite); a directory or s3://bucket/prefix (PostgreSQL).")
    var from: String

    @Option(help: "PostgreSQL: the new data directory to restore into.")
    var pgdata: String?

    @Option(help: "PostgreSQL: the WAL archive (as given to `footfall wal push --to`).")
    var walFrom: String?

    @Option(help: "PostgreSQL: recover up to this time (ISO 8601, such as 2026-12-02T10:30:00Z); default: all of the archive.")
    var until: String?

    func run() async throws {
        let configuration = try common.load()
        let logger = CommonOptions.logger(configuration)
        if let pgdata {
            guard let walFrom else { throw ValidationError("--wal-from is needed with --pgdata") }
            var target: Date?
            if let until {
                guard let date = FootfallApp.parseTime(until) else { throw ValidationError("--until: not an ISO 8601 time: \(until)") }
                target = date
            }
            try await FootfallApp.restorePostgres(from: from, pgdata: pgdata, walSource: walFrom, until: target,
                                                  configuration: configuration, logger: logger)
            print("restore: \(pgdata) is ready to recover\(until.map { " up to \($0)" } ?? ""); start PostgreSQL on it")
            return
        }
        if configuration.databaseURL != nil { throw ValidationError("--pgdata is needed to restore PostgreSQL") }
        let (summary, kept) = try await FootfallApp.restore(configuration: configuration, from: from, logger: logger)
        print("restore: schema \(summary.schemaVersion), \(summary.cameras) cameras, \(summary.crossings) crossings, "
            + "\(summary.countingResults) minute results")
        if let kept { print("restore: the database it replaced is kept at \(kept)") }
    }
}
