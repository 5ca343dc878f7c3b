import ArgumentParser
import Foundation
import FootfallApp
import Logging

/// The options every command that opens Footfall's data or brokers shares. Their help comes
/// from the settings table (`Settings`), as do the environment variables and defaults.
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp(Settings.configFile.optionHelp))
    var config: String?

    @Option(help: ArgumentHelp(Settings.dataDirectory.optionHelp))
    var dataDir: String?

    @Option(help: ArgumentHelp(Settings.logLevel.optionHelp))
    var logLevel: Logger.Level?

    /// The configuration: these options and `extra` (the command's own, by setting) over the
    /// environment, the configuration file and the defaults.
    func load(_ extra: [Setting: String?] = [:]) throws -> FootfallConfiguration {
        var given: [String: String] = [:]
        given[Settings.configFile.key] = config
        given[Settings.dataDirectory.key] = dataDir
        given[Settings.logLevel.key] = logLevel?.rawValue
        for (setting, value) in extra { given[setting.key] = value }
        return try FootfallConfiguration.load(commandLine: given, environment: ProcessInfo.processInfo.environment)
    }

    /// A logger at the configured level.
    static func logger(_ configuration: FootfallConfiguration, label: String = "footfall") -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = configuration.logLevel
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
