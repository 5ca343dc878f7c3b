import ArgumentParser
import Foundation
import FootfallApp

struct WALCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wal",
        abstract: "Archive and fetch PostgreSQL WAL files: PostgreSQL's archive_command and restore_command.",
        discussion: """
            In postgresql.conf: archive_mode = on, archive_command = 'footfall wal push %p --to ARCHIVE' \
            and archive_timeout = the most data you accept to lose, in seconds. `footfall restore \
            --pgdata` writes the matching restore_command. ARCHIVE is a directory or \
            s3://bucket/prefix (with s3-url and its key in PostgreSQL's environment). See docs/operations.md.
            """,
        subcommands: [Push.self, Fetch.self])

    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Archive one WAL file (archive_command).")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The WAL file (PostgreSQL's %p).")
        var path: String

        @Option(help: "The archive: a directory or s3://bucket/prefix.")
        var to: String

        func run() async throws {
            let configuration = try common.load()
            try await FootfallApp.pushWAL(path: path, to: to, configuration: configuration, logger: CommonOptions.logger(configuration))
        }
    }

    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fetch one archived WAL file (restore_command); exits 1 when there is none, 255 on any other failure.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The file's name (PostgreSQL's %f).")
        var name: String

        @Argument(help: "Where to put it (PostgreSQL's %p).")
        var path: String

        @Option(help: "The archive: a directory or s3://bucket/prefix.")
        var from: String

        func run() async throws {
            // PostgreSQL reads exit status 1 as "no such file: the end of the archive" and
            // finishes recovery there; any other failure must stop recovery instead (above 125),
            // or a briefly unreachable archive would end it early and lose history.
            let found: Bool
            do {
                let configuration = try common.load()
                found = try await FootfallApp.fetchWAL(name: name, to: path, from: from, configuration: configuration,
                                                       logger: CommonOptions.logger(configuration))
            } catch {
                FileHandle.standardError.write(Data("footfall wal fetch: \(error)\n".utf8))
                throw ExitCode(255)
            }
            if !found { throw ExitCode(1) }
        }
    }
}
