import ArgumentParser
import Foundation
import FootfallApp

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup in place of the embedded database (with Footfall stopped).",
        discussion: """
            Checks the backup at --from (a path, or s3://bucket/key on the server of s3-url), then \
            puts it in place of the SQLite database. Stop `serve` and the workers first: a database \
            in use is refused. The replaced file is kept beside it as \
            footfall.sqlite.before-restore-<time>. See docs/operations.md.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: "The backup: a path, or s3://bucket/key.")
    var from: String

    func run() async throws {
        let configuration = try common.load()
        let (summary, kept) = try await FootfallApp.restore(configuration: configuration, from: from,
                                                            logger: CommonOptions.logger(configuration))
        print("restore: schema \(summary.schemaVersion), \(summary.cameras) cameras, \(summary.crossings) crossings, "
            + "\(summary.countingResults) minute results")
        if let kept { print("restore: the database it replaced is kept at \(kept)") }
    }
}
