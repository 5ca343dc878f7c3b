import ArgumentParser
import Foundation
import FootfallApp

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show every setting: its value and where it came from (secrets only as set or not).",
        discussion: """
            Settings come from the command line, else the environment (FOOTFALL_…), else the JSON \
            configuration file, else the default. --markdown prints the table of settings instead.
            """)

    @Option(help: ArgumentHelp(Settings.configFile.optionHelp))
    var config: String?

    @Flag(help: "Print the table of settings (option, environment variable, default, meaning) in Markdown.")
    var markdown = false

    func run() throws {
        if markdown {
            print(Settings.markdownTable())
            return
        }
        let rows = try Settings.explain(commandLine: config.map { [Settings.configFile.key: $0] } ?? [:],
                                        environment: ProcessInfo.processInfo.environment)
        let width = rows.map(\.setting.key.count).max() ?? 0
        for row in rows {
            print("\(row.setting.key.padding(toLength: width, withPad: " ", startingAt: 0))  \(row.value)  (\(row.source))")
        }
    }
}
