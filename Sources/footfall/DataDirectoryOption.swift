import ArgumentParser
import Foundation
import FootfallApp

/// `--data-dir` alone, for commands that only need the data directory (models, count, bench):
/// read through the same configuration as every other command (option > environment > file >
/// default), so that all of them find the same models.
struct DataDirectoryOption: ParsableArguments {
    @Option(help: ArgumentHelp(Settings.dataDirectory.optionHelp))
    var dataDir: String?

    /// The data directory the configuration names.
    func path() throws -> String {
        try FootfallConfiguration.load(commandLine: dataDir.map { [Settings.dataDirectory.key: $0] } ?? [:],
                                       environment: ProcessInfo.processInfo.environment).dataDirectory
    }
}
