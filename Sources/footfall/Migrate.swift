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

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.load()
        let applied = try await FootfallApp.migrate(configuration: configuration, logger: CommonOptions.logger(configuration))
        let path = configuration.databaseURL == nil
            ? FootfallApp.databasePath(dataDirectory: configuration.dataDirectory) : "PostgreSQL"
        if applied.isEmpty {
            print("\(path): schema is up to date")
        } else {
            print("\(path): applied migrations \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
