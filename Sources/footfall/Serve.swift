import ArgumentParser
import Foundation
import FootfallApp
import Hummingbird
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the API, the live WebSocket, the dashboard and the camera pipelines.",
        discussion: """
            With no servers configured everything runs in this process: a SQLite database in the \
            data directory, an in-process cache and event bus. Every option can also be set by an \
            environment variable (FOOTFALL_ and the option name, e.g. FOOTFALL_DATA_DIR) or in a \
            JSON configuration file; the command line wins over the environment, which wins over the file. \
            FOOTFALL_REDIS_URL (redis://…) moves the live cache, fan-out, camera leases and rate limits \
            to Redis; FOOTFALL_AMQP_URL (amqp://…) carries crossings and events through RabbitMQ. \
            Both hold passwords, so they are read from the environment or the file only. \
            `footfall config` prints every setting.
            """)

    @OptionGroup var common: CommonOptions

    @Option(help: ArgumentHelp(Settings.host.optionHelp))
    var host: String?

    @Option(help: ArgumentHelp(Settings.port.optionHelp))
    var port: Int?

    @Flag(help: ArgumentHelp(Settings.demo.optionHelp))
    var demo = false

    @Option(help: ArgumentHelp(Settings.demoVideo.optionHelp))
    var demoVideo: String?

    @Option(help: ArgumentHelp(Settings.requestsPerMinute.optionHelp))
    var requestsPerMinute: Int?

    @Flag(help: ArgumentHelp(Settings.cameras.optionHelp))
    var noCameras = false

    func run() async throws {
        let configuration = try common.load([
            Settings.host: host, Settings.port: port.map(String.init), Settings.demo: demo ? "true" : nil,
            Settings.demoVideo: demoVideo, Settings.requestsPerMinute: requestsPerMinute.map(String.init),
            Settings.cameras: noCameras ? "false" : nil,
        ])
        let app = try await FootfallApp.buildServer(configuration: configuration, logger: CommonOptions.logger(configuration))
        try await app.runService()
    }
}
