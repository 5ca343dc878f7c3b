import ArgumentParser
import Foundation
import FootfallApp

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database schema, then exit.",
        discussion: """
            Applies every migration not yet applied, each in its own transaction, and prints what it \
            did. Running it again does nothing. A migration that changed after it was applied is an \
            error: restore it and add a new migration instead. `serve` also migrates at start-up.
            """)

    @Option(help: "Directory that holds the database. [env: FOOTFALL_DATA_DIR, default: ./footfall-data]")
    var dataDir: String?

    func run() async throws {
        let configuration = try FootfallConfiguration.load(
            commandLine: dataDir.map { ["data-dir": $0] } ?? [:], environment: ProcessInfo.processInfo.environment)
        let applied = try await FootfallApp.migrate(dataDirectory: configuration.dataDirectory)
        let path = FootfallApp.databasePath(dataDirectory: configuration.dataDirectory)
        if applied.isEmpty {
            print("\(path): schema is up to date")
        } else {
            print("\(path): applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
