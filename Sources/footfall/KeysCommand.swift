import ArgumentParser
import Foundation
import FootfallApp

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the key that seals camera stream URLs in PostgreSQL.",
        subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal every camera stream URL with secret-key again.",
            discussion: """
                Run it once every process has the new key as secret-key and the old one in \
                previous-secret-keys (FOOTFALL_PREVIOUS_SECRET_KEYS). It reads each sealed URL with \
                whichever key opens it and seals it with secret-key; then previous-secret-keys can be \
                removed. Running it again changes nothing. See docs/operations.md.
                """)

        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.load()
            let count = try await FootfallApp.rotateKeys(configuration: configuration, logger: CommonOptions.logger(configuration))
            print("keys: \(count) camera stream URLs sealed again with secret-key")
        }
    }
}
