import ArgumentParser
import Foundation
import FootfallApp

struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "List the months retention archived, or bring one back for querying.",
        discussion: """
            Before a month leaves the database at retention, each tenant's rows of it are written to \
            the file store (files-dir or S3) as gzip JSON lines, listed in `files` with their \
            SHA-256 and read back; only then is the month dropped. `list` shows them; `restore MONTH` \
            (such as 2025-01) inserts them again, checked against their SHA-256, and keeps the month \
            from retention for a week. The embedded database archives crossings, minute results \
            and camera events; PostgreSQL also the audit trail and model logs. See docs/operations.md.
            """,
        subcommands: [List.self, Restore.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List archived months.")

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.load()
            let items = try await FootfallApp.listArchives(configuration: configuration, logger: CommonOptions.logger(configuration))
            if items.isEmpty { print("archive: nothing archived") }
            for item in items {
                print("\(item.file.name)\t\(item.tenant)\t\(item.file.size) bytes\tsha256 \(item.file.sha256Hex)\t\(item.file.key)")
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bring an archived month back into the database for a week.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The month, such as 2025-01.")
        var month: String

        @Option(help: "Only this table (crossing_events, counting_results, camera_events, audit_logs or model_logs).")
        var table: String?

        func run() async throws {
            let configuration = try common.load()
            let restored = try await FootfallApp.restoreArchive(configuration: configuration, month: month, table: table,
                                                                logger: CommonOptions.logger(configuration))
            for (table, rows) in restored { print("archive: \(table) \(month): \(rows) rows back") }
        }
    }
}
