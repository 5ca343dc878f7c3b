import ArgumentParser
import Foundation
import FootfallApp
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database schema, then exit.",
        discussion: """
            Applies every migration not yet applied, each in its own transaction, and prints what it \
            did. Running it again does nothing. A migration that changed after it was applied is an \
            error: restore it and add a new migration instead. `serve` also migrates at start-up.
            """)

    @Option(help: "Directory that holds the SQLite database. [env: FOOTFALL_DATA_DIR, default: ./footfall-data]")
    var dataDir: String?

    @Option(help: "PostgreSQL URL (postgres://user:password@host:port/db?sslmode=require) to migrate instead. [env: FOOTFALL_DATABASE_URL]")
    var databaseURL: String?

    @Option(help: "JSON configuration file. [env: FOOTFALL_CONFIG]")
    var config: String?

    func run() async throws {
        var given: [String: String] = [:]
        given["data-dir"] = dataDir
        given["database-url"] = databaseURL
        given["config"] = config
        let configuration = try FootfallConfiguration.load(commandLine: given, environment: ProcessInfo.processInfo.environment)
        let applied = try await FootfallApp.migrate(configuration: configuration, logger: Logger(label: "footfall"))
        let path = configuration.databaseURL == nil
            ? FootfallApp.databasePath(dataDirectory: configuration.dataDirectory) : "PostgreSQL"
        if applied.isEmpty {
            print("\(path): schema is up to date")
        } else {
            print("\(path): applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
